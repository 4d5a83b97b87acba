package io.redisreplica.router.sinks.index;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;

import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbReader;
import io.redisreplica.rdb.RdbSink;
import io.redisreplica.rdb.RdbVisitor;

/**
 * Fills a {@link KeyIndex} with the keys of a shard snapshot (an RDB file): each key's hash, type
 * and expiry; values are stepped over, not decoded. The index is emptied first.
 */
public final class SnapshotKeys {
    /** Told of each key loaded, for {@code load} events; the key's bytes are valid during the call only. */
    @FunctionalInterface
    public interface Loaded {
        void key(int db, byte[] key, int length, int type);
    }

    private SnapshotKeys() {
    }

    /** @return the keys loaded */
    public static long load(Path snapshot, KeyIndex index, Loaded loaded) throws IOException {
        index.flushAll();
        final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        final long[] count = {0};
        try (InputStream in = new BufferedInputStream(Files.newInputStream(snapshot), 1 << 16)) {
            new RdbReader().read(in, new RdbVisitor() {
                @Override
                public RdbSink onEntry(RdbEntry e) {
                    view.wrap(e.key(), 0, e.keyLength());
                    final int type = KeyMeta.ofRdbType(e.type());
                    index.put((int) e.db(), index.hash(view, 0, e.keyLength()), KeyMeta.of(type, Math.max(0, e.expireAtMs()), false));
                    count[0]++;
                    if (loaded != null) {
                        loaded.key((int) e.db(), e.key(), e.keyLength(), type);
                    }
                    return null;
                }
            });
        }
        return count[0];
    }
}
