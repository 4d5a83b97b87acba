package io.redisreplica.tools;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * logback's own {@link JsonEncoder} (one object per line, its field names and escaping) with the
 * {@code timestamp} as ISO-8601 with the offset, to the millisecond, in the JVM's zone ({@code TZ}
 * or {@code -Duser.timezone}): {@code "2026-12-01T16:20:31.123Z"}, as the text format writes it,
 * instead of epoch milliseconds. JsonEncoder (logback 1.5) has no setting for the timestamp's
 * format and writes its members in private methods, so this one turns its timestamp off and puts
 * the ISO one first in the object it encodes. Named in logback.xml's json appender.
 */
public class Iso8601JsonEncoder extends JsonEncoder {
    private static final DateTimeFormatter ISO_8601 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    private final ZoneId zone = ZoneId.systemDefault();
    private boolean withTimestamp = true;

    public Iso8601JsonEncoder() {
        super.setWithTimestamp(false);
    }

    /** Whether the ISO-8601 timestamp is written (true); JsonEncoder's epoch one never is. */
    @Override
    public void setWithTimestamp(boolean value) {
        this.withTimestamp = value;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        final byte[] object = super.encode(event); // {"level":...}\n
        if (!withTimestamp || object.length < 2 || object[0] != '{') {
            return object;
        }
        final boolean empty = object[1] == '}';
        final byte[] head = ("{\"timestamp\":\"" + ISO_8601.format(Instant.ofEpochMilli(event.getTimeStamp()).atZone(zone)) + "\""
            + (empty ? "" : ",")).getBytes(StandardCharsets.US_ASCII);
        final byte[] line = new byte[head.length + object.length - 1];
        System.arraycopy(head, 0, line, 0, head.length);
        System.arraycopy(object, 1, line, head.length, object.length - 1);
        return line;
    }
}
