package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * The escaping that rdb dump writes straight into its output buffer: every byte string comes back
 * from a JSON parser as it went in, whatever the buffer size (strings cut across many flushes),
 * and the UTF-8 check says what the JDK's strict decoder says.
 */
class JsonBufferTest {
    private static final Random RANDOM = new Random(16);

    /** Strings with what the escaping treats apart: NUL runs of every length, controls, quotes, backslashes, UTF-8, plain runs. */
    private static List<byte[]> strings() {
        final List<byte[]> all = new ArrayList<>();
        for (int nuls = 0; nuls <= 40; nuls++) {
            final byte[] padded = new byte[13 + nuls];
            System.arraycopy("value:1234567".getBytes(StandardCharsets.US_ASCII), 0, padded, 0, 13);
            all.add(padded);
        }
        final byte[] alphabet = "a\0\u0001\u001f\"\\\n\t\b\f\r/\u007f".getBytes(StandardCharsets.UTF_8);
        final byte[] utf8 = "é€😀".getBytes(StandardCharsets.UTF_8);
        for (int s = 0; s < 2000; s++) {
            final java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            final int n = RANDOM.nextInt(300);
            for (int i = 0; i < n; i++) {
                switch (RANDOM.nextInt(4)) {
                    case 0 -> b.write(alphabet[RANDOM.nextInt(alphabet.length)]);
                    case 1 -> b.write(utf8, 0, utf8.length);
                    case 2 -> b.writeBytes(new byte[RANDOM.nextInt(20)]);
                    default -> b.writeBytes("plain text ".getBytes(StandardCharsets.US_ASCII));
                }
            }
            all.add(b.toByteArray());
        }
        return all;
    }

    @Test
    void shouldWriteEveryStringBackAsItWasWhateverTheBufferSize() {
        final List<byte[]> strings = strings();
        for (int size : new int[] {64, 100, 1000, 1 << 20}) {
            final StringWriter text = new StringWriter();
            try (JsonOut out = new JsonOut(text, false, size)) {
                out.json().writeStartArray();
                strings.forEach(out::bytes);
                out.json().writeEndArray();
            }
            final JsonNode parsed = JsonParsing.parse(text.toString());
            assertEquals(strings.size(), parsed.size());
            for (int i = 0; i < strings.size(); i++) {
                assertEquals(new String(strings.get(i), StandardCharsets.UTF_8), parsed.get(i).asString(), "string " + i + ", buffer " + size);
            }
        }
    }

    @Test
    void shouldEscapeAsRfc8259WithShortFormsAndLowerCaseHex() {
        final StringWriter text = new StringWriter();
        try (JsonOut out = new JsonOut(text, false, 64)) {
            out.bytes("a\0\0\0\0\0\0\0\0\0\u001b\"\\\n\t\b\f\r/\u007fé".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("\"a" + "\\u0000".repeat(9) + "\\u001b\\\"\\\\\\n\\t\\b\\f\\r/\u007fé\"", text.toString());
    }

    @Test
    void shouldJudgeUtf8AsTheJdkDecoderDoes() {
        final List<byte[]> cases = new ArrayList<>();
        for (int a = 0; a < 256; a++) {
            for (int b : new int[] {0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff}) {
                cases.add(new byte[] {(byte) a, (byte) b});
                cases.add(new byte[] {(byte) a, (byte) b, (byte) 0x80});
                cases.add(new byte[] {(byte) a, (byte) b, (byte) 0x80, (byte) 0x80});
                cases.add(new byte[] {'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', (byte) a, (byte) b, (byte) 0xbf, (byte) 0xbf, 'y'});
            }
        }
        for (int s = 0; s < 20000; s++) {
            final byte[] r = new byte[RANDOM.nextInt(12)];
            RANDOM.nextBytes(r);
            cases.add(r);
        }
        for (byte[] c : cases) {
            assertEquals(jdkSaysUtf8(c), JsonBuffer.isUtf8(c, 0, c.length), java.util.HexFormat.of().formatHex(c));
        }
    }

    private static boolean jdkSaysUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
