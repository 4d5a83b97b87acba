package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The router's packages follow the data path and the compiler's output keeps them so: the class
 * references {@code jdeps} finds in {@code target/classes} (what the bytecode really uses, not
 * what the imports say) form no package cycle and go down this table only:
 *
 * <pre>
 * io.redisreplica.router        Router: wires everything
 *   admin                       reads the others' status
 *   upstream  downstream  sinks  (none of the three uses another)
 *   sinks.index                 the key index of sinks with kinds (rdb module and Agrona only)
 *   shard                       a shard's journal writer, commit clock, fingerprint
 *   config                      the parsed config (builds the shard map and value rules)
 *   routing                     shard map, key positions, command routing
 *   support  tls                small helpers any package may use; TLS sockets (JDK only)
 * </pre>
 *
 * And nothing outside the journal module names Chronicle ({@code net.openhft}): it stays behind
 * the journal's own types.
 */
class PackageLayersTest {
    private static final String ROOT = "io.redisreplica.router";

    /** Each package and the packages it may use. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
        Map.entry("support", Set.of()),
        Map.entry("tls", Set.of()),
        Map.entry("routing", Set.of("support")),
        Map.entry("config", Set.of("routing", "support", "tls")),
        Map.entry("shard", Set.of("config", "routing", "support", "tls")),
        Map.entry("upstream", Set.of("shard", "config", "routing", "support", "tls")),
        Map.entry("downstream", Set.of("shard", "config", "routing", "support", "tls")),
        Map.entry("sinks.index", Set.of()),
        Map.entry("sinks", Set.of("sinks.index", "shard", "config", "routing", "support", "tls")),
        Map.entry("admin", Set.of("upstream", "downstream", "sinks", "shard", "config", "routing", "support", "tls")),
        Map.entry("", Set.of("admin", "upstream", "downstream", "sinks", "shard", "config", "routing", "support", "tls")));

    /** A Chronicle import or qualified name (the pattern is spelled so this file does not match it). */
    private static final Pattern CHRONICLE = Pattern.compile("\\bnet\\.openhft\\.\\w");

    private static final Pattern EDGE = Pattern.compile("^\\s+(" + Pattern.quote(ROOT) + "\\.\\S+)\\s+->\\s+("
        + Pattern.quote(ROOT) + "\\.\\S+)\\s");

    /** Package (relative to {@value #ROOT}, "" for itself) to the packages it uses, each with one class reference that shows it. */
    private static final Map<String, Map<String, String>> USES = new TreeMap<>();

    @BeforeAll
    static void readClasses() {
        final ToolProvider jdeps = ToolProvider.findFirst("jdeps")
            .orElseThrow(() -> new IllegalStateException("jdeps is not in this JDK (module jdk.jdeps)"));
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:class", "-filter:package",
            classes().toString());
        assertEquals(0, exit, "jdeps failed: " + err);
        for (String line : out.toString().split("\\R")) {
            final Matcher m = EDGE.matcher(line);
            if (m.find()) {
                final String from = relative(m.group(1));
                final String to = relative(m.group(2));
                if (!from.equals(to)) {
                    USES.computeIfAbsent(from, k -> new TreeMap<>()).putIfAbsent(to, m.group(1) + " -> " + m.group(2));
                }
            }
        }
        assertTrue(USES.containsKey("") && USES.containsKey("admin"), "jdeps found no references between the router's packages:\n" + out);
    }

    @Test
    void shouldHaveNoPackageCycle() {
        final List<String> cycles = new ArrayList<>();
        final Set<String> done = new TreeSet<>();
        for (String start : USES.keySet()) {
            findCycles(start, new LinkedHashSet<>(), done, cycles);
        }
        assertTrue(cycles.isEmpty(), "package cycles among " + ROOT + ".*, each as its path with a class reference per step:\n"
            + String.join("\n", cycles));
    }

    @Test
    void shouldUseOnlyPackagesBelowOnTheDataPath() {
        final List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : USES.entrySet()) {
            final Set<String> allowed = ALLOWED.get(e.getKey());
            if (allowed == null) {
                wrong.add(name(e.getKey()) + " is not in the table of this test: add it where it belongs");
                continue;
            }
            for (Map.Entry<String, String> use : e.getValue().entrySet()) {
                if (!allowed.contains(use.getKey())) {
                    wrong.add(name(e.getKey()) + " may not use " + name(use.getKey()) + " (" + use.getValue() + ")");
                }
            }
        }
        assertTrue(wrong.isEmpty(), "references against the direction of the data path:\n" + String.join("\n", wrong));
    }

    @Test
    void shouldNameChronicleOnlyInTheJournalModule() throws IOException {
        final Path repo = classes().getParent().getParent().getParent(); // router/target/classes
        assertTrue(Files.exists(repo.resolve("journal/pom.xml")), "not the repository's root: " + repo);
        final List<String> found = new ArrayList<>();
        try (Stream<Path> modules = Files.list(repo)) {
            for (Path module : modules.filter(m -> Files.exists(m.resolve("pom.xml")) && Files.isDirectory(m.resolve("src"))).toList()) {
                if (module.getFileName().toString().equals("journal")) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(module.resolve("src"))) {
                    files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                        if (CHRONICLE.matcher(read(f)).find()) {
                            found.add(repo.relativize(f).toString());
                        }
                    });
                }
            }
        }
        assertTrue(found.isEmpty(), "files outside the journal module that name net.openhft (Chronicle):\n" + String.join("\n", found));
    }

    /** Depth-first from {@code at}: each edge back onto the path is a cycle, reported as its path with one class reference per step. */
    private static void findCycles(String at, Set<String> onPath, Set<String> done, List<String> cycles) {
        if (onPath.contains(at)) {
            final List<String> cycle = new ArrayList<>();
            boolean in = false;
            for (String p : onPath) {
                in |= p.equals(at);
                if (in) {
                    cycle.add(p);
                }
            }
            cycle.add(at);
            final StringBuilder sb = new StringBuilder();
            for (int i = 0; i + 1 < cycle.size(); i++) {
                sb.append(name(cycle.get(i))).append(" -> ").append(name(cycle.get(i + 1)))
                    .append(" (").append(USES.get(cycle.get(i)).get(cycle.get(i + 1))).append(")\n");
            }
            cycles.add(sb.toString());
            return;
        }
        if (done.contains(at)) {
            return;
        }
        onPath.add(at);
        for (String next : USES.getOrDefault(at, Map.of()).keySet()) {
            findCycles(next, onPath, done, cycles);
        }
        onPath.remove(at);
        done.add(at);
    }

    /** The package of a class, relative to {@value #ROOT}. */
    private static String relative(String className) {
        final String pkg = className.substring(0, className.lastIndexOf('.'));
        return pkg.equals(ROOT) ? "" : pkg.substring(ROOT.length() + 1);
    }

    private static String name(String relative) {
        return relative.isEmpty() ? ROOT : relative;
    }

    private static Path classes() {
        try {
            return Path.of(Router.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
