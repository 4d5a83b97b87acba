package io.redisreplica.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.RedisReplicator;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.cmd.Command;
import com.moilioncircle.redis.replicator.cmd.impl.PingCommand;
import com.moilioncircle.redis.replicator.cmd.impl.ReplConfCommand;
import com.moilioncircle.redis.replicator.cmd.impl.SelectCommand;

import io.redisreplica.client.JournaledClient;
import io.redisreplica.client.ReplicationClient;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * The replication client's events/s in-process beside redis-replicator's listener (issue 19),
 * on the same master and the same load, in one run. The master is loaded by redis-benchmark
 * (SET, INCR, LPUSH, HSET with 100-byte values, pipelined) while no replica is attached, into a
 * backlog big enough to hold it all; then each client in turn connects with {@code PSYNC} from the
 * offset before the load, the master answers {@code +CONTINUE} and streams the backlog as fast as
 * the client takes it, and the time to reach the master's offset is measured. Rounds alternate
 * between the two; the first of each is a warm-up.
 *
 * <p>Both consumers do the least an application does: ours counts the command and reads its
 * argument count (the command is a view over the read buffer); redis-replicator's listener counts
 * the event it built (a typed object per command). Keep-alives and SELECT are left out of both
 * counts.
 *
 * <p>With a third argument N &gt; 0, {@link JournaledClient} runs in each round too, acknowledging
 * every N commands (and at the end): each command journaled and committed before it is returned.
 * Its first open is a full resync, so that is done once before the load, into a template journal
 * whose acknowledged position is where every client starts; each round opens a copy of it, which
 * continues from there with {@code PSYNC +CONTINUE} like the others. Its clock starts once open
 * returned (the journal opened, the master connected), the others' before their connect.
 */
public final class ClientBench {
    private ClientBench() {
    }

