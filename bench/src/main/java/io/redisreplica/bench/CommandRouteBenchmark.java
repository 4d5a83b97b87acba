package io.redisreplica.bench;

import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
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
import org.openjdk.jmh.annotations.Warmup;

import io.redisreplica.resp.CommandFramer;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.Plugins;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CommandRouter;
import io.redisreplica.router.routing.CrossShardPolicy;

/**
 * What key rewriting costs the router: 4 MiB of replication-stream-like commands framed and
 * routed to 4 slot shards (the journal append left out: a sink that counts bytes), with no
 * rewrite, with prefix steps (bytes only), with a regex step, and with a transform that keeps
 * every value (the cost of the value path itself: a quarter of the commands are SETs). One invocation routes the whole
 * 4 MiB, so MB/s = ops/s x 4.19.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class CommandRouteBenchmark {
    @Param({"none", "prefix", "regex", "noop-transform"})
    String rewrite;

    /**
     * The stream loop publishes the counts after each read of the master's socket; 16 KiB is a
     * small read (a busy master's are larger), so this counts the publish at least as often.
     */
    private static final int PUBLISH_EVERY = 16 * 1024;

    private UnsafeBuffer stream;
    private CommandFramer framer;
    private CommandRouter router;
    private long routedBytes;

    @Setup(Level.Trial)
    public void setUp() {
        stream = new UnsafeBuffer(ReplicationStream.generate(RespDecodeBenchmark.STREAM_BYTES, 42));
        final String global = rewrite.equals("noop-transform") ? "transform class=" + NoopTransform.class.getName() + "\n" : "";
        final String rules = switch (rewrite) {
            case "prefix" -> "strip-prefix=user:\nrewrite %s add-prefix=u:";
            case "regex" -> "regex=^user:(\\d+) replace=u$1";
            default -> null;
        };
        final StringBuilder config = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            config.append("shard s").append(i).append(" 127.0.0.1:").append(7001 + i).append(" slots=").append(i * 4096).append('-')
                .append(i * 4096 + 4095).append('\n');
            if (rules != null) {
                config.append("rewrite s").append(i).append(' ').append(String.format(rules, "s" + i)).append('\n');
            }
        }
        final RouterConfig parsed = ConfigParser.parse(config + global, "bench");
        framer = new CommandFramer();
        router = CommandRouter.builder(parsed.shardMap(), CrossShardPolicy.LOG, (shard, db, read, bytes, offset, length) -> {
            routedBytes += length;
            return true;
        }).rewriters(parsed.keyRewriters()).rules(Plugins.openValueRules(parsed)).build();
    }

    /** Frames and routes the whole stream; returns the bytes the shards received. */
    @Benchmark
    public long route() {
        final DirectBuffer b = stream;
        final int end = b.capacity();
        int at = 0;
        int n;
        framer.reset();
        routedBytes = 0;
        int publishAt = PUBLISH_EVERY;
        while ((n = framer.frame(b, at, end - at)) > 0) {
            router.route(framer.command());
            at += n;
            if (at >= publishAt) {
                router.publishCounts();
                publishAt = at + PUBLISH_EVERY;
            }
        }
        router.publishCounts();
        return routedBytes;
    }
}
