package io.redisreplica.router.sinks;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import org.agrona.ExpandableArrayBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.api.KeyEvent;
import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespClientContext;
import io.redisreplica.resp.RespError;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.config.SinkConfig;
import io.redisreplica.router.tls.SocketFactory;

/**
 * Delivers events to a Redis target exactly once: each batch is one MULTI/EXEC that holds a
 * command per event (XADD to a stream, PUBLISH to a channel, or a command template) and a SET of
 * the sink's checkpoint key to the position the batch reaches ({@link SinkPosition}). A batch applies whole or not at all,
 * so after any failure the checkpoint key says exactly where to go on.
 */
public final class RedisSinkDelivery implements SinkDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSinkDelivery.class);

    private final SinkConfig config;
    private final String shard;
    private final String checkpointKey;
    private final SocketFactory sockets;
    private final RespWriter writer = new RespWriter();
    private final ExpandableArrayBuffer batch = new ExpandableArrayBuffer(64 * 1024);
    private RespClient connection;
    /** Written by the runner's thread, read by the admin port's. */
    private volatile long refused;

    public RedisSinkDelivery(SinkConfig config, String shard) {
        this(config, shard, SocketFactory.plain());
    }

    /** @param sockets plain, or TLS ({@code tls=yes} on the sink's line) */
    public RedisSinkDelivery(SinkConfig config, String shard, SocketFactory sockets) {
        this.sockets = sockets;
        this.config = config;
        this.shard = shard;
        this.checkpointKey = config.checkpointKey(shard);
    }

    /** Commands the target refused inside a delivered batch (EXEC has no rollback: logged and counted, not retried). */
    long refused() {
        return refused;
    }

    @Override
    public SinkPosition open() throws IOException {
        close();
        final String password = config.options().get("password");
        connection = RespClient.open(new RespClientContext().address(config.host(), config.port()).dialer(sockets)
            .peer("sink " + config.name() + " target").auth(password == null ? null : config.options().get("user"), password));
        final Object stored = connection.call("GET", checkpointKey);
        return stored == null ? null : SinkPosition.parse(String.valueOf(stored), "sink " + config.name() + " shard " + shard
            + ": checkpoint key " + checkpointKey);
    }

    @Override
    public void deliver(List<KeyEvent> events, SinkPosition end) throws IOException {
        final long endOffset = end.offset();
        int length = writer.wrap(batch, 0).command("MULTI").position();
        int queued = 0;
        for (KeyEvent e : events) {
            final int before = length;
            length = command(e, length);
            queued += length > before ? 1 : 0;
        }
        length = writer.wrap(batch, length).command("SET", checkpointKey, end.format()).position();
        length = writer.wrap(batch, length).command("EXEC").position();
        connection.send(batch.byteArray(), 0, length);
        String queueError = null;
        for (int i = 0; i < queued + 2; i++) {
            if (connection.read() instanceof RespError e && queueError == null) {
                queueError = e.message();
            }
        }
        final Object exec = connection.read();
        if (!(exec instanceof List<?> results)) {
            throw new IOException("the target refused the batch ending at offset " + endOffset + ": "
                + (queueError != null ? queueError : exec));
        }
        for (Object r : results) {
            if (r instanceof RespError e) {
                refused++;
                LOG.error("sink {} shard {}: the target refused a command of the batch ending at offset {}: {}", config.name(), shard,
                    endOffset, e.message());
            }
        }
    }

    /** Writes the event's command at {@code at}; returns the new end (unchanged when the event has none). */
    private int command(KeyEvent e, int at) {
        switch (config.kind()) {
            case XADD -> {
                final String maxlen = config.options().get("maxlen");
                int fields = 5 + (e.key() != null ? 1 : 0) + (e.keyType() != null ? 1 : 0) + (config.values() ? 1 + e.args().size() : 0);
                writer.wrap(batch, at).arrayHeader(3 + (maxlen != null ? 3 : 0) + 2L * fields).bulk("XADD").bulk(config.args().get(0));
                if (maxlen != null) {
                    writer.bulk("MAXLEN").bulk("~").bulk(maxlen);
                }
                writer.bulk("*").bulk("event").bulk(e.eventName());
                if (e.key() != null) {
                    writer.bulk("key").bulk(e.key());
                }
                if (e.keyType() != null) {
                    writer.bulk("type").bulk(e.keyType());
                }
                writer.bulk("db").bulk(e.db()).bulk("command").bulk(e.command()).bulk("shard").bulk(e.shard())
                    .bulk("offset").bulk(e.offset());
                if (config.values()) {
                    writer.bulk("args").bulk(e.args().size());
                    for (int i = 0; i < e.args().size(); i++) {
                        writer.bulk("arg" + i).bulk(e.args().get(i));
                    }
                }
                return writer.position();
            }
            case PUBLISH -> {
                return writer.wrap(batch, at).command("PUBLISH", config.args().get(0), json(e)).position();
            }
            default -> {
                final List<String> template = config.args();
                if (e.key() == null && template.stream().anyMatch(w -> w.contains("{key}"))) {
                    return at; // a flush names no key to put there
                }
                writer.wrap(batch, at).arrayHeader(template.size());
                for (String word : template) {
                    if (word.equals("{key}")) {
                        writer.bulk(e.key()); // binary-safe when the whole word is the key
                    } else {
                        writer.bulk(word.replace("{key}", String.valueOf(e.keyString())).replace("{db}", Integer.toString(e.db()))
                            .replace("{event}", e.eventName()).replace("{type}", String.valueOf(e.keyType()))
                            .replace("{command}", e.command()).replace("{shard}", e.shard())
                            .replace("{offset}", Long.toString(e.offset())));
                    }
                }
                return writer.position();
            }
        }
    }

    /** The event as one JSON object, for PUBLISH. */
    static String json(KeyEvent e) {
        final StringBuilder sb = new StringBuilder("{\"event\":\"").append(e.eventName()).append("\",\"shard\":");
        quote(sb, e.shard()).append(",\"db\":").append(e.db()).append(",\"offset\":").append(e.offset()).append(",\"command\":");
        quote(sb, e.command()).append(",\"key\":");
        if (e.key() == null) {
            sb.append("null");
        } else {
            quote(sb, e.keyString());
        }
        if (e.keyType() != null) {
            quote(sb.append(",\"type\":"), e.keyType());
        }
        if (!e.args().isEmpty()) {
            sb.append(",\"args\":[");
            for (int i = 0; i < e.args().size(); i++) {
                quote(sb.append(i == 0 ? "" : ","), KeyEvents.text(e.args().get(i)));
            }
            sb.append(']');
        }
        return sb.append('}').toString();
    }

    private static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"');
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
