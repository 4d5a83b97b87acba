package io.redisreplica.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.SerializableString;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.core.io.SerializedString;

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
        .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM) // the generator's flush fills the JsonBuffer; flush() writes it out
        .rootValueSeparator((String) null) // endLine() writes the newline
        .build();

    /**
     * Strings longer than this are escaped by jackson: as they always were, so the output stays the
     * same (jackson writes {@code \u001B} where {@link JsonBuffer} writes {@code \u001b}).
     */
    private static final int MAX_ESCAPED = 64 * 1024;
    /** The opening quote of a string {@link JsonBuffer} escapes, written through the generator as a raw value (its separator first). */
    private static final SerializableString QUOTE = new SerializedString("\"");
    /** The buffer of the commands that write a line or a few. */
    static final int SMALL_BUFFER = 8 * 1024;

    private final JsonBuffer buffer;
    private final JsonGenerator json;
    private final boolean base64;

    /**
     * @param out the command's stdout: the launcher's {@link StdoutWriter} is written as bytes, any
     *     other writer (tests) gets the UTF-8 decoded at each flush
     * @param base64 every byte string as a base64 string, not only those that are not UTF-8
     * @param bufferSize bytes written to {@code out} at a time (and when flushed)
     */
    JsonOut(Writer out, boolean base64, int bufferSize) {
        final OutputStream target;
        if (out instanceof StdoutWriter stdout) {
            stdout.flush(); // text printed before comes out first
            target = stdout.bytes();
        } else {
            target = new DecodingStream(out);
        }
        this.buffer = new JsonBuffer(target, bufferSize);
        this.json = FACTORY.createGenerator(ObjectWriteContext.empty(), buffer, JsonEncoding.UTF8);
        this.base64 = base64;
    }

    JsonOut(Writer out, boolean base64) {
        this(out, base64, SMALL_BUFFER);
    }

    JsonOut(Writer out) {
        this(out, false);
    }

    /** A Redis string as a JSON string literal, for text output: quoted and escaped, binary-safe as above. */
    static String quoted(byte[] b) {
        final java.io.StringWriter text = new java.io.StringWriter();
        try (JsonOut j = new JsonOut(text, false, 256)) { // a small buffer: one string
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
        final int i = JsonBuffer.plainAsciiEnd(b, offset, end);
        if (i == end) {
            json.writeRawUTF8String(b, offset, length); // nothing to escape: the bytes as they are, quoted
        } else if (!JsonBuffer.isUtf8(b, i, end)) {
            json.writeStartObject();
            json.writeName(BASE64);
            json.writeBinary(b, offset, length);
            json.writeEndObject();
        } else if (length > MAX_ESCAPED) {
            json.writeUTF8String(b, offset, length); // jackson escapes a long one in segments
        } else {
            // the separator and the opening quote through jackson, which then hands over what it holds,
            // the rest escaped straight into the buffer under it
            json.writeRawValue(QUOTE);
            json.flush();
            buffer.write(b, offset, i - offset);
            buffer.escapedAndQuote(b, i, end);
        }
        return this;
    }

    /**
     * The buffer under the generator, for members written past it: the generator's buffer is
     * handed down first. Only for whole {@code ,"name":value} pairs after a value inside an object,
     * the one place where the generator's state is the same before and after them.
     */
    JsonBuffer pairsAfterValue() {
        json.flush();
        return buffer;
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
        buffer.flush();
    }

    /** Flushes; the writer stays open. */
    @Override
    public void close() {
        json.close();
        buffer.flush();
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
