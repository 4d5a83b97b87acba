package io.redisreplica.tools;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;

import io.redisreplica.rdb.Crc64;
import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbEntrySink;
import io.redisreplica.rdb.RdbHeader;
import io.redisreplica.rdb.RdbReader;
import io.redisreplica.rdb.RdbSink;
import io.redisreplica.rdb.RdbVisitor;
import io.redisreplica.router.support.SpillBuffer;

/**
 * Streams a snapshot RDB and hands over each key with its {@code DUMP} payload, built as the
 * value streams past (the value's bytes, the RDB version and a CRC64, as Redis's own
 * {@code DUMP}) in a {@link SpillBuffer}: a key of any size costs at most a few MB of heap. What
 * the snapshot loads ({@link SnapshotLoader}, {@link ClusterSnapshotLoader}) do with it is theirs.
 */
final class DumpPayloads {
    /** Takes one key; {@code payload} holds its DUMP payload in {@code [0, length)} until the next key. */
    interface Key {
        void accept(RdbEntry entry, SpillBuffer payload, int length) throws IOException;
    }

    private final SpillBuffer value;
    private final Crc64 crc = new Crc64();
    private int version;

    DumpPayloads(SpillBuffer value) {
        this.value = value;
    }

    /**
     * Reads the RDB; the first {@code skipFirst} keys (a resumed load's) are stepped over unread.
     *
     * @return the keys the RDB holds
     */
    long read(Path rdb, long skipFirst, LongConsumer progress, Key key) throws IOException {
        final Visitor visitor = new Visitor(skipFirst, key);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(rdb), 1 << 16)) {
            new RdbReader().read(new CountingInputStream(in, progress), visitor);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return visitor.keys;
    }

    private final class Visitor implements RdbVisitor, RdbEntrySink {
        private final long skipFirst;
        private final Key key;
        private long keys;
        private boolean skipping;
        private int valueLength;

        Visitor(long skipFirst, Key key) {
            this.skipFirst = skipFirst;
            this.key = key;
        }

        @Override
        public void onHeader(RdbHeader header) {
            version = header.version();
        }

        @Override
        public RdbSink onEntry(RdbEntry entry) {
            skipping = keys < skipFirst;
            if (skipping) {
                keys++;
                return null; // in the target already: the batch that held it was recorded
            }
            crc.reset();
            value.putByte(0, (byte) entry.type());
            crc.update(entry.type());
            valueLength = 1;
            return this;
        }

        @Override
        public void head(RdbEntry entry, byte[] raw, int offset, int length) {
            // the entry's fields say what the head held: the payload starts with the value's type
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            value.putBytes(valueLength, bytes, offset, length);
            crc.update(bytes, offset, length);
            valueLength += length;
        }

        @Override
        public void onEntryEnd(RdbEntry entry) {
            if (skipping) {
                return;
            }
            keys++;
            // the DUMP trailer: the RDB version (2 bytes) and a CRC64 of all before it, little-endian
            value.putByte(valueLength, (byte) version);
            value.putByte(valueLength + 1, (byte) (version >>> 8));
            crc.update(version & 0xff);
            crc.update(version >>> 8);
            final long sum = crc.value();
            for (int i = 0; i < 8; i++) {
                value.putByte(valueLength + 2 + i, (byte) (sum >>> (8 * i)));
            }
            try {
                key.accept(entry, value, valueLength + 10);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            valueLength = 0;
        }
    }
}
