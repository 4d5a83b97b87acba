package io.redisreplica.tools;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.resp.RespWriter;

/**
 * A snapshot entry as {@code RESTORE key ttl payload [REPLACE] [ABSTTL]}, written into a batch
 * buffer, the same for a standalone target and a cluster's nodes. One per loader: it keeps a view
 * of the current key and allocates nothing per entry.
 */
final class RestoreCommand {
    /** What {@link #ttl} answers for an entry whose expiry has passed: it is not restored. */
    static final long EXPIRED = -1;

    private final RespWriter writer = new RespWriter();
    private final UnsafeBuffer keyView = new UnsafeBuffer(new byte[0]);
    private final boolean replace;
    private boolean absTtl;

    /** @param replace {@code REPLACE}: the snapshot's value wins over a key the target holds */
    RestoreCommand(boolean replace) {
        this.replace = replace;
    }

    /** The target's major version, from its {@code INFO server}: {@code ABSTTL} is Redis 5's. */
    void target(Object infoServer) {
        final String info = String.valueOf(infoServer);
        final int at = info.indexOf("redis_version:");
        absTtl = at >= 0 && Integer.parseInt(info.substring(at + 14, info.indexOf('.', at))) >= 5;
    }

    /** The entry's RESTORE ttl: 0 for none, an absolute or a relative time in ms, or {@link #EXPIRED}. */
    long ttl(RdbEntry entry) {
        if (entry.expireAtMs() < 0) {
            return 0;
        }
        final long ttl = absTtl ? entry.expireAtMs() : entry.expireAtMs() - System.currentTimeMillis();
        return ttl <= 0 ? EXPIRED : ttl;
    }

    /** Writes the entry's RESTORE (its DUMP payload {@code payload[0, length)}) at {@code at}; returns the end. */
    int write(MutableDirectBuffer to, int at, RdbEntry entry, long ttl, DirectBuffer payload, int length) {
        keyView.wrap(entry.key(), 0, entry.keyLength());
        final boolean abs = absTtl && ttl > 0;
        writer.wrap(to, at).arrayHeader(4 + (replace ? 1 : 0) + (abs ? 1 : 0)).bulk("RESTORE")
            .bulk(keyView, 0, entry.keyLength()).bulk(ttl).bulk(payload, 0, length);
        if (replace) {
            writer.bulk("REPLACE");
        }
        if (abs) {
            writer.bulk("ABSTTL");
        }
        return writer.position();
    }
}
