package io.redisreplica.rdb;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.redisreplica.testkit.RdbCorpus;

/**
 * Seeded mutations of corpus files (bytes flipped, inserted, deleted, the file cut): the reader
 * must end in a result or an {@link RdbFormatException}, never another exception, a hang or an
 * out-of-memory (lengths read from the file are never trusted to size an allocation).
 */
class RdbFuzzTest {
    @Test
    void shouldEndInResultOrFormatErrorForMutatedFiles() throws IOException {
        final List<RdbCorpus.Entry> files = RdbCorpus.entries().stream()
            .filter(RdbCorpus.Entry::isRdb).filter(e -> e.duplicateOf().isEmpty())
            .filter(e -> e.file().toFile().length() < 64 * 1024).toList();
        final Random random = new Random(Long.getLong("fuzz.seed", 17L));
        int iterations = 0;
        for (int round = 0; round < 30; round++) {
            for (RdbCorpus.Entry file : files) {
                final byte[] original = Files.readAllBytes(file.file());
                final byte[] mutated = mutate(original, random);
                iterations++;
                try {
                    new RdbSplitter(new RdbReaderContext().maxRecordBytes(1 << 20)).split(new ByteArrayInputStream(mutated),
                        List.of(new RdbWriter(java.io.OutputStream.nullOutputStream()),
                            new RdbWriter(java.io.OutputStream.nullOutputStream())),
                        RdbSplitterTest.bySum(2));
                } catch (RdbFormatException expected) {
                    // a clear error is the right answer
                } catch (RuntimeException | OutOfMemoryError e) {
                    fail("round " + round + " " + file.path() + ": " + e, e);
                }
            }
        }
        if (iterations < 1000) {
            fail("too few iterations: " + iterations);
        }
    }

    private static byte[] mutate(byte[] in, Random random) {
        byte[] out = in.clone();
        final int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && out.length > 10; m++) {
            final int at = 9 + random.nextInt(out.length - 9); // keep the header: its errors are tested elsewhere
            switch (random.nextInt(4)) {
                case 0 -> out[at] = (byte) random.nextInt(256);
                case 1 -> out[at] = (byte) (0x80 | random.nextInt(2)); // 32/64-bit length markers: huge lengths
                case 2 -> out = java.util.Arrays.copyOf(out, at);
                default -> {
                    final byte[] longer = new byte[out.length + 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(out, at, longer, at + 1, out.length - at);
                    out = longer;
                }
            }
        }
        return out;
    }
}
