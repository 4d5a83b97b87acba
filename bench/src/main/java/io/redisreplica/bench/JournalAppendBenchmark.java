package io.redisreplica.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.JournalEntryDescriptor;
import io.redisreplica.journal.JournalWriter;

/**
 * Journal appends of 100-byte entries, committed in batches of {@link #BATCH}, beside the same
 * bytes (header included) written with a plain {@code FileChannel}, both to the page cache
 * (the journal's default durability: survives kill -9, not power loss). Scores are entries/s.
 * Each iteration starts with an empty directory so the disk does not fill.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true"})
public class JournalAppendBenchmark {
    static final int BATCH = 100;

    @Param("100")
    public int entryBytes;

    private Path dir;
    private Journal journal;
    private JournalWriter writer;
    private UnsafeBuffer payload;
    private long upstream;

    private FileChannel channel;
    private ByteBuffer batchBuffer;

    @Setup(Level.Iteration)
    public void open() throws IOException {
        dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))), "journal-bench-");
        journal = Journal.open(new JournalContext().dir(dir.resolve("journal")).rollCycle(JournalContext.Roll.HOURLY));
        writer = journal.shard("a").writer(0);
        final byte[] bytes = new byte[entryBytes];
        java.util.Arrays.fill(bytes, (byte) 'x');
        payload = new UnsafeBuffer(bytes);
        channel = FileChannel.open(dir.resolve("plain.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        batchBuffer = ByteBuffer.allocateDirect(BATCH * (JournalEntryDescriptor.HEADER_LENGTH + entryBytes) + 8);
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        journal.close();
        channel.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long journalAppendBatch() {
        for (int i = 0; i < BATCH; i++) {
            writer.append(upstream++, 0, 0, payload, 0, entryBytes);
        }
        return writer.commit();
    }

    /** Reference: the same bytes per entry (header + payload) in one FileChannel write per batch. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long fileChannelBatch() throws IOException {
        batchBuffer.clear();
        for (int i = 0; i < BATCH; i++) {
            batchBuffer.putLong(upstream * entryBytes).putLong(upstream++).putInt(0).putInt(0).putInt(entryBytes);
            for (int b = 0; b < entryBytes; b += 8) {
                batchBuffer.putLong(0x7878787878787878L);
            }
            batchBuffer.position(batchBuffer.position() - (8 - entryBytes % 8) % 8);
        }
        batchBuffer.flip();
        return channel.write(batchBuffer);
    }
}