    public static void main(String[] args) throws Exception {
        final int perType = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        final int ackEvery = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        final Path journals = Files.createTempDirectory("client-bench-journals");
        try (RedisServers redis = new RedisServers()) {
            final RedisServer master = redis.start(io.redisreplica.testkit.RedisBinary.local(),
                Map.of("repl-backlog-size", "2gb", "client-output-buffer-limit", "replica 0 0 0"));
            final ReplicationClient.Position before;
            final Path template = journals.resolve("template");
            if (ackEvery > 0) {
                try (JournaledClient first = JournaledClient.open(ReplicationClient.options("127.0.0.1", master.port()),
                    new JournalContext().dir(template))) {
                    first.readSnapshot(new io.redisreplica.rdb.RdbVisitor() { }); // the full resync of a first open
                    first.acknowledge();
                    before = first.position();
                }
            } else {
                try (ReplicationClient first = ReplicationClient.connect(ReplicationClient.options("127.0.0.1", master.port()),
                    ReplicationClient.Position.NONE)) {
                    first.readSnapshot(new io.redisreplica.rdb.RdbVisitor() { }); // the backlog exists once a replica attached
                    before = first.position();
                }
            }
            final long l0 = System.nanoTime();
            final Process load = new ProcessBuilder("redis-benchmark", "-p", Integer.toString(master.port()), "-n",
                Integer.toString(perType), "-P", "100", "-r", "1000000", "-d", "100", "-t", "set,incr,lpush,hset", "-q")
                .redirectErrorStream(true).start();
            final String out = new String(load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            load.waitFor();
            final long target = master.replicationOffset();
            final double mb = (target - before.offset()) / 1e6;
            System.out.printf("load: redis-benchmark -n %d -P 100 -r 1000000 -d 100 -t set,incr,lpush,hset in %.1f s: %.1f MB of "
                + "stream in the backlog (%s)%n", perType, (System.nanoTime() - l0) / 1e9, mb, out.replace('\r', '\n').lines()
                .filter(l -> l.contains("requests per second")).map(String::trim).toList());
            for (int round = 0; round <= rounds; round++) {
                final String label = round == 0 ? "warm-up" : "round " + round;
                report(label, "redis-replica client  ", mb, ours(master.port(), before, target));
                if (ackEvery > 0) {
                    report(label, "JournaledClient        ", mb, journaled(master.port(), template, journals.resolve("round-" + round),
                        ackEvery, before, target));
                }
                report(label, "redis-replicator 3.11.0", mb, theirs(master.port(), before, target));
            }
        } finally {
            delete(journals);
        }
    }

    private record Run(long events, double seconds, long gcs, long allocatedOnThread, long cpuNanos) {
    }

    private static void report(String round, String who, double mb, Run r) {
        System.out.printf("%s %s: %d events in %.3f s = %,.0f events/s, %.1f MB/s, JVM CPU %.0f ns/event, %d GCs, %s allocated on the "
                + "reading thread%n", round, who, r.events(), r.seconds(), r.events() / r.seconds(), mb / r.seconds(),
            (double) r.cpuNanos() / r.events(), r.gcs(),
            r.allocatedOnThread() < 0 ? "n/a" : String.format("%.1f B/event", (double) r.allocatedOnThread() / r.events()));
    }

    private static Run ours(int port, ReplicationClient.Position from, long target) throws Exception {
        final long gc0 = gcs();
        final long a0 = allocated();
        final long cpu0 = cpu();
        final long t0 = System.nanoTime();
        long events = 0;
        long args = 0;
        try (ReplicationClient client = ReplicationClient.connect(ReplicationClient.options("127.0.0.1", port), from)) {
            if (client.sync().full()) {
                throw new IllegalStateException("the master did not continue: " + client.sync());
            }
            while (client.offset() < target) {
                final io.redisreplica.resp.Command c = client.next(1_000);
                if (c != null) {
                    events++;
                    args += c.argCount();
                }
            }
        }
        final double seconds = (System.nanoTime() - t0) / 1e9;
        if (args < events) {
            throw new IllegalStateException("no arguments read");
        }
        return new Run(events, seconds, gcs() - gc0, allocated() - a0, cpu() - cpu0);
    }

    /** Opens a copy of the template journal (acknowledged at {@code from}) and takes the backlog through it; the copy is deleted after. */
    private static Run journaled(int port, Path template, Path dir, int ackEvery, ReplicationClient.Position from, long target)
        throws Exception {
        copy(template, dir);
        final long gc0 = gcs();
        long events = 0;
        long args = 0;
        final long a0;
        final long cpu0;
        final long t0;
        try (JournaledClient client = JournaledClient.open(ReplicationClient.options("127.0.0.1", port),
            new JournalContext().dir(dir))) {
            if (!client.acknowledged().equals(from) || client.snapshotPending()) {
                throw new IllegalStateException("the copy did not continue from " + from + ": " + client.acknowledged());
            }
            a0 = allocated();
            cpu0 = cpu();
            t0 = System.nanoTime();
            while (client.offset() < target) {
                final io.redisreplica.resp.Command c = client.next(1_000);
                if (c != null) {
                    events++;
                    args += c.argCount();
                    if (events % ackEvery == 0) {
                        client.acknowledge();
                    }
                }
            }
            client.acknowledge();
        }
        final double seconds = (System.nanoTime() - t0) / 1e9;
        final Run run = new Run(events, seconds, gcs() - gc0, allocated() - a0, cpu() - cpu0);
        delete(dir);
        if (args < events) {
            throw new IllegalStateException("no arguments read");
        }
        return run;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(from.relativize(f).toString()));
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static Run theirs(int port, ReplicationClient.Position from, long target) throws Exception {
        final Configuration conf = Configuration.defaultSetting().setReplId(from.replid()).setReplOffset(from.offset()) // it asks PSYNC for the byte after it
            .setRetries(1);
        final Replicator replicator = new RedisReplicator("127.0.0.1", port, conf);
        final long[] events = {0};
        replicator.addEventListener((r, event) -> {
            if (event instanceof Command && !(event instanceof SelectCommand || event instanceof PingCommand
                || event instanceof ReplConfCommand)) {
                events[0]++;
            }
            if (conf.getReplOffset() >= target) {
                try {
                    r.close();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        final long gc0 = gcs();
        final long cpu0 = cpu();
        final long t0 = System.nanoTime();
        replicator.open(); // reads on this thread (and a read-ahead thread of its own) until the listener closes it
        final double seconds = (System.nanoTime() - t0) / 1e9;
        if (conf.getReplOffset() < target) {
            throw new IllegalStateException("redis-replicator stopped at " + conf.getReplOffset() + " of " + target);
        }
        return new Run(events[0], seconds, gcs() - gc0, -1, cpu() - cpu0);
    }

    private static long gcs() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += gc.getCollectionCount();
        }
        return n;
    }

    /** The CPU time of the whole JVM (every thread, the GC's included): what the machine paid for the client, whatever the master's pace. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
