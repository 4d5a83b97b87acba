package io.redisreplica.rdb;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Reads an RDB and maps "db/key-in-hex" to what the entry holds apart from its key: type,
 * expiry, LRU, LFU and the CRC64 of the value's bytes (the head is taken apart through {@link
 * RdbEntrySink}, so an entry copied under another key compares equal).
 */
final class ValueDigests implements RdbVisitor {
    final Map<String, List<String>> digests = new HashMap<>();
    private final Crc64 crc = new Crc64();
    private final RdbEntrySink sink = new RdbEntrySink() {
        @Override
        public void head(RdbEntry entry, byte[] raw, int offset, int length) {
            crc.reset();
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            crc.update(bytes, offset, length);
        }
    };

    static Map<String, List<String>> of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return of(in);
        }
    }

    static Map<String, List<String>> of(byte[] rdb) {
        return of(new ByteArrayInputStream(rdb));
    }

    static Map<String, List<String>> of(InputStream in) {
        final ValueDigests visitor = new ValueDigests();
        new RdbReader().read(in, visitor);
        return visitor.digests;
    }

    @Override
    public RdbSink onEntry(RdbEntry entry) {
        return sink;
    }

    @Override
    public void onEntryEnd(RdbEntry entry) {
        digests.computeIfAbsent(entry.db() + "/" + HexFormat.of().formatHex(entry.key(), 0, entry.keyLength()), k -> new ArrayList<>())
            .add(entry.type() + " " + entry.expireAtMs() + " " + entry.idle() + " " + entry.freq() + " " + Long.toHexString(crc.value()));
    }
}
