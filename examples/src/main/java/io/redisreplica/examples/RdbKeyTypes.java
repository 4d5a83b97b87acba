package io.redisreplica.examples;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbReader;
import io.redisreplica.rdb.RdbSink;
import io.redisreplica.rdb.RdbVisitor;

/**
 * Counts the keys of an RDB file by type, streaming it (any size, bounded memory): prints
 * {@code TYPE COUNT} lines sorted by type number (RDB's {@code RDB_TYPE_*}).
 *
 * <pre>java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp ... io.redisreplica.examples.RdbKeyTypes dump.rdb</pre>
 */
public final class RdbKeyTypes {
    private RdbKeyTypes() {
    }

    public static void main(String[] args) throws IOException {
        final Map<Integer, Long> byType = new TreeMap<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(Path.of(args[0])), 1 << 16)) {
            new RdbReader().read(in, new RdbVisitor() {
                @Override
                public RdbSink onEntry(RdbEntry entry) {
                    byType.merge(entry.type(), 1L, Long::sum);
                    return null; // the value is stepped over, not decoded
                }
            });
        }
        byType.forEach((type, count) -> System.out.println(type + " " + count));
    }
}
