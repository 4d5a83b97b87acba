package io.redisreplica.resp;

import static io.redisreplica.resp.Feed.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CommandFramerTest {
    private static final byte[] SET = ascii("SET");

    /** Frames everything in the pieces; each command as its argument list plus its exact wire bytes. */
    private static List<String> frame(List<byte[]> pieces, RespDecoderContext ctx, List<byte[]> wire) {
        final CommandFramer framer = new CommandFramer(ctx);
        final List<String> commands = new ArrayList<>();
        final int left = Feed.feed(pieces, buf -> {
            int total = 0;
            int n;
            while ((n = framer.frame(buf, total, buf.capacity() - total)) > 0) {
                final Command c = framer.command();
                assertEquals(total, c.offset());
                assertEquals(n, c.length());
                if (wire != null) {
                    final byte[] bytes = new byte[n];
                    buf.getBytes(total, bytes);
                    wire.add(bytes);
                }
                final List<String> args = new ArrayList<>();
                for (int i = 0; i < c.argCount(); i++) {
                    args.add(new String(c.argBytes(i), StandardCharsets.ISO_8859_1));
                }
                commands.add((c.isInline() ? "inline" : "") + args);
                total += n;
            }
            return total;
        });
        assertEquals(0, left, "bytes left over");
        return commands;
    }

    @Test
    void shouldRoundTripRandomCommandsSplitAtEveryBytePosition() {
        final Random random = new Random(20261124L);
        for (int round = 0; round < 40; round++) {
            final List<List<byte[]>> commands = new ArrayList<>();
            final ExpandableArrayBuffer out = new ExpandableArrayBuffer();
            final RespWriter writer = new RespWriter().wrap(out, 0);
            final List<String> expected = new ArrayList<>();
            for (int c = 0; c < 1 + random.nextInt(4); c++) {
                final List<byte[]> args = new ArrayList<>();
                final int argc = 1 + random.nextInt(5);
                writer.arrayHeader(argc);
                for (int a = 0; a < argc; a++) {
                    final byte[] arg = new byte[random.nextInt(a == 0 ? 8 : 40)];
                    random.nextBytes(arg); // binary-safe: CR, LF and '$' inside values included
                    args.add(arg);
                    writer.bulk(arg);
                }
                commands.add(args);
                final List<String> strings = new ArrayList<>();
                args.forEach(arg -> strings.add(new String(arg, StandardCharsets.ISO_8859_1)));
                expected.add(strings.toString());
            }
            final byte[] input = new byte[writer.length()];
            out.getBytes(0, input);
            for (int split = 0; split <= input.length; split++) {
                final List<byte[]> wire = new ArrayList<>();
                assertEquals(expected, frame(Feed.split(input, split), new RespDecoderContext(), wire), "split at " + split);
                final ByteArrayOutputStream joined = new ByteArrayOutputStream();
                wire.forEach(joined::writeBytes);
                assertArrayEquals(input, joined.toByteArray(), "forwarded bytes are the received bytes");
            }
            assertEquals(expected, frame(Feed.bytewise(input), new RespDecoderContext(), null));
        }
    }

    @Test
    void shouldSayHowLongACutOffCommandIsKnownToBe() {
        final CommandFramer framer = new CommandFramer();
        final byte[] whole = ascii("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\n" + "v".repeat(100) + "\r\n");
        final UnsafeBuffer buf = new UnsafeBuffer(whole);
        assertEquals(0, framer.frame(buf, 0, 6));
        assertEquals(0, framer.needed(), "inside the first header: not known yet");
        assertEquals(0, framer.frame(buf, 0, 10));
        assertEquals(13, framer.needed(), "inside the first argument: up to its end");
        assertEquals(0, framer.frame(buf, 0, 40));
        assertEquals(whole.length, framer.needed(), "inside the last argument: the whole command");
        assertEquals(whole.length, framer.frame(buf, 0, whole.length));
        assertEquals(0, framer.needed());
    }

    @Test
    void shouldFrameInlineCommandsAndKeepAlives() {
        final byte[] input = ascii("\n\nPING\r\nset  k \"a b\"  'c'\n\r\n*0\r\nGET x\n");
        for (int split = 0; split <= input.length; split++) {
            assertEquals(List.of("[]", "[]", "inline[PING]", "inline[set, k, a b, c]", "[]", "[]", "inline[GET, x]"),
                frame(Feed.split(input, split), new RespDecoderContext(), null), "split at " + split);
        }
    }

    @Test
    void shouldMatchNamesIgnoringCaseAndParseNumbers() {
        final UnsafeBuffer buf = new UnsafeBuffer(ascii("*3\r\n$3\r\nsEt\r\n$3\r\nkey\r\n$5\r\n-1234\r\n"));
        final CommandFramer framer = new CommandFramer();
        assertEquals(buf.capacity(), framer.frame(buf, 0, buf.capacity()));
        final Command c = framer.command();
        assertTrue(c.nameIs(SET));
        assertFalse(c.nameIs(ascii("GET")));
        assertEquals(-1234, c.argLong(2));
        assertEquals("\"sEt\" \"key\" \"-1234\"", c.toString());
        assertThrows(NumberFormatException.class, () -> c.argLong(1));
    }

    @Test
    void shouldTrackStreamOffsetOfEachCommand() {
        final UnsafeBuffer buf = new UnsafeBuffer(ascii("*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n"));
        final CommandFramer framer = new CommandFramer();
        framer.position(1000);
        assertEquals(14, framer.frame(buf, 0, 28));
        assertEquals(1000, framer.command().streamOffset());
        assertEquals(14, framer.frame(buf, 14, 14));
        assertEquals(1014, framer.command().streamOffset());
        assertEquals(1028, framer.position());
    }

    @Test
    void shouldGrowArgumentTablesForLongCommands() {
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer();
        final RespWriter writer = new RespWriter().wrap(out, 0).arrayHeader(1001).bulk("MSET");
        for (int i = 0; i < 1000; i++) {
            writer.bulk(i);
        }
        final CommandFramer framer = new CommandFramer();
        assertEquals(writer.length(), framer.frame(out, 0, writer.length()));
        assertEquals(1001, framer.command().argCount());
        assertEquals(999, framer.command().argLong(1000));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
            Arguments.of("*2\r\n$3\r\nGET\r\n:1\r\n", "expected '$' for argument 1 of 2, got ':' (0x3a) at offset=13"),
            Arguments.of("*1\r\n$600000000\r\n", "bulk length=600000000 at offset=4 (expected: 0..536870912)"),
            Arguments.of("*1\r\n$-1\r\n", "bulk length=-1 at offset=4 (expected: 0..536870912)"),
            Arguments.of("*1\r\n$1x\r\n", "invalid bulk length \"1x\" at offset=4"),
            Arguments.of("*1\r\n$3\r\nGETXY", "bulk of 3 bytes not followed by CRLF at offset=11"),
            Arguments.of("*1x\r\n", "invalid multibulk length \"1x\" at offset=0"),
            Arguments.of("*2000000\r\n", "multibulk length=2000000 at offset=0 (expected: <= 1048576)"),
            Arguments.of("*1\n", "multibulk header not terminated by CRLF at offset=0"),
            Arguments.of("*11111111111111111111111111\r\n", "multibulk header longer than 24 bytes at offset=0: \"*11111111111111111111111\""),
            Arguments.of("set k \"unterminated\n", "unbalanced quotes in inline command at offset=6"),
            Arguments.of("set k \"a\"b\n", "unbalanced quotes in inline command at offset=6"),
            Arguments.of("set k \"a\\nb\"\n", "inline command with an escape sequence at offset=8 (not supported: send it as a multibulk)"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void shouldRejectMalformedCommandsWithExactMessage(String wire, String message) {
        final byte[] input = ascii(wire);
        for (int split = 0; split <= input.length; split++) {
            final List<byte[]> pieces = Feed.split(input, split);
            final RespProtocolException e = assertThrows(RespProtocolException.class,
                () -> frame(pieces, new RespDecoderContext(), null), "split at " + split);
            assertEquals(message, e.getMessage(), "split at " + split);
        }
    }

    @Test
    void shouldRejectCommandLargerThanCapBeforeItArrivesWhole() {
        final UnsafeBuffer buf = new UnsafeBuffer(ascii("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\nabc"));
        final CommandFramer framer = new CommandFramer(new RespDecoderContext().maxCommandLength(1024));
        final RespProtocolException e = assertThrows(RespProtocolException.class, () -> framer.frame(buf, 0, buf.capacity()));
        assertEquals("command of at least 100031 bytes at offset=0 (expected: <= 1024)", e.getMessage());
    }

    @Test
    void shouldRejectInlineLongerThanCap() {
        final UnsafeBuffer buf = new UnsafeBuffer(ascii("a".repeat(300)));
        final CommandFramer framer = new CommandFramer(new RespDecoderContext().maxInlineLength(100));
        final RespProtocolException e = assertThrows(RespProtocolException.class, () -> framer.frame(buf, 0, buf.capacity()));
        assertEquals("inline command longer than 100 bytes without newline at offset=0", e.getMessage());
    }

    @Test
    void shouldAllocateForArgumentsReceivedNotForTheAnnouncedCount() {
        final CommandFramer framer = new CommandFramer();
        final UnsafeBuffer buf = new UnsafeBuffer(ascii("*1048576\r\n$3\r\nSET\r\n$1\r\nk\r\n"));
        assertEquals(0, framer.frame(buf, 0, buf.capacity()), "cut off: 1048574 arguments have not arrived");
        assertTrue(framer.command().capacity() <= 16, "argument tables of " + framer.command().capacity());
        final StringBuilder many = new StringBuilder("*40\r\n");
        for (int i = 0; i < 40; i++) {
            many.append("$2\r\n").append(10 + i).append("\r\n");
        }
        framer.reset();
        final UnsafeBuffer forty = new UnsafeBuffer(ascii(many.toString()));
        assertEquals(forty.capacity(), framer.frame(forty, 0, forty.capacity()));
        assertEquals(40, framer.command().argCount());
        assertEquals("49", framer.command().argString(39));
    }
}
