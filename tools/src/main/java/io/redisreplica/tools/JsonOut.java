package io.redisreplica.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;

/**
 * The tools' JSON output: jackson-core's streaming {@link JsonGenerator} over a command's stdout,
 * one document per line (JSON Lines where a command prints many), nothing held but the generator's
 * buffer.
 *
 * <p>Redis keys and values are bytes, and JSON strings are Unicode, so bytes are written
 * binary-safe: bytes that are valid UTF-8 as a JSON string, any others as an object
 * {@code {"base64":"..."}} (standard alphabet, padded), so nothing is lost or replaced. With
 * {@code --base64} every key, value and argument is a base64 string instead, one shape for all.
 */
final class JsonOut implements AutoCloseable {
    /** The name of the object that stands for bytes that are not UTF-8. */
    static final String BASE64 = "base64";

    private static final JsonFactory FACTORY = JsonFactory.builder()
        .disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES) // paths read as paths
        .disable(StreamWriteFeature.AUTO_CLOSE_TARGET) // stdout outlives the document
        .rootValueSeparator((String) null) // endLine() writes the newline
        .build();

    /** Strings up to this long are escaped here; longer ones by jackson in segments, never in a buffer of their size. */
    private static final int MAX_ESCAPED = 64 * 1024;
    /** How JSON writes each ASCII byte that needs it (RFC 8259: control characters, quote, backslash); null: as is. */
    private static final byte[][] ESCAPES = new byte[128][];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = String.format("\\u%04x", c).getBytes(StandardCharsets.US_ASCII);
        }
        ESCAPES['\b'] = "\\b".getBytes(StandardCharsets.US_ASCII);
        ESCAPES['\t'] = "\\t".getBytes(StandardCharsets.US_ASCII);
        ESCAPES['\n'] = "\\n".getBytes(StandardCharsets.US_ASCII);
        ESCAPES['\f'] = "\\f".getBytes(StandardCharsets.US_ASCII);
        ESCAPES['\r'] = "\\r".getBytes(StandardCharsets.US_ASCII);
        ESCAPES['"'] = "\\\"".getBytes(StandardCharsets.US_ASCII);
        ESCAPES['\\'] = "\\\\".getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code \\u0000} 256 times: a run of NUL bytes is copied from here. */
    private static final byte[] NULS = "\\u0000".repeat(256).getBytes(StandardCharsets.US_ASCII);

    private final JsonGenerator json;
    private final boolean base64;
    private byte[] escaped = new byte[4096];
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private CharBuffer scratch = CharBuffer.allocate(1024);

    /**
     * @param out the command's stdout: the launcher's {@link StdoutWriter} is written as bytes, any
     *     other writer (tests) gets the UTF-8 decoded at each flush
     * @param base64 every byte string as a base64 string, not only those that are not UTF-8
     */
    JsonOut(Writer out, boolean base64) {
        final OutputStream target;
        if (out instanceof StdoutWriter stdout) {
            stdout.flush(); // text printed before comes out first
            target = stdout.bytes();
        } else {
            target = new DecodingStream(out);
        }
        this.json = FACTORY.createGenerator(ObjectWriteContext.empty(), target, JsonEncoding.UTF8);
        this.base64 = base64;
    }

    JsonOut(Writer out) {
        this(out, false);
    }

    /** A Redis string as a JSON string literal, for text output: quoted and escaped, binary-safe as above. */
    static String quoted(byte[] b) {
        final java.io.StringWriter text = new java.io.StringWriter();
        try (JsonOut j = new JsonOut(text)) {
            j.bytes(b);
        }
        return text.toString();
    }

    /** The generator, for names, numbers and structure. */
    JsonGenerator json() {
        return json;
    }

    JsonOut bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    /** A Redis string (key, value, argument): a JSON string when it is UTF-8 (and not --base64), else {"base64": ...}. */
    JsonOut bytes(byte[] b, int offset, int length) {
        if (base64) {
            json.writeBinary(b, offset, length);
            return this;
        }
        final int end = offset + length;
        int i = offset;
        while (i < end && b[i] >= 0x20 && b[i] != '"' && b[i] != '\\') { // printable ASCII (a byte above 0x7f is negative)
            i++;
        }
        if (i == end) {
            json.writeRawUTF8String(b, offset, length); // nothing to escape: the bytes as they are, quoted
        } else if (!isUtf8(b, i, end - i)) {
            json.writeStartObject();
            json.writeName(BASE64);
            json.writeBinary(b, offset, length);
            json.writeEndObject();
        } else if (length > MAX_ESCAPED) {
            json.writeUTF8String(b, offset, length); // jackson escapes a long one in segments
        } else {
            writeEscaped(b, offset, i, end);
        }
        return this;
    }

    /**
     * Escapes into a reused buffer and writes it raw: as fast as a copy for the common bytes, one table
     * look-up for the others (rdb dump of values padded with NUL bytes spends its time here).
     */
    private void writeEscaped(byte[] b, int offset, int firstEscape, int end) {
        final int most = firstEscape - offset + (end - firstEscape) * 6;
        if (escaped.length < most) {
            escaped = new byte[Math.max(most, escaped.length * 2)];
        }
        final byte[] e = escaped;
        System.arraycopy(b, offset, e, 0, firstEscape - offset);
        int n = firstEscape - offset;
        for (int i = firstEscape; i < end; i++) {
            final byte c = b[i];
            final byte[] seq = c >= 0 ? ESCAPES[c] : null;
            if (seq == null) {
                e[n++] = c;
            } else if (c == 0 && i + 1 < end && b[i + 1] == 0) { // a run of NUL bytes (padding): copied as one piece
                int run = 2;
                while (i + run < end && b[i + run] == 0 && run < NULS.length / 6) {
                    run++;
                }
                System.arraycopy(NULS, 0, e, n, run * 6);
                n += run * 6;
                i += run - 1;
            } else {
                for (byte x : seq) {
                    e[n++] = x;
                }
            }
        }
        json.writeRawUTF8String(e, 0, n);
    }

    private boolean isUtf8(byte[] b, int offset, int length) {
        int i = 0;
        while (i < length && b[offset + i] >= 0) { // ASCII: the common case, no decoder
            i++;
        }
        if (i == length) {
            return true;
        }
        if (scratch.capacity() < length - i) {
            scratch = CharBuffer.allocate(Math.max(length - i, scratch.capacity() * 2));
        }
        scratch.clear();
        utf8.reset();
        return !utf8.decode(ByteBuffer.wrap(b, offset + i, length - i), scratch, true).isError() && !utf8.flush(scratch).isError();
    }

    /** A field holding a Redis string. */
    JsonOut bytesField(String name, byte[] b) {
        json.writeName(name);
        return bytes(b, 0, b.length);
    }

    /** Ends a document: the newline of JSON Lines. */
    void endLine() {
        json.writeRaw('\n');
    }

    void flush() {
        json.flush();
    }

    /** Flushes; the writer stays open. */
    @Override
    public void close() {
        json.close();
    }

    /** Bytes to a writer, decoded as UTF-8 at each flush (the generator flushes after whole documents). */
    private static final class DecodingStream extends OutputStream {
        private final Writer out;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        DecodingStream(Writer out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.write(pending.toString(StandardCharsets.UTF_8));
            pending.reset();
            out.flush();
        }
    }
}
