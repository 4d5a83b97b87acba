package io.redisreplica.tools;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.redisreplica.resp.RespClient;

/**
 * Whether the shards hold the master's stream up to a point, read from the router's admin INFO:
 * the master's offset is taken once, when the watch begins; once the router has journaled up to
 * it, each shard's journal end at that moment is what its replicas must acknowledge. What
 * {@code status} reports and {@code cutover} waits for.
 */
final class ShardSync {
    /** One shard as INFO shows it: its journal end, each replica's fields and each {@code replay --follow}'s. */
    record Shard(String name, long journalEnd, List<Map<String, String>> replicas, List<Map<String, String>> followers) {
    }

    /** One look: the link's state and offset, the shards, and per shard why it is not in sync (null: in sync). */
    record View(String state, long upstreamOffset, long masterOffset, List<Shard> shards, Map<String, String> verdicts) {
        boolean allSynced() {
            return verdicts.values().stream().allMatch(v -> v == null);
        }

        /** The first shard not in sync, as "shard NAME: why", or null. */
        String firstReason() {
            for (Map.Entry<String, String> v : verdicts.entrySet()) {
                if (v.getValue() != null) {
                    return "shard " + v.getKey() + ": " + v.getValue();
                }
            }
            return null;
        }
    }

    /** The router's config for a command that reads its admin port: one must be configured. */
    static io.redisreplica.router.config.RouterConfig configWithAdmin(picocli.CommandLine.Model.CommandSpec spec, java.nio.file.Path config,
                                                                    String command) {
        final io.redisreplica.router.config.RouterConfig cfg = io.redisreplica.router.config.ConfigParser.load(config);
        if (cfg.adminPort() <= 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), config + " has no `admin HOST:PORT`: " + command
                + " reads the router there");
        }
        return cfg;
    }

    /** {@code --timeout} as the config's durations read (500ms, 30s, 5m), in milliseconds. */
    static long timeoutMillis(picocli.CommandLine.Model.CommandSpec spec, String text) {
        try {
            return io.redisreplica.router.config.Units.duration(text, "").toMillis();
        } catch (io.redisreplica.router.config.ConfigException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--timeout: " + e.getMessage());
        }
    }

    /** The config's master (its upstream, or the node its sentinels name), authenticated as the router is. */
    static RespClient master(io.redisreplica.router.config.RouterConfig cfg, TlsOptions tls) throws IOException {
        final io.redisreplica.router.config.HostPort at = io.redisreplica.router.upstream.MasterLocator.current(cfg,
            tls.sentinelSockets(cfg));
        return RedisConnections.open(at.host(), at.port(), cfg.upstreamUser(), cfg.upstreamPassword(), "master", false,
            tls.sockets(cfg.upstreamTls(), cfg));
    }

    /** The router's admin port, with its admin-password when it has one. */
    static RespClient admin(io.redisreplica.router.config.RouterConfig cfg, TlsOptions tls) throws IOException {
        return RedisConnections.open(cfg.adminHost(), cfg.adminPort(), cfg.adminUser(), cfg.adminPassword(), "the router's admin port",
            false, tls.sockets(cfg.adminTls(), cfg));
    }

    private final RespClient admin;
    private final long masterOffset;
    /** Each shard's journal end once the router covered {@link #masterOffset}; null before. */
    private Map<String, Long> targets;

    /** Takes the master's offset now: everything written to it before is at or below. */
    ShardSync(RespClient master, RespClient admin) throws IOException {
        this.admin = admin;
        this.masterOffset = field(text(master.call("INFO", "replication")), "master_repl_offset");
    }

    /** Reads the router's INFO once; {@code only} (empty: all) names the shards judged. */
    View look(List<String> only) throws IOException {
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
        for (Shard s : shards) {
            if (only.isEmpty() || only.contains(s.name())) {
                verdicts.put(s.name(), notSynced(s, state, upstreamOffset));
            }
        }
        return new View(state, upstreamOffset, masterOffset, shards, verdicts);
    }

    /** Why a shard is not in sync, or null when it is. */
    private String notSynced(Shard s, String state, long upstreamOffset) {
        if (!"streaming".equals(state)) {
            return "the router's upstream link is " + state;
        }
        if (targets == null) {
            return "the router is " + (masterOffset - upstreamOffset) + " bytes behind the master";
        }
        // followers that stopped reporting (past follower-hold-time) are gone, as a disconnected replica is
        final List<Map<String, String>> followers = s.followers().stream().filter(f -> "1".equals(f.get("holding"))).toList();
        if (s.replicas().isEmpty() && followers.isEmpty()) {
            return "no replica connected and no follower reporting";
        }
        final long end = targets.get(s.name());
        for (Map<String, String> r : s.replicas()) {
            final long acked = Long.parseLong(r.getOrDefault("acked", "-1"));
            if (acked < end) {
                return "replica " + r.get("addr") + " (" + r.get("state") + ") acknowledged " + acked + " of " + end;
            }
        }
        for (Map<String, String> f : followers) {
            final long applied = Long.parseLong(f.getOrDefault("applied", "-1"));
            if (applied < end) {
                return "follower " + f.get("name") + " applied " + applied + " of " + end;
            }
        }
        return null;
    }

    /** The shards and their replicas from INFO's Shards section. */
    static List<Shard> shards(String info) {
        final Map<String, Long> ends = new LinkedHashMap<>();
        final Map<String, List<Map<String, String>>> replicas = new LinkedHashMap<>();
        final Map<String, List<Map<String, String>>> followers = new LinkedHashMap<>();
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
            final int follower = name.lastIndexOf("_follower");
            if (follower > 0 && fields.containsKey("applied")) {
                followers.computeIfAbsent(name.substring(0, follower), k -> new ArrayList<>()).add(fields);
            } else if (replica > 0 && fields.containsKey("acked")) {
                replicas.computeIfAbsent(name.substring(0, replica), k -> new ArrayList<>()).add(fields);
            } else if (fields.containsKey("journal_end")) {
                ends.put(name, Long.parseLong(fields.get("journal_end")));
                replicas.computeIfAbsent(name, k -> new ArrayList<>());
            }
        }
        final List<Shard> shards = new ArrayList<>();
        ends.forEach((name, end) -> shards.add(new Shard(name, end, replicas.get(name), followers.getOrDefault(name, List.of()))));
        return shards;
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
