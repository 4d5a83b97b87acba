package io.redisreplica.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared corpus of real RDB files at {@code ../shared/rdb-corpus} (beside the checkout), read
 * in place: tests never copy it into the repository. The build passes its location as the
 * {@code rdb.corpus.dir} system property.
 */
public final class RdbCorpus {
    private RdbCorpus() {
    }

    /** One row of {@code MANIFEST.tsv}. */
    public record Entry(Path file, String path, String rdbVersion, String note, String parseStatus, String duplicateOf) {
        /** Files the manifest marks as intentionally corrupt. */
        public boolean corrupt() {
            return note.contains("corrupt");
        }

        /** Rows that are RDB files rather than AOF text. */
        public boolean isRdb() {
            return path.endsWith(".rdb") && !rdbVersion.startsWith("aof");
        }

        @Override
        public String toString() {
            return path;
        }
    }

    public static Path dir() {
        final String configured = System.getProperty("rdb.corpus.dir");
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Path.of(configured).normalize();
        }
        Path here = Path.of("").toAbsolutePath();
        while (here != null) {
            final Path candidate = here.resolve("../shared/rdb-corpus").normalize();
            if (Files.isRegularFile(candidate.resolve("MANIFEST.tsv"))) {
                return candidate;
            }
            here = here.getParent();
        }
        throw new IllegalStateException("rdb corpus not found: expected ../shared/rdb-corpus beside the checkout "
            + "(or -Drdb.corpus.dir=...)");
    }

    /** Every row of the manifest. */
    public static List<Entry> entries() {
        final Path dir = dir();
        try {
            final List<String> lines = Files.readAllLines(dir.resolve("MANIFEST.tsv"), StandardCharsets.UTF_8);
            final String[] header = lines.get(0).split("\t", -1);
            final int path = indexOf(header, "path");
            final int version = indexOf(header, "rdb_version");
            final int note = indexOf(header, "note");
            final int status = indexOf(header, "parse_status");
            final int duplicate = indexOf(header, "duplicate_of");
            final List<Entry> entries = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                final String[] cols = line.split("\t", -1);
                entries.add(new Entry(dir.resolve(cols[path]), cols[path], cols[version], cols[note], cols[status], cols[duplicate]));
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int indexOf(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("MANIFEST.tsv has no column " + name);
    }
}
