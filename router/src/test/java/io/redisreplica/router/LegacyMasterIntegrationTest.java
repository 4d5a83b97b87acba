package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * A master older than 2.8 knows neither PSYNC, REPLCONF nor COMMAND: the router falls back to
 * SYNC. No such Redis build is on Maven Central or Debian here, so the master is scripted with
 * the replies 2.6 gives; the shard replica downstream is a real redis-server.
 */
class LegacyMasterIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldReplicateFromAMasterThatOnlyKnowsSync() throws Exception {
        try (ServerSocket master = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            final Thread fake = new Thread(() -> serve(master), "legacy-master");
            fake.setDaemon(true);
            fake.start();
            final int portA = FreePort.find();
            final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.getLocalPort() + "\njournal "
                + dir.resolve("journal") + "\nshard a 127.0.0.1:" + portA + " regex=^a\n", "test");
            try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
                final RedisServer replica = redis.start(RedisBinary.local(), Map.of("replicaof", "127.0.0.1 " + portA));
                replica.awaitReplicaInSync(20_000);
                final long deadline = System.currentTimeMillis() + 10_000;
                while (!"blue".equals(get(replica, "apple")) && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals("blue", get(replica, "apple"));
                assertNull(get(replica, "banana"));
                assertEquals(1, router.upstream().fullSyncs());
            }
        }
    }

    private static String get(RedisServer server, String key) {
        try (RedisClient c = server.client()) {
            return c.callString("GET", key);
        }
    }

    /** Answers like Redis 2.6: PING, and errors for what it does not know; SYNC sends an RDB then a command. */
    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                final Socket s = server.accept();
                final Thread t = new Thread(() -> session(s));
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void session(Socket s) {
        try (s) {
            final InputStream in = s.getInputStream();
            final OutputStream out = s.getOutputStream();
            final CommandFramer framer = new CommandFramer();
            final byte[] buf = new byte[4096];
            final UnsafeBuffer view = new UnsafeBuffer(buf);
            int pending = 0;
            while (true) {
                final int n = in.read(buf, pending, buf.length - pending);
                if (n < 0) {
                    return;
                }
                pending += n;
                int at = 0;
                int framed;
                while ((framed = framer.frame(view, at, pending - at)) > 0) {
                    final String name = framer.command().argString(0).toUpperCase();
                    at += framed;
                    switch (name) {
                        case "PING" -> out.write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                        case "SYNC" -> {
                            final ByteArrayOutputStream rdb = new ByteArrayOutputStream();
                            final RdbWriter writer = new RdbWriter(rdb);
                            writer.header(6);
                            writer.selectDb(0);
                            writer.stringEntry("apple".getBytes(StandardCharsets.US_ASCII), "red".getBytes(StandardCharsets.US_ASCII), -1);
                            writer.stringEntry("banana".getBytes(StandardCharsets.US_ASCII), "yellow".getBytes(StandardCharsets.US_ASCII), -1);
                            writer.finish();
                            out.write(("\n\n$" + rdb.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.write(rdb.toByteArray());
                            out.write("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$5\r\napple\r\n$4\r\nblue\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            Thread.sleep(60_000); // a master keeps the link open
                            return;
                        }
                        default -> out.write(("-ERR unknown command '" + name.toLowerCase() + "'\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                }
                System.arraycopy(buf, at, buf, 0, pending - at);
                pending -= at;
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the test is over
        }
    }
}
