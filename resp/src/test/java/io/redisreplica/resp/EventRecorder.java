package io.redisreplica.resp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;

/**
 * Records decoder events as readable strings. Streamed blobs are joined into the same event a
 * whole blob gives, so traces compare equal however the input was split.
 */
final class EventRecorder implements RespVisitor {
    final List<String> events = new ArrayList<>();
    private ByteArrayOutputStream blob;
    private RespType blobType;
    int chunks;
    /** Complete top-level values seen (an attribute is not one: it annotates the next). */
    int values;
    private int depth;
    private boolean emptyAggregate;

    private void add(String event) {
        events.add(event);
        if (depth == 0) {
            values++;
        }
    }

    private static String text(DirectBuffer b, int off, int len) {
        final byte[] bytes = new byte[len];
        b.getBytes(off, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void onSimpleString(DirectBuffer b, int off, int len) {
        add("simple:" + text(b, off, len));
    }

    @Override
    public void onError(DirectBuffer b, int off, int len) {
        add("error:" + text(b, off, len));
    }

    @Override
    public void onInteger(long value) {
        add("int:" + value);
    }

    @Override
    public void onBlob(RespType type, DirectBuffer b, int off, int len) {
        add(type + ":" + text(b, off, len));
    }

    @Override
    public void onBlobStart(RespType type, long length) {
        blob = new ByteArrayOutputStream();
        blobType = type;
    }

    @Override
    public void onBlobChunk(DirectBuffer b, int off, int len) {
        chunks++;
        final byte[] bytes = new byte[len];
        b.getBytes(off, bytes);
        blob.writeBytes(bytes);
    }

    @Override
    public void onBlobEnd() {
        add(blobType + ":" + blob.toString(StandardCharsets.ISO_8859_1));
        blob = null;
    }

    @Override
    public void onNull() {
        add("null");
    }

    @Override
    public void onDouble(DirectBuffer b, int off, int len) {
        add("double:" + text(b, off, len));
    }

    @Override
    public void onBoolean(boolean value) {
        add("bool:" + value);
    }

    @Override
    public void onBigNumber(DirectBuffer b, int off, int len) {
        add("big:" + text(b, off, len));
    }

    @Override
    public void onAggregateStart(RespType type, long count) {
        events.add(type + "[" + count);
        emptyAggregate = count == 0;
        if (count > 0) {
            depth++;
        }
    }

    @Override
    public void onAggregateEnd(RespType type) {
        events.add("]" + type);
        if (!emptyAggregate) {
            depth--;
        }
        emptyAggregate = false;
        if (depth == 0 && type != RespType.ATTRIBUTE) {
            values++;
        }
    }

    @Override
    public void onInline(DirectBuffer b, int off, int len) {
        add("inline:" + text(b, off, len));
    }

    @Override
    public void onKeepAlive() {
        events.add("keepalive");
    }
}
