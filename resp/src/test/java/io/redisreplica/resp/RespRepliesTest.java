package io.redisreplica.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class RespRepliesTest {
    private static InputStream stream(String resp) {
        return new ByteArrayInputStream(resp.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldReturnEachOfSeveralRepliesThatArriveInOneRead() throws IOException {
        final RespReplies replies = new RespReplies(stream("+OK\r\n:42\r\n$-1\r\n*2\r\n$1\r\na\r\n-ERR inside\r\n-WRONGTYPE top\r\n"),
            "test", 1 << 20, false);
        assertEquals("OK", replies.read());
        assertEquals(42L, replies.read());
        assertNull(replies.read());
        assertEquals(List.of("a", new RespError("ERR inside")), replies.read());
        assertEquals(new RespError("WRONGTYPE top"), replies.read());
        final EOFException eof = assertThrows(EOFException.class, replies::read);
        assertTrue(eof.getMessage().contains("test"), eof.getMessage());
    }

    @Test
    void shouldGiveBulksAsBytesWhenBinary() throws IOException {
        final RespReplies replies = new RespReplies(stream("$3\r\n\u0000\u00ff\r\r\n+simple\r\n"), "test", 1 << 20, true);
        assertArrayEquals(new byte[] {0, (byte) 0xff, '\r'}, (byte[]) replies.read());
        assertEquals("simple", replies.read(), "a simple string stays text");
    }

    @Test
    void shouldRefuseAReplyLongerThanItsBoundAndBytesThatAreNotResp() {
        final IOException tooLong = assertThrows(IOException.class,
            () -> new RespReplies(stream("$2000\r\n" + "x".repeat(2000) + "\r\n"), "master m:1", 1024, true).read());
        assertTrue(tooLong.getMessage().contains("master m:1"), tooLong.getMessage());
        final IOException garbage = assertThrows(IOException.class, () -> new RespReplies(stream("?what\r\n"), "m", 1024, false).read());
        assertTrue(garbage.getMessage().contains("not RESP"), garbage.getMessage());
    }
}
