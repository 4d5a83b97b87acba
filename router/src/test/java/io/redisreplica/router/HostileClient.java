package io.redisreplica.router;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** Test support for the hostile-client tests: a router with one shard and a real replica, and raw sockets. */
public final class HostileClient {
    private HostileClient() {
    }

    /** A master, the router in-process with shard {@code a} (every key) and an admin port, and a real replica of shard a. */
    record Setup(RedisServer master, Router router, RedisServer replica, int shardPort, int adminPort) implements AutoCloseable {
        /** Writes on the master and waits until the shard replica has it: the shard still streams. */
        void assertStreams(String key) {
            master.call("SET", key, "v-" + key);
            Await.until(key + " on the shard replica", () -> {
                try (RedisClient c = replica.client()) {
                    return ("v-" + key).equals(c.callString("GET", key));
                }
            }, 20_000);
        }

        @Override
        public void close() {
            router.close();
        }
    }

    static Setup start(RedisServers redis, Path dir, String extraConfig, String password) {
        return start(redis, dir, extraConfig, password, null);
    }

    /** @param user the shard's {@code shard-user} and the replica's {@code masteruser}, or null */
    static Setup start(RedisServers redis, Path dir, String extraConfig, String password, String user) {
        final RedisServer master = redis.start();
        final int shardPort = FreePort.find();
        final int adminPort = FreePort.find();
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
            + "\nadmin 127.0.0.1:" + adminPort + "\nshard a 127.0.0.1:" + shardPort + " regex=.*\n"
            + (password == null ? "" : "shard-password a " + password + "\n") + (user == null ? "" : "shard-user a " + user + "\n")
            + extraConfig, "test");
        final Router router = Router.start(config, CrossShardPolicy.LOG);
        final Map<String, String> replicaConfig = new java.util.HashMap<>(Map.of("replicaof", "127.0.0.1 " + shardPort));
        if (password != null) {
            replicaConfig.put("masterauth", password);
        }
        if (user != null) {
            replicaConfig.put("masteruser", user);
        }
        final RedisServer replica = redis.start(RedisBinary.local(), replicaConfig);
        replica.awaitReplicaInSync(30_000);
        return new Setup(master, router, replica, shardPort, adminPort);
    }

    static Socket connect(int port) throws IOException {
        final Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(5_000);
        return s;
    }

    static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** One reply line, CRLF included (a line that never ends: what arrived within the timeout). */
    static String line(Socket s) throws IOException {
        final InputStream in = s.getInputStream();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            out.write(b);
            if (b == '\n') {
                break;
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Everything until the peer closes (or {@code timeoutMs} passes). */
    static String readAll(Socket s, int timeoutMs) throws IOException {
        s.setSoTimeout(timeoutMs);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = s.getInputStream().read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // what came so far
        } catch (IOException e) {
            // reset by the peer: what came so far
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** True once the peer has closed the connection (read returns -1 or the connection is reset) within the timeout. */
    static boolean closedByPeer(Socket s, int timeoutMs) throws IOException {
        s.setSoTimeout(timeoutMs);
        final byte[] buf = new byte[8192];
        try {
            while (s.getInputStream().read(buf) >= 0) {
                // drain replies
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Heap in use after full collections. */
    static long usedHeap() {
        final Runtime rt = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }
}
