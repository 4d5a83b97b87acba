package io.redisreplica.resp;

import static io.redisreplica.resp.Feed.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RespWriterTest {

    private static String written(RespWriter writer) {
        final byte[] bytes = new byte[writer.length()];
        writer.buffer().getBytes(0, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldEncodeCommandsExactlyAsRedisDoes() {
        final RespWriter writer = new RespWriter().wrap(new ExpandableArrayBuffer(8), 0);
        writer.arrayHeader(3).bulk("SET").bulk(ascii("k")).bulk(-17L);
        assertEquals("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n-17\r\n", written(writer));
    }

    @Test
    void shouldEncodeEveryReplyType() {
        final RespWriter writer = new RespWriter().wrap(new ExpandableArrayBuffer(), 0);
        writer.simpleString("OK").error("ERR no").integer(Long.MIN_VALUE).nullBulk().nullArray().null3()
            .doubleValue(1.5).doubleValue(Double.NEGATIVE_INFINITY).booleanValue(true).bigNumber("123456789012345678901234567890")
            .verbatim("txt", "hi").blobError(ascii("SYNTAX x")).aggregateHeader(RespType.MAP, 1).simpleString("a").integer(1)
            .aggregateHeader(RespType.PUSH, 1).bulk(Long.MIN_VALUE);
        final RespDecoder decoder = new RespDecoder();
        final EventRecorder recorder = new EventRecorder();
        assertEquals(writer.length(), decoder.decode(writer.buffer(), 0, writer.length(), recorder));
        assertEquals(List.of("simple:OK", "error:ERR no", "int:" + Long.MIN_VALUE, "null", "null", "null", "double:1.5",
            "double:-inf", "bool:true", "big:123456789012345678901234567890", "VERBATIM_STRING:txt:hi",
            "BLOB_ERROR:SYNTAX x", "MAP[1", "simple:a", "int:1", "]MAP", "PUSH[1", "BULK_STRING:" + Long.MIN_VALUE, "]PUSH"),
            recorder.events);
    }

    @Test
    void shouldCopyForwardedBytesVerbatim() {
        final UnsafeBuffer source = new UnsafeBuffer(ascii("xx*1\r\n$4\r\nPING\r\nyy"));
        final RespWriter writer = new RespWriter().wrap(new ExpandableArrayBuffer(), 0).raw(source, 2, 14);
        assertEquals("*1\r\n$4\r\nPING\r\n", written(writer));
    }

    @Test
    void shouldRefuseLineBreaksInsideSimpleStrings() {
        final RespWriter writer = new RespWriter().wrap(new ExpandableArrayBuffer(), 0);
        assertThrows(IllegalArgumentException.class, () -> writer.simpleString("a\r\nb"));
    }
}
