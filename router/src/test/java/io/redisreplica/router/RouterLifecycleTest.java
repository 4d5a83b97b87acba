package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;

/**
 * How the router starts and ends its loops, without a master (the upstream link keeps retrying a
 * port nobody listens on): whatever it started is closed and joined, on close, on a failed start
 * and on a fatal error in any loop.
 */
class RouterLifecycleTest {
    @TempDir
    Path dir;

    private RouterConfig config(int adminPort) {
        return io.redisreplica.router.config.ConfigParser.parse("upstream 127.0.0.1:" + FreePort.find() + "\njournal " + dir.resolve("journal")
            + "\nadmin 127.0.0.1:" + adminPort + "\nshard a 127.0.0.1:" + FreePort.find() + " prefix=a:\nshard b 127.0.0.1:"
            + FreePort.find() + " prefix=b:\nsink events xadd 127.0.0.1:" + FreePort.find() + " key-events\n", "test");
    }

    /** The router's own threads (as the Router's package-info names them) started since {@code before}. */
    private static List<String> routerThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && !before.contains(t))
            .map(Thread::getName)
            .filter(n -> n.startsWith("upstream-") || n.startsWith("sink-") || n.equals("retention") || n.startsWith("admin-")
                || n.startsWith("shard-") || n.equals("checkpoint") || n.equals("pretouch"))
            .sorted().collect(Collectors.toList());
    }

    @Test
    void shouldCloseEveryLoopItStartedAndJoinThem() {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        final int admin = FreePort.find();
        final Router router = Router.start(config(admin), CrossShardPolicy.LOG);
        assertEquals(List.of("admin-" + admin, "retention", "sink-events-a", "sink-events-b"),
            routerThreads(before).stream().filter(n -> !n.startsWith("upstream-") && !n.startsWith("shard-")
                && !n.equals("checkpoint") && !n.equals("pretouch")).toList()); // the link starts these two on its thread
        router.close();
        // the acceptors of the virtual masters end when their sockets close; every other loop was joined
        assertEquals(List.of(), routerThreads(before).stream().filter(n -> !n.startsWith("shard-")).toList());
        Await.until("the acceptors to end", () -> routerThreads(before).isEmpty(), 5_000);
        assertNull(router.failure(), "a requested stop is no failure");
        router.close(); // a second close does nothing
    }

    @Test
    void shouldLeaveNothingRunningWhenTheAdminPortIsInUse() throws Exception {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final RuntimeException e = assertThrows(RuntimeException.class,
                () -> Router.start(config(taken.getLocalPort()), CrossShardPolicy.LOG));
            assertTrue(String.valueOf(e.getMessage()).contains(Integer.toString(taken.getLocalPort())), e.toString());
        }
        Await.until("nothing the start began to run on", () -> routerThreads(before).isEmpty(), 5_000);
    }

    @Test
    void shouldStopAndReportTheFirstFatalErrorOfAnyLoop() {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        final Router router = Router.start(config(FreePort.find()), CrossShardPolicy.LOG);
        try {
            router.errors().fatal("sink-events-a", new OutOfMemoryError("test"));
            router.errors().fatal("retention", new IllegalStateException("caused by the stop"));
            assertEquals("sink-events-a: java.lang.OutOfMemoryError: test", router.failure());
            Await.until("the router to stop by itself", () -> routerThreads(before).isEmpty(), 10_000);
        } finally {
            router.close();
        }
    }
}
