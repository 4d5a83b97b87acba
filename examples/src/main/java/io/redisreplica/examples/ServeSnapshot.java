package io.redisreplica.examples;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.server.ReplicaStatus;
import io.redisreplica.server.ReplicationBacklog;
import io.redisreplica.server.ReplicationServer;
import io.redisreplica.server.ServerContext;
import io.redisreplica.server.Snapshot;

/**
 * Serves a hand-built snapshot and a stream of commands to a real {@code redis-server}, which
 * replicates it as it would a Redis master: the program writes an RDB with 100 keys, starts a
 * {@link ReplicationServer} on a free port, tells the redis-server at HOST PORT to
 * {@code REPLICAOF} it, streams {@code INCR counter} COUNT times, waits until the replica
 * acknowledged all of it, prints the replica's status, and lets the replica go
 * ({@code REPLICAOF NO ONE}: it keeps the data).
 *
 * <pre>java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp ... io.redisreplica.examples.ServeSnapshot 127.0.0.1 6379 1000</pre>
 */
public final class ServeSnapshot {
    private ServeSnapshot() {
    }

    public static void main(String[] args) throws Exception {
        final String host = args[0];
        final int port = Integer.parseInt(args[1]);
        final int count = args.length > 2 ? Integer.parseInt(args[2]) : 1000;

        final Path rdb = Files.createTempFile("snapshot-", ".rdb");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(rdb))) {
            final RdbWriter writer = new RdbWriter(out);
            writer.header(9); // loads in Redis 5.0 and later
            writer.selectDb(0);
            writer.stringEntry(bytes("greeting"), bytes("hello from a hand-built snapshot"), -1);
            for (int i = 0; i < 99; i++) {
                writer.stringEntry(bytes("user:" + i), bytes("{\"id\":" + i + "}"), -1);
            }
            writer.finish();
        }

        final ReplicationBacklog backlog = new ReplicationBacklog(16 << 20);
        backlog.snapshot(Snapshot.ofFile(Snapshot.newReplid(), 0, rdb));
        try (ReplicationServer server = ReplicationServer.start(new ServerContext().source(backlog))) {
            System.out.println("serving on port " + server.port());
            call(host, port, "REPLICAOF", "127.0.0.1", Integer.toString(server.port()));
            for (int i = 0; i < count; i++) {
                backlog.appendCommand("INCR", "counter");
            }
            final long end = backlog.endOffset();
            final long deadline = System.currentTimeMillis() + 60_000;
            ReplicaStatus replica = null;
            while (replica == null || replica.ackedOffset() < end) {
                if (System.currentTimeMillis() > deadline) {
                    System.out.println("the replica did not acknowledge offset " + end + " within 60 s: " + server.replicas());
                    System.exit(1);
                }
                Thread.sleep(20);
                replica = server.replicas().isEmpty() ? null : server.replicas().get(0);
            }
            System.out.println("replica " + replica.name() + " acknowledged offset " + replica.ackedOffset() + ", " + replica.lagBytes()
                + " bytes behind, after " + server.fullResyncs() + " full sync");
            call(host, port, "REPLICAOF", "NO", "ONE");
        } finally {
            Files.deleteIfExists(rdb);
        }
    }

    /** One command to the redis-server, its reply line printed. */
    private static void call(String host, int port, String... args) throws IOException {
        try (Socket s = new Socket(host, port)) {
            final StringBuilder command = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                command.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            }
            s.getOutputStream().write(command.toString().getBytes(StandardCharsets.UTF_8));
            final InputStream in = s.getInputStream();
            final StringBuilder reply = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                reply.append((char) c);
            }
            System.out.println(String.join(" ", args) + ": " + reply.toString().trim());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
