package io.redisreplica.resp;

import java.nio.charset.StandardCharsets;

import org.agrona.AsciiEncoding;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes RESP2/RESP3 commands and replies into a buffer. Wrap an Agrona {@code
 * ExpandableArrayBuffer} (or {@code ExpandableDirectByteBuffer}) to grow as needed, or a fixed
 * buffer sized for the output. Flyweight style: {@code wrap(buffer, offset)} returns this, and
 * every put returns this so calls chain.
 *
 * <pre>{@code
 * writer.wrap(buffer, 0).arrayHeader(3).bulk(SET).bulk(key).bulk(value);
 * channel.write(buffer.byteBuffer(), 0, writer.length());
 * }</pre>
 */
public final class RespWriter {
    private static final byte[] CRLF = {'\r', '\n'};

    private MutableDirectBuffer buffer;
    private int start;
    private int position;

    public RespWriter wrap(MutableDirectBuffer buffer, int offset) {
        this.buffer = buffer;
        this.start = offset;
        this.position = offset;
        return this;
    }

    public MutableDirectBuffer buffer() {
        return buffer;
    }

    /** Offset of the next byte to be written. */
    public int position() {
        return position;
    }

    /** Bytes written since {@link #wrap}. */
    public int length() {
        return position - start;
    }

    /** {@code *count\r\n}. */
    public RespWriter arrayHeader(long count) {
        return header('*', count);
    }

    /** Header of any aggregate: {@code *}, {@code %} (count = pairs), {@code ~}, {@code >}, {@code |}. */
    public RespWriter aggregateHeader(RespType type, long count) {
        if (!type.isAggregate()) {
            throw new IllegalArgumentException(type + " is not an aggregate");
        }
        return header((char) type.prefix(), count);
    }

    public RespWriter bulk(byte[] value) {
        header('$', value.length);
        buffer.putBytes(position, value);
        position += value.length;
        return crlf();
    }

    public RespWriter bulk(DirectBuffer source, int offset, int length) {
        header('$', length);
        buffer.putBytes(position, source, offset, length);
        position += length;
        return crlf();
    }

    /** A string as UTF-8 (allocates for non-ASCII: for cold paths). */
    public RespWriter bulk(String value) {
        return bulk(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A number written as a bulk string, as Redis sends {@code SELECT 2} or expiry arguments. */
    public RespWriter bulk(long value) {
        header('$', digits(value));
        position += buffer.putLongAscii(position, value);
        return crlf();
    }

    /** {@code $-1\r\n}: the RESP2 nil bulk. */
    public RespWriter nullBulk() {
        return header('$', -1);
    }

    /** {@code *-1\r\n}: the RESP2 nil array. */
    public RespWriter nullArray() {
        return header('*', -1);
    }

    /** {@code _\r\n}: the RESP3 null. */
    public RespWriter null3() {
        buffer.putByte(position++, (byte) '_');
        return crlf();
    }

    /** {@code +OK\r\n}. The text must not contain CR or LF. */
    public RespWriter simpleString(String text) {
        return line('+', text);
    }

    /** {@code -ERR message\r\n}. The text must not contain CR or LF. */
    public RespWriter error(String text) {
        return line('-', text);
    }

    public RespWriter integer(long value) {
        return header(':', value);
    }

    public RespWriter doubleValue(double value) {
        final String text = Double.isNaN(value) ? "nan"
            : Double.isInfinite(value) ? (value > 0 ? "inf" : "-inf") : Double.toString(value);
        return line(',', text);
    }

    public RespWriter booleanValue(boolean value) {
        buffer.putByte(position++, (byte) '#');
        buffer.putByte(position++, (byte) (value ? 't' : 'f'));
        return crlf();
    }

    public RespWriter bigNumber(String digits) {
        return line('(', digits);
    }

    /** {@code =len\r\nfmt:text\r\n}; {@code format} is three characters such as {@code txt}. */
    public RespWriter verbatim(String format, String text) {
        if (format.length() != 3) {
            throw new IllegalArgumentException("verbatim format must be 3 characters: " + format);
        }
        final byte[] body = (format + ':' + text).getBytes(StandardCharsets.UTF_8);
        header('=', body.length);
        buffer.putBytes(position, body);
        position += body.length;
        return crlf();
    }

    /** {@code !len\r\nmessage\r\n}: a RESP3 blob error. */
    public RespWriter blobError(byte[] message) {
        header('!', message.length);
        buffer.putBytes(position, message);
        position += message.length;
        return crlf();
    }

    /** Bytes already encoded, copied as they are (a command forwarded verbatim). */
    public RespWriter raw(DirectBuffer source, int offset, int length) {
        buffer.putBytes(position, source, offset, length);
        position += length;
        return this;
    }

    public RespWriter raw(byte[] bytes) {
        buffer.putBytes(position, bytes);
        position += bytes.length;
        return this;
    }

    /** A whole command from strings (allocates: for handshakes and tests, not the hot path). */
    public RespWriter command(String... args) {
        arrayHeader(args.length);
        for (String arg : args) {
            bulk(arg);
        }
        return this;
    }

    private RespWriter header(char type, long value) {
        buffer.putByte(position++, (byte) type);
        position += buffer.putLongAscii(position, value);
        return crlf();
    }

    private RespWriter line(char type, String text) {
        buffer.putByte(position++, (byte) type);
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                throw new IllegalArgumentException("CR or LF inside a " + type + " line: " + text);
            }
        }
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        buffer.putBytes(position, bytes);
        position += bytes.length;
        return crlf();
    }

    private RespWriter crlf() {
        buffer.putBytes(position, CRLF);
        position += 2;
        return this;
    }

    private static int digits(long value) {
        if (value == Long.MIN_VALUE) {
            return 20;
        }
        return value < 0 ? 1 + AsciiEncoding.digitCount(-value) : AsciiEncoding.digitCount(value);
    }
}
