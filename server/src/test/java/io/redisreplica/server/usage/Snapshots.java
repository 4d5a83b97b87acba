package io.redisreplica.server.usage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.server.Snapshot;

/** Hand-built snapshots for the tests, written with the rdb module's writer. */
final class Snapshots {
    private Snapshots() {
    }

    /** An RDB (version 9) with {@code keys} strings {@code k:i} in db 0, one with a TTL an hour away, and two keys in db 3. */
    static Path write(Path file, int keys) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            final RdbWriter rdb = new RdbWriter(out);
            rdb.header(9);
            rdb.selectDb(0);
            for (int i = 0; i < keys; i++) {
                rdb.stringEntry(bytes("k:" + i), bytes("value-" + i), -1);
            }
            rdb.stringEntry(bytes("expiring"), bytes("soon"), System.currentTimeMillis() + 3_600_000);
            rdb.selectDb(3);
            rdb.stringEntry(bytes("db3:a"), bytes("1"), -1);
            rdb.stringEntry(bytes("counter"), bytes("100"), -1);
            rdb.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A snapshot of a new history at offset 0: {@link #write} of {@code keys} keys to {@code file}. */
    static Snapshot fresh(Path file, int keys) throws IOException {
        return Snapshot.ofFile(Snapshot.newReplid(), 0, write(file, keys));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
