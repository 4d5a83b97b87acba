package io.redisreplica.router;

import static io.redisreplica.router.HostileClient.usedHeap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServers;

/**
 * A bounded fuzz run (FUZZ_SECONDS, 20 by default) against a shard port, the admin port and the
 * admin-http port: random bytes and mutated valid handshakes, INFO and HTTP requests (headers
 * cut, repeated, with huge lengths), from several threads, while
 * a real replica streams. No router thread may die, the heap stays small, nothing is left in
 * the handshake, and the replica still streams afterwards. The seed is printed to replay a run.
 */
class HostileFuzzIntegrationTest {
    private static final String[] SHARD_SEEDS = {
        "PING\r\n",
        "*1\r\n$4\r\nPING\r\n",
        "*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n6380\r\n",
        "REPLCONF capa eof capa psync2\r\n",
        "*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n",
        "PSYNC 0123456789012345678901234567890123456789 100\r\n",
        "AUTH default nope\r\n",
        "INFO replication\r\nROLE\r\n",
        "REPLCONF ACK 5\r\n",
    };
    private static final String[] ADMIN_SEEDS = {
        "INFO\r\n",
        "*2\r\n$4\r\nINFO\r\n$6\r\nshards\r\n",
        "PING\r\nCOMMAND\r\n",
        "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\n",
    };
    private static final String[] HTTP_SEEDS = {
        "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text; version=1.0.0\r\n\r\n",
        "GET /metrics?name[]=redis_replica_upstream_streaming HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n",
        "GET /ready HTTP/1.0\r\n\r\n",
        "HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n",
        "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
        "GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "GET /x HTTP/1.1\r\nAuthorization: Basic Zm9vOmJhcg==\r\nHost: x\r\n\r\n",
    };

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldSurviveRandomAndMutatedClientsOnEveryPort() throws Exception {
        final long seconds = Long.getLong("FUZZ_SECONDS", Long.parseLong(System.getenv().getOrDefault("FUZZ_SECONDS", "20")));
        final String seedEnv = System.getenv("FUZZ_SEED");
        final long seed = Long.getLong("FUZZ_SEED", seedEnv == null ? System.nanoTime() : Long.parseLong(seedEnv));
        System.out.println("fuzz seed " + seed + " for " + seconds + " s (-DFUZZ_SEED=" + seed + " replays it)");
        final ConcurrentLinkedQueue<String> deaths = new ConcurrentLinkedQueue<>();
        final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> deaths.add(t.getName() + ": " + e));
        final int httpPort = io.redisreplica.testkit.FreePort.find();
        try (HostileClient.Setup s = HostileClient.start(redis, dir, "handshake-timeout 2s\nadmin-http 127.0.0.1:" + httpPort + "\n", null)) {
            final Set<String> agents = Set.of("shard-a-replication-server-" + s.shardPort(), "admin-" + s.adminPort(), "retention",
                "upstream-127.0.0.1:" + s.master().port());
            assertEquals(agents, alive(agents), "the router's agents before the run");
            final long before = usedHeap();
            final AtomicLong connections = new AtomicLong();
            final long end = System.currentTimeMillis() + seconds * 1000;
            final List<Thread> fuzzers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                final Random random = new Random(seed + i);
                final Thread t = new Thread(() -> {
                    while (System.currentTimeMillis() < end) {
                        final int target = random.nextInt(4); // 0: admin, 1: admin-http, else the shard
                        final byte[] input = random.nextInt(4) == 0 ? randomBytes(random)
                            : mutate(random, target == 0 ? ADMIN_SEEDS : target == 1 ? HTTP_SEEDS : SHARD_SEEDS);
                        try {
                            poke(target == 0 ? s.adminPort() : target == 1 ? httpPort : s.shardPort(), input, random);
                            connections.incrementAndGet();
                        } catch (IOException e) {
                            // refused, reset: the router's answer to garbage
                        }
                    }
                }, "fuzzer-" + i);
                fuzzers.add(t);
                t.start();
            }
            int writes = 0;
            while (System.currentTimeMillis() < end) {
                s.master().call("INCR", "fuzz:counter");
                writes++;
                Thread.sleep(50);
            }
            for (Thread t : fuzzers) {
                t.join(30_000);
            }
            System.out.println("fuzz: " + connections.get() + " connections, " + writes + " writes");
            assertTrue(connections.get() > 100, "the fuzz ran: " + connections.get());
            assertEquals(List.of(), List.copyOf(deaths), "no thread died");
            assertEquals(agents, alive(agents), "every agent of the router is alive");
            assertEquals(UpstreamLink.State.STREAMING, s.router().upstream().state());
            final int expected = writes;
            Await.until("the replica has every INCR", () -> {
                try (RedisClient c = s.replica().client()) {
                    return String.valueOf(expected).equals(c.callString("GET", "fuzz:counter"));
                }
            }, 30_000);
            s.assertStreams("after-fuzz");
            Await.until("only the real replica left", () -> s.router().replicas(0).size() == 1, 30_000);
            final long after = usedHeap();
            System.out.printf("fuzz heap: %d KB before, %d KB after%n", before >> 10, after >> 10);
            assertTrue(after - before < 64L << 20, "heap grew by " + ((after - before) >> 20) + " MB");
            try (RedisClient admin = new RedisClient("127.0.0.1", s.adminPort())) {
                assertTrue(admin.callString("INFO", "shards").contains("clients=1,"));
            }
            Await.until("admin-http answers /metrics after the fuzz", () -> {
                try (Socket c = HostileClient.connect(httpPort)) {
                    HostileClient.send(c, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                    final String answer = HostileClient.readAll(c, 5_000);
                    return answer.startsWith("HTTP/1.1 200") && answer.contains("redis_replica_upstream_streaming ");
                } catch (IOException e) {
                    return false;
                }
            }, 30_000);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    private static Set<String> alive(Set<String> names) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).filter(names::contains)
            .collect(Collectors.toSet());
    }

    private static byte[] randomBytes(Random random) {
        final byte[] b = new byte[1 + random.nextInt(random.nextBoolean() ? 64 : 20_000)];
        random.nextBytes(b);
        if (random.nextBoolean()) {
            b[0] = (byte) "*$+-:\r\nGP".charAt(random.nextInt(9));
        }
        return b;
    }

    /** A few valid commands, then bytes flipped, inserted, cut, repeated or lengths made huge. */
    private static byte[] mutate(Random random, String[] seeds) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            sb.append(seeds[random.nextInt(seeds.length)]);
        }
        byte[] b = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        for (int m = 0, n = random.nextInt(4); m < n; m++) {
            switch (random.nextInt(6)) {
                case 0 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                case 1 -> b = java.util.Arrays.copyOf(b, 1 + random.nextInt(b.length));
                case 2 -> {
                    final int at = random.nextInt(b.length);
                    final byte[] big = ("" + (random.nextBoolean() ? Long.MAX_VALUE : 1L << (10 + random.nextInt(30))))
                        .getBytes(StandardCharsets.ISO_8859_1);
                    final byte[] out = new byte[b.length + big.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(big, 0, out, at, big.length);
                    System.arraycopy(b, at, out, at + big.length, b.length - at);
                    b = out;
                }
                case 3 -> {
                    final byte[] out = new byte[b.length * 2];
                    System.arraycopy(b, 0, out, 0, b.length);
                    System.arraycopy(b, 0, out, b.length, b.length);
                    b = out;
                }
                case 4 -> b[random.nextInt(b.length)] = (byte) (random.nextBoolean() ? '\r' : '\n');
                default -> b[random.nextInt(b.length)] = (byte) '-';
            }
        }
        return b;
    }

    /** Sends the input in random pieces, reads some of the answer, and hangs up (sometimes without reading). */
    private static void poke(int port, byte[] input, Random random) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(100);
            int at = 0;
            while (at < input.length) {
                final int n = Math.min(input.length - at, 1 + random.nextInt(input.length));
                s.getOutputStream().write(input, at, n);
                s.getOutputStream().flush();
                at += n;
            }
            if (random.nextInt(4) == 0) {
                return;
            }
            // read for at most 300 ms: a fuzzed PSYNC that got through is streamed the master's writes
            final InputStream in = s.getInputStream();
            final byte[] buf = new byte[16 * 1024];
            final long until = System.currentTimeMillis() + 300;
            try {
                while (System.currentTimeMillis() < until && in.read(buf) >= 0) {
                    // drain
                }
            } catch (SocketTimeoutException e) {
                // enough
            }
        }
    }
}
