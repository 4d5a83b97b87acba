package io.redisreplica.router;

import static io.redisreplica.router.HostileClient.closedByPeer;
import static io.redisreplica.router.HostileClient.connect;
import static io.redisreplica.router.HostileClient.line;
import static io.redisreplica.router.HostileClient.readAll;
import static io.redisreplica.router.HostileClient.send;
import static io.redisreplica.router.HostileClient.usedHeap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.redisreplica.router.admin.AdminServer;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.server.ReplicaStatus;
import io.redisreplica.server.spi.ClientGuard;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServers;

/** Clients that lie, stall or flood, against a router's shard port and admin port, with a real replica streaming. */
class HostileClientIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldKeepAHundredHostileConnectionsWithinAFewMegabytesAndTheReplicaStreaming() throws Exception {
        try (HostileClient.Setup s = HostileClient.start(redis, dir, "handshake-timeout 3s\n", null)) {
            final long before = usedHeap();
            final List<Socket> sockets = new ArrayList<>();
            final String[] attacks = {
                "*1048576\r\n", // announces a million arguments
                "*1048576\r\n$3\r\nSET\r\n$1\r\nk\r\n",
                "*3\r\n$2147483647\r\n", // a 2 GB bulk
                "*2\r\n$536870912\r\nxxxx", // 512 MB, cut off
                "x".repeat(30_000), // a line that never ends
                "*3\r\n$4\r\nPING\r\n", // a command that never completes: held until the handshake timeout
            };
            for (int i = 0; i < 100; i++) {
                final Socket c = connect(i % 2 == 0 ? s.shardPort() : s.adminPort());
                sockets.add(c);
                try {
                    send(c, attacks[i % attacks.length]);
                } catch (IOException e) {
                    // closed on us already: fine
                }
            }
            final long during = usedHeap();
            System.out.printf("heap used: %d KB before, %d KB with 100 hostile connections%n", before >> 10, during >> 10);
            assertTrue(during - before < 64L << 20, "100 hostile connections cost " + ((during - before) >> 20) + " MB of heap");
            s.assertStreams("while-attacked");
            for (Socket c : sockets) {
                assertTrue(closedByPeer(c, 10_000), "every hostile connection is closed by the router");
                c.close();
            }
            Await.until("only the real replica listed", () -> s.router().replicas(0).size() == 1, 10_000);
            assertEquals(ReplicaStatus.State.STREAMING, s.router().replicas(0).get(0).state());
            try (RedisClient admin = new RedisClient("127.0.0.1", s.adminPort())) {
                final String info = admin.callString("INFO", "shards");
                assertFalse(info.contains("state=handshake"), info);
                assertTrue(info.matches("(?s).*shard_a:.*,clients=1,clients_refused=0,accept_errors=0,auth_failures=0,handshake_failures=\\d+.*"),
                    info);
            }
            s.assertStreams("after-the-attack");
        }
    }

    @Test
    void shouldTurnAwayClientsPastMaxclientsOnEachPort() throws Exception {
        try (HostileClient.Setup s = HostileClient.start(redis, dir, "maxclients 3\nhandshake-timeout 30s\n", null)) {
            // the shard port holds the real replica and two idle clients; the fourth is turned away
            final List<Socket> idle = new ArrayList<>();
            idle.add(connect(s.shardPort()));
            idle.add(connect(s.shardPort()));
            Await.until("two idle clients counted", () -> s.router().listener(0).connected() == 3);
            try (Socket refused = connect(s.shardPort())) {
                assertEquals("-ERR max number of clients reached\r\n", readAll(refused, 5_000));
            }
            for (int i = 0; i < 3; i++) {
                idle.add(connect(s.adminPort()));
            }
            Await.until("three admin clients counted", () -> s.router().adminServer().connected() == 3);
            try (Socket refused = connect(s.adminPort())) {
                assertEquals("-ERR max number of clients reached\r\n", readAll(refused, 5_000));
            }
            assertEquals(1, s.router().listener(0).refused());
            assertEquals(1, s.router().adminServer().refused());
            for (Socket c : idle) {
                c.close();
            }
            Await.until("slots free again", () -> s.router().listener(0).connected() == 1
                && s.router().adminServer().connected() == 0);
            try (RedisClient admin = new RedisClient("127.0.0.1", s.adminPort())) {
                assertTrue(admin.callString("INFO", "server").contains("admin_clients_refused:1"));
            }
            s.assertStreams("after-maxclients");
        }
    }

    @Test
    void shouldCloseAConnectionThatNeverCompletesTheHandshake() throws Exception {
        try (HostileClient.Setup s = HostileClient.start(redis, dir, "handshake-timeout 1s\n", null)) {
            try (Socket idle = connect(s.shardPort()); Socket slow = connect(s.shardPort())) {
                send(slow, "PING\r\n");
                assertEquals("+PONG\r\n", line(slow));
                final long start = System.currentTimeMillis();
                assertTrue(closedByPeer(idle, 5_000), "closed after the handshake timeout");
                assertTrue(closedByPeer(slow, 5_000), "a PING does not extend the deadline");
                assertTrue(System.currentTimeMillis() - start < 4_000);
            }
            Await.until("counted against the address", () -> s.router().listener(0).protocolFailures() == 2);
            Await.until("no phantom handshake replica", () -> s.router().replicas(0).size() == 1);
            s.assertStreams("after-timeouts");
        }
    }

    @Test
    void shouldSlowAuthBruteForceCheckTheUserAndLogOncePerBurst() throws Exception {
        final Logger guardLog = (Logger) LoggerFactory.getLogger(ClientGuard.class);
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        guardLog.addAppender(logged);
        try (HostileClient.Setup s = HostileClient.start(redis, dir, "", "s3cret")) {
            try (Socket c = connect(s.shardPort())) {
                send(c, "AUTH default s3cret\r\n");
                assertEquals("+OK\r\n", line(c));
            }
            try (Socket c = connect(s.shardPort())) {
                send(c, "AUTH nosuchuser s3cret\r\n");
                assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n", line(c), "the user name is checked");
                send(c, "*12\r\n");
                assertTrue(closedByPeer(c, 5_000), "before AUTH, more than 10 arguments close the connection");
            }
            int guesses = 0;
            final long start = System.currentTimeMillis();
            while (System.currentTimeMillis() - start < 3_000) {
                try (Socket c = connect(s.shardPort())) {
                    for (int i = 0; i < 50; i++) {
                        send(c, "AUTH guess" + i + "\r\n");
                    }
                    final String replies = readAll(c, 5_000);
                    guesses += replies.split("-WRONGPASS", -1).length - 1;
                } catch (IOException e) {
                    // reset while we wrote: the guesses were refused
                }
            }
            assertTrue(guesses < 30, guesses + " wrong guesses answered in 3 s (20,000 in 0.09 s before the limit)");
            assertTrue(s.router().listener(0).authFailures() >= guesses);
            final List<String> warnings = logged.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
            assertEquals(1, warnings.size(), "one line for the burst: " + warnings);
            assertTrue(warnings.get(0).contains("client 127.0.0.1: wrong AUTH"), warnings.get(0));
            // the real replica (same address) with the right password is not slowed
            s.replica().call("CLIENT", "KILL", "TYPE", "master");
            s.replica().awaitReplicaInSync(20_000);
            s.assertStreams("after-brute-force");
        } finally {
            guardLog.detachAppender(logged);
        }
    }

    @Test
    void shouldLetOnlyTheConfiguredUserAuthenticate() throws Exception {
        try (HostileClient.Setup s = HostileClient.start(redis, dir, "", "\"pass word\"", "replicator")) {
            s.assertStreams("as-replicator"); // the real replica's masteruser and a quoted password with a space
            try (Socket c = connect(s.shardPort())) {
                send(c, "AUTH default \"pass word\"\r\n");
                assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n", line(c));
                send(c, "AUTH \"pass word\"\r\n");
                assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n", line(c));
                send(c, "AUTH replicator \"pass word\"\r\n");
                assertEquals("+OK\r\n", line(c));
            }
        }
    }

    @Test
    void shouldIgnoreAcksNegativeOrBeyondWhatWasSent() throws Exception {
        try (HostileClient.Setup s = HostileClient.start(redis, dir, "", null); Socket fake = connect(s.shardPort())) {
            send(fake, "REPLCONF listening-port 1\r\n");
            assertEquals("+OK\r\n", line(fake));
            send(fake, "REPLCONF capa eof\r\n");
            assertEquals("+OK\r\n", line(fake));
            send(fake, "PSYNC ? -1\r\n");
            String reply = line(fake);
            while (reply.equals("\n")) {
                reply = line(fake);
            }
            assertTrue(reply.startsWith("+FULLRESYNC "), reply);
            final long offset = Long.parseLong(reply.trim().split(" ")[2]);
            final String header = line(fake);
            assertTrue(header.matches("\\$\\d+\\r\\n"), "a complete snapshot file goes out with its length: " + header);
            fake.getInputStream().readNBytes(Integer.parseInt(header.substring(1).trim()));
            final java.util.function.Supplier<ReplicaStatus> status = () -> s.router().replicas(0).stream()
                .filter(d -> d.listeningPort() == 1).findFirst().orElseThrow();
            Await.until("the stream started", () -> status.get().sentOffset() >= offset);
            // beyond what was sent by far: the master's keep-alive PINGs may be streamed meanwhile
            send(fake, "REPLCONF ACK -5\r\nREPLCONF ACK 99999999999\r\nREPLCONF ACK " + (status.get().sentOffset() + 1_000_000) + "\r\n");
            Await.until("three ACKs ignored", () -> status.get().badAcks() == 3);
            assertEquals(-1, status.get().ackedOffset(), "not believed");
            send(fake, "REPLCONF ACK " + offset + "\r\n");
            Await.until("a true ACK believed", () -> status.get().ackedOffset() == offset);
            try (RedisClient admin = new RedisClient("127.0.0.1", s.adminPort())) {
                assertTrue(admin.callString("INFO", "shards").contains(",bad_acks=3"));
            }
        }
    }

    @Test
    void shouldNotEchoCrLfInErrorRepliesAndAnswerHttpSplitAcrossPackets() throws Exception {
        try (HostileClient.Setup s = HostileClient.start(redis, dir, "handshake-timeout 1s\n", null)) {
            try (Socket c = connect(s.shardPort())) {
                send(c, "*1\r\n$8\r\nFOO\r\nBAR\r\nPING\r\n");
                assertEquals("-ERR unknown command 'FOO??BAR': this is a replication server for shard a; replicate it with "
                    + "REPLICAOF\r\n", line(c));
                assertEquals("+PONG\r\n", line(c));
            }
            try (Socket c = connect(s.adminPort())) {
                send(c, "*1\r\n$8\r\nFOO\r\nBAR\r\nPING\r\n");
                assertEquals("-ERR unknown command 'FOO??BAR' (the admin port answers INFO [section], PING, FOLLOWER REPORT, "
                    + "and GET /metrics)\r\n", line(c));
                assertEquals("+PONG\r\n", line(c));
            }
            try (Socket c = connect(s.adminPort())) {
                send(c, "GET /met");
                Thread.sleep(200);
                send(c, "rics HTTP/1.1\r\nHost: x\r\n");
                Thread.sleep(200);
                send(c, "\r\n");
                final String answer = readAll(c, 5_000);
                assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n") && answer.contains("redis_replica_shard_journal_end_offset"), answer);
            }
            try (Socket c = connect(s.adminPort())) {
                send(c, "GET /metrics HTTP/1.1\r\nHost: x\r\n"); // the blank line never comes
                assertEquals("", readAll(c, 5_000), "closed without an answer after the timeout");
            }
        }
    }

    @Test
    void shouldNotDropARealReplicaWhenOthersSendGarbageInItsName() throws Exception {
        try (HostileClient.Setup s = HostileClient.start(redis, dir, "replica-max-failures 2\n", null)) {
            final int replicaPort = s.replica().port();
            for (int i = 0; i < 10; i++) {
                try (Socket c = connect(s.shardPort())) {
                    send(c, "REPLCONF listening-port " + replicaPort + "\r\n");
                    assertEquals("+OK\r\n", line(c));
                    send(c, "*x\r\n");
                    assertTrue(closedByPeer(c, 5_000));
                }
            }
            Await.until("ten broken handshakes counted against the address", () -> s.router().listener(0).protocolFailures() == 10);
            // a whole sync in its name, then gone without loading it: while the real replica streams, that is not it
            for (int i = 0; i < 4; i++) {
                try (Socket c = connect(s.shardPort())) {
                    send(c, "REPLCONF listening-port " + replicaPort + "\r\n");
                    assertEquals("+OK\r\n", line(c));
                    send(c, "PSYNC ? -1\r\n");
                    assertTrue(line(c).startsWith("+FULLRESYNC"));
                }
            }
            Await.until("the impostors' syncs counted against the address", () -> s.router().listener(0).protocolFailures() >= 14);
            assertEquals(0, s.router().drops(0), "the streaming replica is not dropped for what others did in its name");
            s.replica().call("CLIENT", "KILL", "TYPE", "master");
            s.replica().awaitReplicaInSync(20_000);
            s.assertStreams("not-dropped");
            assertEquals(0, s.router().drops(0));
        }
    }

    @Test
    void shouldNameThePortInUseAndWarnAboutAnOpenAdminPort() throws Exception {
        final Logger adminLog = (Logger) LoggerFactory.getLogger(AdminServer.class);
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        adminLog.addAppender(logged);
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            final int port = taken.getLocalPort();
            final RouterConfig busy = ConfigParser.parse("upstream 127.0.0.1:" + FreePort.find() + "\njournal " + dir.resolve("j1")
                + "\nshard a 127.0.0.1:" + port + " regex=.*\n", "test");
            final UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Router.start(busy, CrossShardPolicy.LOG));
            assertTrue(e.getMessage().startsWith("cannot start the router: shard a: cannot listen on 127.0.0.1:" + port + ": "),
                e.getMessage());
            final int admin = FreePort.find();
            final RouterConfig open = ConfigParser.parse("upstream 127.0.0.1:" + FreePort.find() + "\njournal " + dir.resolve("j2")
                + "\nadmin 0.0.0.0:" + admin + "\nshard a 127.0.0.1:" + FreePort.find() + " regex=.*\n", "test");
            try (Router router = Router.start(open, CrossShardPolicy.LOG)) {
                final List<String> warnings = logged.list.stream().filter(w -> w.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
                assertEquals(List.of("admin: 0.0.0.0:" + admin + " is reachable from other hosts and has no authentication: anyone who "
                    + "can connect reads INFO and /metrics (bind it to 127.0.0.1, set admin-password, or firewall it)"), warnings);
            }
        } finally {
            adminLog.detachAppender(logged);
        }
    }
}
