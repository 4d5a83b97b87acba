package io.redisreplica.resp;

import static io.redisreplica.resp.Feed.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RespDecoderTest {

    static Stream<Arguments> everyType() {
        return Stream.of(
            Arguments.of("+OK\r\n", List.of("simple:OK")),
            Arguments.of("+\r\n", List.of("simple:")),
            Arguments.of("-ERR unknown command\r\n", List.of("error:ERR unknown command")),
            Arguments.of(":0\r\n:-42\r\n:9223372036854775807\r\n", List.of("int:0", "int:-42", "int:9223372036854775807")),
            Arguments.of("$5\r\nhello\r\n", List.of("BULK_STRING:hello")),
            Arguments.of("$0\r\n\r\n", List.of("BULK_STRING:")),
            Arguments.of("$4\r\na\r\nb\r\n", List.of("BULK_STRING:a\r\nb")),
            Arguments.of("$-1\r\n", List.of("null")),
            Arguments.of("*-1\r\n", List.of("null")),
            Arguments.of("*0\r\n", List.of("ARRAY[0", "]ARRAY")),
            Arguments.of("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", List.of("ARRAY[2", "BULK_STRING:GET", "BULK_STRING:k", "]ARRAY")),
            Arguments.of("*2\r\n*1\r\n:1\r\n*0\r\n", List.of("ARRAY[2", "ARRAY[1", "int:1", "]ARRAY", "ARRAY[0", "]ARRAY", "]ARRAY")),
            Arguments.of("_\r\n", List.of("null")),
            Arguments.of(",3.14\r\n,inf\r\n,-inf\r\n,nan\r\n", List.of("double:3.14", "double:inf", "double:-inf", "double:nan")),
            Arguments.of("#t\r\n#f\r\n", List.of("bool:true", "bool:false")),
            Arguments.of("!21\r\nSYNTAX invalid syntax\r\n", List.of("BLOB_ERROR:SYNTAX invalid syntax")),
            Arguments.of("=15\r\ntxt:Some string\r\n", List.of("VERBATIM_STRING:txt:Some string")),
            Arguments.of("(3492890328409238509324850943850943825024385\r\n", List.of("big:3492890328409238509324850943850943825024385")),
            Arguments.of("(-1\r\n", List.of("big:-1")),
            Arguments.of("%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n", List.of("MAP[2", "simple:a", "int:1", "simple:b", "int:2", "]MAP")),
            Arguments.of("~2\r\n+x\r\n+y\r\n", List.of("SET[2", "simple:x", "simple:y", "]SET")),
            Arguments.of(">3\r\n+message\r\n+chan\r\n$2\r\nhi\r\n", List.of("PUSH[3", "simple:message", "simple:chan", "BULK_STRING:hi", "]PUSH")),
            // an attribute annotates the next value and is not counted as an element of its parent
            Arguments.of("*2\r\n|1\r\n+ttl\r\n:3600\r\n:1\r\n:2\r\n",
                List.of("ARRAY[2", "ATTRIBUTE[1", "simple:ttl", "int:3600", "]ATTRIBUTE", "int:1", "int:2", "]ARRAY")),
            Arguments.of("\n\n+OK\r\n", List.of("keepalive", "keepalive", "simple:OK")),
            Arguments.of("\r\n", List.of("keepalive")),
            Arguments.of("PING\r\nset a  b\n", List.of("inline:PING", "inline:set a  b")));
    }

    @ParameterizedTest
    @MethodSource("everyType")
    void shouldDecodeEveryTypeWhateverTheSplit(String wire, List<String> expected) {
        final byte[] input = ascii(wire);
        for (int split = 0; split <= input.length; split++) {
            assertEquals(expected, decode(Feed.split(input, split), new RespDecoderContext()), "split at " + split);
        }
        assertEquals(expected, decode(Feed.bytewise(input), new RespDecoderContext()), "byte by byte");
    }

    @Test
    void shouldStreamBulkLongerThanChunkSizeInPieces() {
        final String value = "x".repeat(1000);
        final byte[] input = ascii("*2\r\n$3\r\nSET\r\n$1000\r\n" + value + "\r\n");
        final RespDecoderContext ctx = new RespDecoderContext().chunkSize(100);
        final List<String> expected = List.of("ARRAY[2", "BULK_STRING:SET", "BULK_STRING:" + value, "]ARRAY");
        for (int split = 0; split <= input.length; split++) {
            assertEquals(expected, decode(Feed.split(input, split), ctx), "split at " + split);
        }
        final EventRecorder recorder = new EventRecorder();
        final RespDecoder decoder = new RespDecoder(ctx);
        final int left = Feed.feed(Feed.bytewise(input), buf -> Feed.decodeAll(decoder, buf, recorder));
        assertEquals(0, left);
        assertEquals(expected, recorder.events);
        assertTrue(recorder.chunks >= 1000, "streamed one byte at a time, got " + recorder.chunks + " chunks");
    }

    @Test
    void shouldNeverBufferAStreamedBulkWhole() {
        // 1 MB value, receive buffer of 4 KB: the decoder must consume every chunk as it comes
        final RespDecoder decoder = new RespDecoder(new RespDecoderContext().chunkSize(1024));
        final EventRecorder recorder = new EventRecorder();
        final UnsafeBuffer header = new UnsafeBuffer(ascii("$1048576\r\n"));
        assertEquals(header.capacity(), decoder.decode(header, 0, header.capacity(), recorder));
        final UnsafeBuffer chunk = new UnsafeBuffer(new byte[4096]);
        for (int i = 0; i < 256; i++) {
            assertEquals(4096, decoder.decode(chunk, 0, 4096, recorder));
        }
        final UnsafeBuffer crlf = new UnsafeBuffer(ascii("\r\n"));
        assertEquals(2, decoder.decode(crlf, 0, 2, recorder));
        assertEquals(1, recorder.events.size());
        assertEquals(1024 * 1024 + "BULK_STRING:".length(), recorder.events.get(0).length());
        assertTrue(decoder.atValueBoundary());
        assertEquals(10 + 1024 * 1024 + 2, decoder.position());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
            Arguments.of("$600000000\r\n", "bulk length=600000000 at offset=0 (expected: 0..536870912)"),
            Arguments.of("+OK\r\n$-2\r\n", "bulk length=-2 at offset=5 (expected: 0..536870912)"),
            Arguments.of("$abc\r\n", "invalid bulk length \"abc\" at offset=0"),
            Arguments.of("$\r\n", "invalid bulk length \"\" at offset=0"),
            Arguments.of("$99999999999999999999\r\n", "invalid bulk length \"99999999999999999999\" at offset=0"),
            Arguments.of("$3\r\nabcXY", "bulk of 3 bytes not followed by CRLF at offset=7"),
            Arguments.of("*2000000\r\n", "multibulk length=2000000 at offset=0 (expected: 0..1048576)"),
            Arguments.of("*x\r\n", "invalid multibulk length \"x\" at offset=0"),
            Arguments.of("%-1\r\n", "MAP length=-1 at offset=0 (expected: 0..1048576)"),
            Arguments.of(":12a\r\n", "invalid integer \"12a\" at offset=0"),
            Arguments.of(":\r\n", "invalid integer \"\" at offset=0"),
            Arguments.of("#x\r\n", "invalid boolean \"x\" at offset=0"),
            Arguments.of("_x\r\n", "invalid null \"x\" at offset=0"),
            Arguments.of(",\r\n", "invalid double \"\" at offset=0"),
            Arguments.of("(12z\r\n", "invalid big number \"12z\" at offset=0"),
            Arguments.of("+OK\n", "SIMPLE_STRING line not terminated by CRLF at offset=0"),
            Arguments.of("*1\r\nhello\r\n", "expected a RESP type byte, got 'h' (0x68) at offset=4"),
            Arguments.of("*1\r\n\n", "expected a RESP type byte, got '\\n' (0x0a) at offset=4"),
            Arguments.of("*1\r\n\u0080\r\n", "expected a RESP type byte, got '\\x80' (0x80) at offset=4"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void shouldRejectMalformedInputWithExactMessage(String wire, String message) {
        final byte[] input = ascii(wire);
        for (int split = 0; split <= input.length; split++) {
            final List<byte[]> pieces = Feed.split(input, split);
            final RespProtocolException e = assertThrows(RespProtocolException.class,
                () -> decode(pieces, new RespDecoderContext()), "split at " + split);
            assertEquals(message, e.getMessage(), "split at " + split);
        }
    }

    @Test
    void shouldRejectStreamedBulkWithoutCrlfAtItsEnd() {
        final byte[] input = ascii("$20\r\n" + "a".repeat(20) + "X\n");
        final RespProtocolException e = assertThrows(RespProtocolException.class,
            () -> decode(List.of(input), new RespDecoderContext().chunkSize(16)));
        assertEquals("bulk of 20 bytes not followed by CRLF: got 'X' (0x58) at offset=25", e.getMessage());
        assertEquals(25, e.streamOffset());
    }

    @Test
    void shouldRejectLineLongerThanInlineCap() {
        final byte[] input = ascii("+" + "a".repeat(200));
        final RespProtocolException e = assertThrows(RespProtocolException.class,
            () -> decode(Feed.bytewise(input), new RespDecoderContext().maxInlineLength(100)));
        assertEquals("line longer than 100 bytes without CRLF at offset=0 starting \"+" + "a".repeat(31) + "...\"",
            e.getMessage());
    }

    @Test
    void shouldRejectNestingDeeperThanCap() {
        final byte[] input = ascii("*1\r\n".repeat(5) + ":1\r\n");
        final RespProtocolException e = assertThrows(RespProtocolException.class,
            () -> decode(List.of(input), new RespDecoderContext().maxDepth(4)));
        assertEquals("nesting deeper than 4 at offset=16", e.getMessage());
    }

    @Test
    void shouldReportStreamOffsetsAcrossCalls() {
        final RespDecoder decoder = new RespDecoder();
        final EventRecorder recorder = new EventRecorder();
        final UnsafeBuffer first = new UnsafeBuffer(ascii("+OK\r\n:1\r\n"));
        assertEquals(9, decoder.decode(first, 0, 9, recorder));
        final UnsafeBuffer second = new UnsafeBuffer(ascii("$x\r\n"));
        final RespProtocolException e = assertThrows(RespProtocolException.class, () -> decoder.decode(second, 0, 4, recorder));
        assertEquals(9, e.streamOffset());
    }

    @Test
    void shouldReturnZeroWhenValueIsIncomplete() {
        final RespDecoder decoder = new RespDecoder();
        final UnsafeBuffer buf = new UnsafeBuffer(ascii("$5\r\nhel"));
        assertEquals(0, decoder.decode(buf, 0, buf.capacity(), new EventRecorder()));
        assertTrue(decoder.atValueBoundary());
    }

    private static List<String> decode(List<byte[]> pieces, RespDecoderContext ctx) {
        final RespDecoder decoder = new RespDecoder(ctx);
        final EventRecorder recorder = new EventRecorder();
        final int left = Feed.feed(pieces, buf -> Feed.decodeAll(decoder, buf, recorder));
        assertEquals(0, left, "bytes left over");
        return recorder.events;
    }
}
