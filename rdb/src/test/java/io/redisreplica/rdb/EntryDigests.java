package io.redisreplica.rdb;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;

/**
 * Reads an RDB and maps "db/key-in-hex" to the CRC64s of the entry's raw bytes, prefix included
 * (a list: some corpus files hold a key twice, and the split must keep both).
 */
final class EntryDigests implements RdbVisitor {
    final Map<String, List<Long>> digests = new HashMap<>();
    private final Crc64 crc = new Crc64();

    static Map<String, List<Long>> of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return of(in);
        }
    }

    static Map<String, List<Long>> of(byte[] rdb) {
        return of(new ByteArrayInputStream(rdb));
    }

    static Map<String, List<Long>> of(InputStream in) {
        final EntryDigests visitor = new EntryDigests();
        new RdbReader().read(in, visitor);
        return visitor.digests;
    }

    static String name(long db, byte[] key, int length) {
        return db + "/" + HexFormat.of().formatHex(key, 0, length);
    }

    @Override
    public RdbSink onEntry(RdbEntry entry) {
        crc.reset();
        return crc::update;
    }

    @Override
    public void onEntryEnd(RdbEntry entry) {
        digests.computeIfAbsent(name(entry.db(), entry.key(), entry.keyLength()), k -> new ArrayList<>()).add(crc.value());
    }
}
