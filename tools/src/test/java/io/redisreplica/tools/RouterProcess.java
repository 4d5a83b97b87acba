package io.redisreplica.tools;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The router as a JVM of its own ({@code redis-replica run}), so a test can SIGKILL it; each start
 * logs to {@code router-N.log} in the test's directory.
 */
final class RouterProcess {
    private final Path dir;
    private int starts;
    /** The router JVM's heap: small enough that a test proves what must not be held on it. */
    private String heap = "-Xmx256m";

    RouterProcess(Path dir) {
        this.dir = dir;
    }

    /** The {@code -Xmx} of the routers started from now on. */
    RouterProcess heap(String xmx) {
        this.heap = xmx;
        return this;
    }

    /** Starts the router on {@code config}; returns the process. */
    Process start(Path config, String... extraArgs) throws Exception {
        return start(java.util.Map.of(), config, extraArgs);
    }

    /** Starts the router on {@code config} with {@code env} added to its environment (secrets a config takes as ${NAME}). */
    Process start(java.util.Map<String, String> env, Path config, String... extraArgs) throws Exception {
        final List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-exports") || arg.startsWith("--add-opens") || arg.startsWith("-Dchronicle")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of(heap, "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "-c",
            config.toString(), "--status-every", "0"));
        cmd.addAll(List.of(extraArgs));
        final ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(starts++).toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    /** How many times the router was started. */
    int starts() {
        return starts;
    }

    Path log(int start) {
        return dir.resolve("router-" + start + ".log");
    }

    /** Waits until router start {@code i} logs that its upstream link streams. */
    void awaitStreaming(int i) throws Exception {
        final long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.readString(log(i)).contains("-> STREAMING")) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("router start " + i + " did not reach STREAMING:\n" + Files.readString(log(i)));
            }
            Thread.sleep(20);
        }
    }
}
