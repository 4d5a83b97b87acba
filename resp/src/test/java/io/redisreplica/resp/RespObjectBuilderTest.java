package io.redisreplica.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RespObjectBuilderTest {
    private static UnsafeBuffer bytes(String s) {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldHandEveryPipelinedReplyToItsListenerWhenTheyArriveInOneRead() {
        final List<Object> replies = new ArrayList<>();
        final RespObjectBuilder builder = new RespObjectBuilder((result, error) -> replies.add(error != null ? "error " + error : result));
        final UnsafeBuffer in = bytes("+OK\r\n+QUEUED\r\n-ERR no\r\n:7\r\n*2\r\n$1\r\na\r\n:1\r\n");
        assertEquals(in.capacity(), new RespDecoder().decode(in, 0, in.capacity(), builder));
        assertEquals(Arrays.asList("OK", "QUEUED", "error ERR no", 7L, List.of("a", 1L)), replies);
    }

    @Test
    void shouldKeepAnErrorInsideAnExecReplyAsAnElementNotAsTheReplysError() {
        final RespObjectBuilder builder = new RespObjectBuilder();
        final UnsafeBuffer in = bytes("*3\r\n+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n:2\r\n");
        new RespDecoder().decode(in, 0, in.capacity(), builder);
        assertTrue(builder.done());
        assertNull(builder.error());
        assertEquals(List.of("OK", new RespError("WRONGTYPE Operation against a key holding the wrong kind of value"), 2L),
            builder.result());
    }

    @Test
    void shouldReportATopLevelErrorAsTheReplysError() {
        final RespObjectBuilder builder = new RespObjectBuilder();
        final UnsafeBuffer in = bytes("-EXECABORT Transaction discarded because of previous errors.\r\n");
        new RespDecoder().decode(in, 0, in.capacity(), builder);
        assertEquals("EXECABORT Transaction discarded because of previous errors.", builder.error());
        assertNull(builder.result());
    }
}
