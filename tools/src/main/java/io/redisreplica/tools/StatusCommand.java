package io.redisreplica.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.redisreplica.resp.RespError;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.sinks.RedisConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Where a running router and its shard replicas stand, from its admin port and the master: per shard its",
        "replicas' state and lag, and whether the shard is in sync (the router has journaled the master's stream up to the",
        "master's offset when the check began, and every replica of the shard has acknowledged all of it). With",
        "--wait-synced it waits for that (stop the application's writes first: then it means the shards hold everything),",
        "exit 0 when every shard (or -s SHARD) is in sync, 1 with the reason at the timeout, 4 when the admin port or the",
        "master cannot be reached."})
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The router's config: its `admin` address and the master.")
    Path config;

    @Option(names = {"-s", "--shard"}, paramLabel = "SHARD", description = "Only these shards (repeat). Default: all.")
    List<String> only = new ArrayList<>();

    @Option(names = "--wait-synced", description = "Wait until the shards are in sync (or the timeout).")
    boolean waitSynced;

    @Option(names = "--timeout", defaultValue = "60s", paramLabel = "DURATION", description = "How long --wait-synced waits: 30s, 5m (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--json", description = "The result as one JSON object.")
    boolean json;

    /** One shard's view: the journal end the replicas must reach, and each replica's line. */
    record Shard(String name, long journalEnd, List<Map<String, String>> replicas) {
    }

    @Override
    public Integer call() throws Exception {
        final RouterConfig cfg = io.redisreplica.router.config.ConfigParser.load(config);
        if (cfg.adminPort() <= 0) {
            throw new ParameterException(spec.commandLine(), config + " has no `admin HOST:PORT`: status reads the router there");
        }
        final long waitMillis = parseDuration(spec, timeout);
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        try (RedisConnection master = connect(cfg.upstreamHost(), cfg.upstreamPort(), cfg.upstreamUser(), cfg.upstreamPassword(), "master");
             RedisConnection admin = connect(cfg.adminHost(), cfg.adminPort(), null, null, "the router's admin port")) {
            // the master's offset when the check begins: everything the application wrote before is at or below it
            final long masterOffset = field(text(master.call("INFO", "replication")), "master_repl_offset");
            final long deadline = System.currentTimeMillis() + (waitSynced ? waitMillis : 0);
            Map<String, Long> targets = null; // each shard's journal end once the router covered masterOffset
            while (true) {
                final String info = text(admin.call("INFO"));
                final String state = value(info, "upstream_state");
                final long upstreamOffset = field(info, "upstream_offset");
                final List<Shard> shards = shards(info);
                if (targets == null && "streaming".equals(state) && upstreamOffset >= masterOffset) {
                    targets = new LinkedHashMap<>();
                    for (Shard s : shards) {
                        targets.put(s.name(), s.journalEnd());
                    }
                }
                final Map<String, String> verdicts = new LinkedHashMap<>();
                boolean allSynced = true;
                for (Shard s : shards) {
                    if (!only.isEmpty() && !only.contains(s.name())) {
                        continue;
                    }
                    final String why = notSynced(s, state, upstreamOffset, masterOffset, targets);
                    verdicts.put(s.name(), why);
                    allSynced &= why == null;
                }
                if (!only.isEmpty() && verdicts.size() < only.size()) {
                    throw new ParameterException(spec.commandLine(), "no shard named " + only + " on the router (it has "
                        + shards.stream().map(Shard::name).toList() + ")");
                }
                if (allSynced || System.currentTimeMillis() >= deadline) {
                    print(out, state, upstreamOffset, masterOffset, shards, verdicts);
                    return !waitSynced || allSynced ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
                }
                Thread.sleep(200);
            }
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.ENVIRONMENT;
        }
    }

    /** Why a shard is not in sync, or null when it is. */
    static String notSynced(Shard s, String state, long upstreamOffset, long masterOffset, Map<String, Long> targets) {
        if (!"streaming".equals(state)) {
            return "the router's upstream link is " + state;
        }
        if (targets == null) {
            return "the router is " + (masterOffset - upstreamOffset) + " bytes behind the master";
        }
        if (s.replicas().isEmpty()) {
            return "no replica connected";
        }
        final long end = targets.get(s.name());
        for (Map<String, String> r : s.replicas()) {
            final long acked = Long.parseLong(r.getOrDefault("acked", "-1"));
            if (acked < end) {
                return "replica " + r.get("addr") + " (" + r.get("state") + ") acknowledged " + acked + " of " + end;
            }
        }
        return null;
    }

    private void print(PrintWriter out, String state, long upstreamOffset, long masterOffset, List<Shard> shards,
                       Map<String, String> verdicts) {
        if (json) {
            final StringBuilder sb = new StringBuilder("{\"upstream_state\":").append(Json.string(state)).append(",\"upstream_offset\":")
                .append(upstreamOffset).append(",\"master_offset\":").append(masterOffset).append(",\"shards\":[");
            boolean first = true;
            for (Shard s : shards) {
                if (!verdicts.containsKey(s.name())) {
                    continue;
                }
                sb.append(first ? "" : ",").append("{\"name\":").append(Json.string(s.name())).append(",\"journal_end\":").append(s.journalEnd())
                    .append(",\"in_sync\":").append(verdicts.get(s.name()) == null);
                if (verdicts.get(s.name()) != null) {
                    sb.append(",\"reason\":").append(Json.string(verdicts.get(s.name())));
                }
                sb.append(",\"replicas\":[");
                for (int i = 0; i < s.replicas().size(); i++) {
                    final Map<String, String> r = s.replicas().get(i);
                    sb.append(i > 0 ? "," : "").append("{\"addr\":").append(Json.string(r.getOrDefault("addr", ""))).append(",\"state\":")
                        .append(Json.string(r.getOrDefault("state", ""))).append(",\"acked\":").append(r.getOrDefault("acked", "-1"))
                        .append(",\"lag_bytes\":").append(r.getOrDefault("lag_bytes", "-1")).append(",\"lag_entries\":")
                        .append(r.getOrDefault("lag_entries", "-1")).append(",\"lag_ms\":").append(r.getOrDefault("lag_ms", "-1")).append('}');
                }
                sb.append("]}");
                first = false;
            }
            out.println(sb.append("]}"));
        } else {
            out.printf("upstream: %s at offset %d (master at %d when the check began)%n", state, upstreamOffset, masterOffset);
            for (Shard s : shards) {
                if (!verdicts.containsKey(s.name())) {
                    continue;
                }
                final String why = verdicts.get(s.name());
                out.printf("shard %s: %s (journal end %d)%n", s.name(), why == null ? "in sync" : "not in sync: " + why, s.journalEnd());
                for (Map<String, String> r : s.replicas()) {
                    out.printf("  replica %s (listening port %s): %s, acked %s, lag %s bytes, %s entries, %s ms%n", r.get("addr"),
                        r.get("listening_port"), r.get("state"), r.get("acked"), r.get("lag_bytes"), r.get("lag_entries"), r.get("lag_ms"));
                }
            }
        }
        out.flush();
    }

    /** The shards and their replicas from INFO's Shards section. */
    static List<Shard> shards(String info) {
        final Map<String, Long> ends = new LinkedHashMap<>();
        final Map<String, List<Map<String, String>>> replicas = new LinkedHashMap<>();
        for (String line : info.split("\r\n")) {
            if (!line.startsWith("shard_") || line.indexOf(':') < 0) {
                continue;
            }
            final String name = line.substring("shard_".length(), line.indexOf(':'));
            final Map<String, String> fields = new LinkedHashMap<>();
            for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
                final int eq = kv.indexOf('=');
                if (eq > 0) {
                    fields.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            final int replica = name.lastIndexOf("_replica");
            if (replica > 0 && fields.containsKey("acked")) {
                replicas.computeIfAbsent(name.substring(0, replica), k -> new ArrayList<>()).add(fields);
            } else if (fields.containsKey("journal_end")) {
                ends.put(name, Long.parseLong(fields.get("journal_end")));
                replicas.computeIfAbsent(name, k -> new ArrayList<>());
            }
        }
        final List<Shard> shards = new ArrayList<>();
        ends.forEach((name, end) -> shards.add(new Shard(name, end, replicas.get(name))));
        return shards;
    }

    static RedisConnection connect(String host, int port, String user, String password, String what) throws IOException {
        final RedisConnection c;
        try {
            c = new RedisConnection(host, port);
        } catch (IOException e) {
            throw new IOException(what + " at " + host + ":" + port + ": " + e.getMessage(), e);
        }
        if (password != null) {
            final Object reply = user == null ? c.request("AUTH", password) : c.request("AUTH", user, password);
            if (reply instanceof RespError e) {
                c.close();
                throw new IOException(what + " at " + host + ":" + port + " refused AUTH: " + e.message());
            }
        }
        return c;
    }

    static long parseDuration(CommandSpec spec, String text) {
        try {
            final String t = text.trim().toLowerCase(java.util.Locale.ROOT);
            final long n = Long.parseLong(t.replaceAll("(ms|s|m|h)$", ""));
            return t.endsWith("ms") ? n : t.endsWith("m") ? Duration.ofMinutes(n).toMillis() : t.endsWith("h") ? Duration.ofHours(n).toMillis()
                : Duration.ofSeconds(n).toMillis();
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--timeout: expected a duration such as 30s, 5m or 500ms, was " + text);
        }
    }

    static String text(Object reply) {
        return reply instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    static String value(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        return "";
    }

    static long field(String info, String name) throws IOException {
        final String v = value(info, name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IOException("no " + name + " in INFO (" + (v.isEmpty() ? "missing" : v) + ")");
        }
    }
}
