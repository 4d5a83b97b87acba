package io.redisreplica.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.redisreplica.server.ReplicationBacklog;
import io.redisreplica.server.ReplicationServer;
import io.redisreplica.server.ServerContext;
import io.redisreplica.server.Snapshot;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * The server library's stream to one replica beside a redis-server master's, in one run on the
 * same commands: the replica is stopped (SIGSTOP) while COUNT SETs with 100-byte values go into
 * its master (the master's backlog and output buffer, or the {@link ReplicationBacklog}), then
 * continued; the time until the replica's own {@code master_repl_offset} reaches the master's end
 * gives the commands/s each master serves a replica that catches up.
 */
public final class ServeBench {
    private ServeBench() {
    }

    public static void main(String[] args) throws Exception {
        final int count = Integer.parseInt(args[0]);
        final byte[] value = "v".repeat(100).getBytes(StandardCharsets.US_ASCII);
        try (RedisServers redis = new RedisServers()) {
            // direct: a redis-server master that keeps whatever the stopped replica has not read
            final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "1gb",
                "client-output-buffer-limit", "replica 0 0 0"));
            final RedisServer direct = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + master.port()));
            direct.awaitReplicaInSync(30_000);
            direct.pause();
            try (RedisClient c = master.client()) {
                final List<Object[]> batch = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    batch.add(new Object[] {"SET", "key:" + i, value});
                    if (batch.size() == 1000 || i == count - 1) {
                        c.pipeline(batch);
                        batch.clear();
                    }
                }
            }
            final long directEnd = master.replicationOffset();
            final double directSeconds = catchUp(direct, directEnd);

            // the server library: the same commands appended to a ReplicationBacklog
            final Path rdb = Files.createTempFile("serve-bench-", ".rdb");
            Files.write(rdb, emptyRdb());
            final ReplicationBacklog backlog = new ReplicationBacklog(1 << 28);
            backlog.snapshot(Snapshot.ofFile(Snapshot.newReplid(), 0, rdb));
            try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog))) {
                final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + server.port()));
                replica.awaitReplicaInSync(30_000);
                replica.pause();
                final long start = backlog.endOffset();
                for (int i = 0; i < count; i++) {
                    backlog.append(command("SET", "key:" + i, value));
                }
                final double serverSeconds = catchUp(replica, backlog.endOffset());
                System.out.printf(Locale.ROOT, "%d SETs (100-byte values), %.1f MB of stream%n", count, (backlog.endOffset() - start) / 1e6);
                System.out.printf(Locale.ROOT, "redis-server master -> replica: %.2f s, %.0f commands/s%n", directSeconds, count / directSeconds);
                System.out.printf(Locale.ROOT, "ReplicationServer -> replica:    %.2f s, %.0f commands/s (%.2fx the direct time)%n", serverSeconds,
                    count / serverSeconds, serverSeconds / directSeconds);
            } finally {
                Files.deleteIfExists(rdb);
            }
        }
    }

    /** SIGCONT, then seconds until the replica's own offset reaches {@code end}. */
    private static double catchUp(RedisServer replica, long end) {
        final long t0 = System.nanoTime();
        replica.resume();
        Await.until("the replica at offset " + end, () -> replicaOffset(replica) >= end, 600_000);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long replicaOffset(RedisServer replica) {
        try (RedisClient c = replica.client()) {
            final String info = c.callString("INFO", "replication");
            final int at = info.indexOf("slave_repl_offset:") + "slave_repl_offset:".length();
            return Long.parseLong(info.substring(at, info.indexOf('\r', at)));
        }
    }

    private static byte[] command(String name, String key, byte[] value) {
        final byte[] k = key.getBytes(StandardCharsets.US_ASCII);
        final String head = "*3\r\n$" + name.length() + "\r\n" + name + "\r\n$" + k.length + "\r\n" + key + "\r\n$" + value.length + "\r\n";
        final byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        final byte[] out = new byte[h.length + value.length + 2];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(value, 0, out, h.length, value.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    /** An RDB 9 with no keys: REDIS0009, EOF, and a zero checksum (which Redis reads as "not computed"). */
    private static byte[] emptyRdb() {
        final byte[] rdb = new byte[9 + 1 + 8];
        System.arraycopy("REDIS0009".getBytes(StandardCharsets.US_ASCII), 0, rdb, 0, 9);
        rdb[9] = (byte) 0xFF;
        return rdb;
    }
}
