package io.redisreplica.router;

import static io.redisreplica.router.HostileClient.connect;
import static io.redisreplica.router.HostileClient.line;
import static io.redisreplica.router.HostileClient.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisServers;

/**
 * Out of file descriptors (this JVM's limit lowered with {@code prlimit}): the accept loop backs
 * off instead of spinning, logs the error once, and accepts again once descriptors free up.
 */
class AcceptBackoffIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldBackOffLogOnceAndRecoverWhenOutOfFileDescriptors() throws Exception {
        // the accept loop's own lines and the server's error policy's (logger io.redisreplica.server, its parent)
        final Logger acceptLog = (Logger) LoggerFactory.getLogger("io.redisreplica.server");
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        acceptLog.addAppender(logged);
        final long pid = ProcessHandle.current().pid();
        final String hard = limit(pid).split(":")[1];
        try (HostileClient.Setup s = HostileClient.start(redis, dir, "maxclients 10000\nhandshake-timeout 60s\n", null)) {
            try (Socket warm = connect(s.shardPort())) { // load every class of the path before there are no descriptors for jars
                send(warm, "PING\r\n");
                assertEquals("+PONG\r\n", line(warm));
            }
            final List<Socket> hogs = new ArrayList<>();
            final long open;
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                open = fds.count();
            }
            prlimit(pid, (open + 40) + ":" + hard);
            try {
                for (int i = 0; i < 200; i++) {
                    try {
                        hogs.add(new Socket("127.0.0.1", s.shardPort()));
                    } catch (IOException e) {
                        break; // this side is out of descriptors too
                    }
                }
                Await.until("accept fails", () -> s.router().listener(0).acceptErrors() > 0, 10_000);
                Thread.sleep(3_000);
            } finally {
                for (Socket h : hogs) {
                    h.close();
                }
                prlimit(pid, hard + ":" + hard);
            }
            final long errors = s.router().listener(0).acceptErrors();
            assertTrue(errors < 40, errors + " failed accepts in ~3 s: the loop backs off (10 ms doubling to 1 s)");
            try (Socket after = connect(s.shardPort())) {
                send(after, "PING\r\n");
                assertEquals("+PONG\r\n", line(after), "accepting again");
            }
            final List<String> lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
            assertEquals(1, lines.stream().filter(l -> l.contains("accept failed")).count(), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("shard a: accepting again after ")), lines.toString());
            // the upstream link's own recovery from EMFILE (its checkpoint write fails) is issue 12 point 1, not checked here
        } finally {
            acceptLog.detachAppender(logged);
        }
    }

    private static String limit(long pid) throws Exception {
        final Process p = new ProcessBuilder("prlimit", "--pid", String.valueOf(pid), "--nofile", "--raw", "--noheadings",
            "--output", "SOFT,HARD").redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
        return out.replaceAll("\\s+", ":");
    }

    private static void prlimit(long pid, String softHard) throws Exception {
        final Process p = new ProcessBuilder("prlimit", "--pid", String.valueOf(pid), "--nofile=" + softHard).redirectErrorStream(true)
            .start();
        final String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
    }
}
