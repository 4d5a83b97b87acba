package io.redisreplica.tools;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * The one encoder of logback.xml's one appender, text or JSON by its {@code format}
 * ({@code REDIS_REPLICA_LOG_FORMAT}): a pattern layout, or logback's JSON encoder with ISO-8601
 * timestamps ({@link Iso8601JsonEncoder}). One appender, not one per format chosen by name: logback
 * warns about an appender no logger refers to, and prints its warnings on stdout, the commands'
 * output (rdb dump's JSON).
 */
public class LogEncoder extends EncoderBase<ILoggingEvent> {
    private String format = "text";
    private String pattern;
    private Encoder<ILoggingEvent> delegate;

    /** text (the pattern) or json. */
    public void setFormat(String value) {
        this.format = value;
    }

    /** The text format's pattern layout. */
    public void setPattern(String value) {
        this.pattern = value;
    }

    String format() {
        return format;
    }

    String pattern() {
        return pattern;
    }

    @Override
    public void start() {
        if ("json".equals(format)) {
            final Iso8601JsonEncoder json = new Iso8601JsonEncoder();
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithArguments(false);
            json.setWithMessage(false);
            json.setWithFormattedMessage(true);
            delegate = json;
        } else {
            if (!"text".equals(format)) {
                addError("log format " + format + " is not text or json: text it is");
            }
            final PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(pattern);
            delegate = text;
        }
        delegate.setContext(getContext());
        delegate.start();
        super.start();
    }

    @Override
    public void stop() {
        if (delegate != null) {
            delegate.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return delegate.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }
}
