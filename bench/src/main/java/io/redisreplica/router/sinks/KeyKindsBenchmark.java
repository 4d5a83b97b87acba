package io.redisreplica.router.sinks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.routing.KeyArgs;
import io.redisreplica.router.sinks.index.KeyIndex;
import io.redisreplica.router.sinks.index.KeyMeta;

/**
 * What a sink with {@code kinds=} pays per key: the key index of {@code keys} keys (filled as a
 * snapshot load would), then a SET of a random existing key ({@code change}: hash, look up,
 * update) or of a new key deleted right after ({@code add} and {@code del}), each framed from
 * RESP bytes and told by {@link KeyKinds}. In this package to reach {@code KeyKinds} (package-private
 * in the router). The index's bytes per key are printed at setup ({@code key index: ...}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED"})
public class KeyKindsBenchmark {
    private static final int COMMANDS = 1 << 18;
    private static final KeyKinds.Out NOTHING = (db, arg, kind, type) -> { };

    @Param({"10000000"})
    int keys;

    private Path dir;
    private KeyIndex index;
    private KeyKinds kinds;
    private final KeyArgs keyArgs = new KeyArgs();
    private final CommandFramer framer = new CommandFramer(RespDecoderContext.preChecked());
    private UnsafeBuffer changes;
    private UnsafeBuffer adds;
    private UnsafeBuffer dels;
    private int changeAt;
    private int addAt;
    private int delAt;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("key-index-bench");
        index = KeyIndex.open(dir);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[32]);
        final long t0 = System.nanoTime();
        for (int i = 0; i < keys; i++) {
            final int n = key.putStringWithoutLengthAscii(0, "key:") + key.putIntAscii(4, i);
            index.put(0, index.hash(key, 0, n), KeyMeta.of(KeyMeta.STRING, 0, false));
        }
        System.out.printf("key index: %d keys, %d bytes mapped, %.1f bytes per key, filled in %d ms%n", index.keys(), index.bytes(),
            (double) index.bytes() / index.keys(), (System.nanoTime() - t0) / 1_000_000);
        kinds = new KeyKinds(index, offset -> System.currentTimeMillis());
        final SplittableRandom random = new SplittableRandom(42);
        changes = commands("SET", i -> "key:" + random.nextInt(keys));
        adds = commands("SET", i -> "new:" + i);
        dels = commands("DEL", i -> "new:" + i);
    }

    private static UnsafeBuffer commands(String name, java.util.function.IntFunction<String> key) {
        final ExpandableArrayBuffer b = new ExpandableArrayBuffer(COMMANDS * 40);
        final RespWriter w = new RespWriter();
        int at = 0;
        for (int i = 0; i < COMMANDS; i++) {
            at = name.equals("SET") ? w.wrap(b, at).command(name, key.apply(i), "v").position() : w.wrap(b, at).command(name, key.apply(i)).position();
        }
        return new UnsafeBuffer(b.byteArray(), 0, at);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        index.close();
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** One command framed at {@code at} of {@code buffer} and told; returns the next position (0 to wrap). */
    private int tell(UnsafeBuffer buffer, int at, String name) {
        final int n = framer.frame(buffer, at, buffer.capacity() - at);
        keyArgs.clear().add(1);
        kinds.of(0, framer.command(), name, keyArgs, 1, true, NOTHING);
        return at + n >= buffer.capacity() ? 0 : at + n;
    }

    @Benchmark
    public void change() {
        changeAt = tell(changes, changeAt, "SET");
    }

    /** An add and the DEL of the same key: the index's size stays. */
    @Benchmark
    public void addThenDel() {
        addAt = tell(adds, addAt, "SET");
        delAt = tell(dels, delAt, "DEL");
    }
}
