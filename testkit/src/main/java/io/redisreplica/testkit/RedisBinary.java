package io.redisreplica.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code redis-server} executable and the version it reports.
 *
 * <p>{@link #local()} is the machine's own install (Debian's {@code redis-server} is 7.0.15).
 * {@link #bundled(String)} extracts one of the real builds that Maven Central jars carry
 * (kstyrc embedded-redis 0.6: 2.8.19; signal embedded-redis 0.8.1/0.8.3/0.9.1: 6.0.5, 6.2.7,
 * 7.0.15), so tests can produce and consume RDB versions 6, 9 and 10 with real servers.
 */
public final class RedisBinary {
    /** Versions available through {@link #bundled(String)} (linux-amd64 builds). */
    public static final List<String> BUNDLED_VERSIONS = List.of("2.8.19", "6.0.5", "6.2.7", "7.0.15");

    private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Map<String, RedisBinary> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();

    private final Path executable;
    private final String version;
    private final int major;
    private final int minor;

    private RedisBinary(Path executable) {
        this.executable = executable;
        final String out = versionOutput(executable);
        final Matcher m = VERSION.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException(executable + " --version printed no version: " + out);
        }
        this.version = m.group(1) + "." + m.group(2) + "." + m.group(3);
        this.major = Integer.parseInt(m.group(1));
        this.minor = Integer.parseInt(m.group(2));
    }

    /** A binary at a given path. */
    public static RedisBinary of(Path executable) {
        return CACHE.computeIfAbsent(executable.toAbsolutePath().toString(), k -> new RedisBinary(Path.of(k)));
    }

    /**
     * The local {@code redis-server}: {@code $REDIS_SERVER}, else the first on {@code PATH}, else
     * {@code /usr/bin} or {@code /usr/local/bin}.
     *
     * @throws IllegalStateException saying how to install Redis when there is none
     */
    public static RedisBinary local() {
        final String explicit = System.getenv("REDIS_SERVER");
        if (explicit != null && !explicit.isBlank()) {
            return of(Path.of(explicit));
        }
        final String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + ":/usr/bin:/usr/local/bin").split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            final Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return of(candidate);
            }
        }
        throw new IllegalStateException("no redis-server found on PATH, /usr/bin or /usr/local/bin. "
            + "Install it (Debian/Ubuntu: 'apt-get install -y redis-server', macOS: 'brew install redis'), "
            + "or point REDIS_SERVER at a binary. '.ci/run' installs it when missing.");
    }

    /**
     * A real older build, extracted once per JVM from the testkit jar.
     *
     * @param version one of {@link #BUNDLED_VERSIONS}
     */
    public static RedisBinary bundled(String version) {
        if (!BUNDLED_VERSIONS.contains(version)) {
            throw new IllegalArgumentException("no bundled redis-server " + version + " (have " + BUNDLED_VERSIONS + ")");
        }
        final String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        final String arch = System.getProperty("os.arch");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("bundled redis-server builds are linux-amd64 only; this is " + os + "/" + arch);
        }
        return of(EXTRACTED.computeIfAbsent(version, RedisBinary::extract));
    }

    private static Path extract(String version) {
        final String resource = "redis-binaries/" + switch (version) {
            case "2.8.19" -> "redis-server-2.8.19";
            case "6.0.5" -> "redis-server-6.0.5";
            default -> "redis-server-" + version + "-linux-amd64";
        };
        try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " missing from the testkit jar; rebuild testkit");
            }
            final Path dir = Files.createTempDirectory("redis-bin-" + version + "-");
            final Path exe = dir.resolve("redis-server");
            Files.copy(in, exe, StandardCopyOption.REPLACE_EXISTING);
            if (!exe.toFile().setExecutable(true)) {
                throw new IllegalStateException("cannot make " + exe + " executable");
            }
            dir.toFile().deleteOnExit();
            exe.toFile().deleteOnExit();
            return exe;
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract " + resource, e);
        }
    }

    private static String versionOutput(Path executable) {
        try {
            final Process p = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
            final byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(executable + " --version did not exit");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + executable + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public Path executable() {
        return executable;
    }

    /** For example {@code "7.0.15"}. */
    public String version() {
        return version;
    }

    /** True when this server is at least {@code major.minor}. */
    public boolean atLeast(int wantMajor, int wantMinor) {
        return major > wantMajor || (major == wantMajor && minor >= wantMinor);
    }

    /** The RDB version this server writes (6 for 2.8, 7 for 3.2, 8 for 4.0, 9 for 5.0-6.2, 10 for 7.0, 11 for 7.2). */
    public int rdbVersion() {
        if (atLeast(7, 2)) {
            return 11;
        }
        if (atLeast(7, 0)) {
            return 10;
        }
        if (atLeast(5, 0)) {
            return 9;
        }
        if (atLeast(4, 0)) {
            return 8;
        }
        if (atLeast(3, 2)) {
            return 7;
        }
        return 6;
    }

    @Override
    public String toString() {
        return "redis-server " + version + " (" + executable + ")";
    }
}
