package io.redisreplica.server.impl;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.server.GrowingSnapshot;

class SnapshotStreamTest {
    @TempDir
    Path dir;

    @Test
    void shouldEndTheStreamWhenTheSnapshotClaimsMoreBytesThanItsFileHoldsInsteadOfSpinning() throws Exception {
        final Path file = Files.write(dir.resolve("s.rdb"), new byte[10]);
        final GrowingSnapshot snapshot = new GrowingSnapshot(file, "0123456789012345678901234567890123456789", 0);
        snapshot.written(100); // told before the bytes reached the file: a writer breaking the contract
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final SnapshotStream.Abandoned e = assertThrows(SnapshotStream.Abandoned.class,
            () -> SnapshotStream.send(snapshot, true, out, () -> false));
        assertTrue(e.getMessage().contains("says 100 bytes written") && e.getMessage().contains("holds 10"), e.getMessage());
    }
}
