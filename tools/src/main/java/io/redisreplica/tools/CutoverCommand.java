package io.redisreplica.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespError;
import io.redisreplica.router.config.RouterConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "cutover", mixinStandardHelpOptions = true,
    header = "Pause the master's writes, wait until every shard is in sync, promote one replica per shard.",
    description = {"Switch from the master to its shards: pause the master's writes (CLIENT PAUSE ... WRITE, or CLIENT PAUSE",
        "before Redis 6.2), wait until every shard replica acknowledged the master's final offset, optionally compare a",
        "sample, promote one replica per shard (REPLICAOF NO ONE) and print the new topology. On any failure or timeout",
        "nothing is promoted and the master is unpaused. --dry-run checks and prints the plan without pausing. Exit 0 when",
        "every shard was promoted, 1 when the cutover was abandoned (the reason is printed), 4 when a server cannot be reached."})
final class CutoverCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "CONFIG", description = "The router's config: its `admin` address and the master.")
    Path config;

    @Option(names = "--promote", paramLabel = "SHARD=HOST:PORT",
        description = "The replica to promote for a shard with several (repeat). A shard with one replica promotes that one.")
    Map<String, String> promote = new LinkedHashMap<>();

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION", description = "How long to wait for the replicas (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--compare-sample", paramLabel = "RATE", description = "Before promoting, compare this share of the keys (see compare).")
    Double compareSample;

    @Option(names = "--unpause", description = "Unpause the master after the promotion too (default: it stays paused until the pause "
        + "ends, so writes the application still sends there wait instead of landing on a master nobody follows).")
    boolean unpause;

    @Option(names = "--password", paramLabel = "PASSWORD", description = "Password (AUTH) of the shard replicas (or set REDIS_REPLICA_TARGET_PASSWORD).")
    String password;

    @Option(names = "--dry-run", description = "Check and print the plan; pause and change nothing.")
    boolean dryRun;

    @Mixin
    TlsOptions tls;

    @Option(names = "--json", description = "The new topology (or the reason it was abandoned) as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        final RouterConfig cfg = ShardSync.configWithAdmin(spec, config, "cutover");
        final long waitMillis = ShardSync.timeoutMillis(spec, timeout);
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final String replicaPassword = password != null ? password : System.getenv("REDIS_REPLICA_TARGET_PASSWORD");
        try (RespClient master = ShardSync.master(cfg, tls); RespClient admin = ShardSync.admin(cfg, tls)) {
            final List<ShardSync.Shard> shards = ShardSync.shards(ShardSync.text(admin.call("INFO")));
            final Map<String, String> plan = plan(shards);
            if (plan == null) {
                return abandon(out, null, false, "no shard to promote");
            }
            final String version = ShardSync.value(ShardSync.text(master.call("INFO", "server")), "redis_version");
            final boolean pauseWrites = atLeast(version, 6, 2);
            for (Map.Entry<String, String> p : plan.entrySet()) {
                err.printf("cutover: shard %s -> promote %s%n", p.getKey(), p.getValue());
            }
            if (dryRun) {
                err.printf("cutover: dry run: would pause the master (%s, Redis %s) for up to %d ms, wait for the replicas, promote the above%n",
                    pauseWrites ? "CLIENT PAUSE WRITE" : "CLIENT PAUSE, all clients", version, waitMillis + 10_000);
                print(out, plan, true);
                return ExitCodes.OK;
            }
            final long pauseMs = waitMillis + 10_000; // long enough to wait and promote; unpaused early on failure
            final Object paused = pauseWrites ? master.request("CLIENT", "PAUSE", Long.toString(pauseMs), "WRITE")
                : master.request("CLIENT", "PAUSE", Long.toString(pauseMs));
            if (paused instanceof RespError e) {
                return abandon(out, null, false, "the master refused CLIENT PAUSE: " + e.message());
            }
            err.println("cutover: master paused (" + (pauseWrites ? "writes" : "all clients") + ")");
            final String waited = waitSynced(master, admin, waitMillis, err);
            if (waited != null) {
                return abandon(out, master, pauseWrites, waited);
            }
            if (compareSample != null) {
                final int compared = new picocli.CommandLine(new CompareCommand()).execute(compareArgs(plan));
                if (compared != ExitCodes.OK) {
                    return abandon(out, master, pauseWrites, "the sampled compare found differences (exit " + compared + ")");
                }
            }
            for (Map.Entry<String, String> p : plan.entrySet()) {
                final String failure = promoteOne(p.getKey(), p.getValue(), replicaPassword);
                if (failure != null) {
                    // shards promoted before this one are masters now: say so, the operator decides
                    return abandon(out, master, pauseWrites, failure + " (shards before it in the plan are already promoted)");
                }
                err.println("cutover: shard " + p.getKey() + " promoted: " + p.getValue());
            }
            if (unpause && pauseWrites) {
                master.request("CLIENT", "UNPAUSE");
            }
            print(out, plan, false);
            return ExitCodes.OK;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.ENVIRONMENT;
        }
    }

    /** The replica to promote per shard, or null with a reason printed when there is none or too many. */
    private Map<String, String> plan(List<ShardSync.Shard> shards) {
        final Map<String, String> plan = new LinkedHashMap<>();
        for (ShardSync.Shard s : shards) {
            final List<String> candidates = new ArrayList<>();
            for (Map<String, String> r : s.replicas()) {
                final String addr = r.getOrDefault("addr", "");
                final String host = addr.replaceFirst("^/", "").replaceFirst(":[0-9]+$", "");
                candidates.add(host + ":" + r.get("listening_port"));
            }
            final String chosen = promote.get(s.name());
            if (chosen != null) {
                if (!candidates.contains(chosen)) {
                    throw new ParameterException(spec.commandLine(), "--promote " + s.name() + "=" + chosen + ": not a replica of that shard "
                        + candidates);
                }
                plan.put(s.name(), chosen);
            } else if (candidates.size() == 1) {
                plan.put(s.name(), candidates.get(0));
            } else {
                throw new ParameterException(spec.commandLine(), "shard " + s.name() + " has " + candidates.size() + " replicas "
                    + candidates + ": name the one to promote with --promote " + s.name() + "=HOST:PORT");
            }
        }
        return plan.isEmpty() ? null : plan;
    }

    /** Waits as {@code status --wait-synced} does; null when every shard is in sync, else the reason. */
    private static String waitSynced(RespClient master, RespClient admin, long waitMillis, PrintWriter err) throws Exception {
        final ShardSync sync = new ShardSync(master, admin);
        final long deadline = System.currentTimeMillis() + waitMillis;
        String why = null;
        while (System.currentTimeMillis() < deadline) {
            final ShardSync.View view = sync.look(List.of());
            if (view.allSynced()) {
                err.println("cutover: every shard acknowledged the master's final offset " + view.masterOffset());
                return null;
            }
            why = view.firstReason();
            Thread.sleep(100);
        }
        return "not in sync within the timeout: " + why;
    }

    private String[] compareArgs(Map<String, String> plan) {
        final List<String> args = new ArrayList<>(List.of("--config", config.toString(), "--sample", compareSample.toString(), "--quiet"));
        plan.forEach((shard, addr) -> args.addAll(List.of("--shard", shard + "=" + addr)));
        if (password != null) {
            args.addAll(List.of("--password", password));
        }
        args.addAll(tls.args());
        return args.toArray(new String[0]);
    }

    /** REPLICAOF NO ONE (SLAVEOF before 5.0), then ROLE must say master; null when done, else why not. */
    private String promoteOne(String shard, String address, String password) {
        final int colon = address.lastIndexOf(':');
        try (RespClient r = RedisConnections.open(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)), null,
            password, "shard " + shard + " replica", false, tls.sockets(false, null))) {
            final String version = ShardSync.value(ShardSync.text(r.call("INFO", "server")), "redis_version");
            final Object reply = r.request(atLeast(version, 5, 0) ? "REPLICAOF" : "SLAVEOF", "NO", "ONE");
            if (reply instanceof RespError e) {
                return "shard " + shard + " replica " + address + " refused REPLICAOF NO ONE: " + e.message();
            }
            final String role = ShardSync.value(ShardSync.text(r.call("INFO", "replication")), "role");
            return role.equals("master") ? null : "shard " + shard + " replica " + address + " is still a " + role;
        } catch (IOException e) {
            return "shard " + shard + " replica " + address + ": " + e.getMessage();
        }
    }

    private int abandon(PrintWriter out, RespClient master, boolean pauseWrites, String why) throws IOException {
        if (master != null) {
            if (pauseWrites) {
                master.request("CLIENT", "UNPAUSE");
            }
            // before 6.2 there is no UNPAUSE: the pause ends by itself at its deadline
        }
        spec.commandLine().getErr().println("cutover abandoned: " + why + (master == null ? "" : pauseWrites ? "; the master is unpaused"
            : "; the master stays paused until its pause ends (no CLIENT UNPAUSE before Redis 6.2)"));
        if (json) {
            try (JsonOut j = new JsonOut(out)) {
                j.json().writeStartObject();
                j.json().writeBooleanProperty("promoted", false);
                j.json().writeStringProperty("reason", why);
                j.json().writeEndObject();
                j.endLine();
            }
        }
        return ExitCodes.CHECK_FAILED;
    }

    private void print(PrintWriter out, Map<String, String> plan, boolean dry) {
        if (json) {
            try (JsonOut j = new JsonOut(out)) {
                j.json().writeStartObject();
                j.json().writeBooleanProperty("promoted", !dry);
                j.json().writeName("shards");
                j.json().writeStartObject();
                plan.forEach((shard, addr) -> j.json().writeStringProperty(shard, addr));
                j.json().writeEndObject();
                j.json().writeEndObject();
                j.endLine();
            }
        } else {
            out.println(dry ? "plan (dry run):" : "new topology: each shard's master");
            plan.forEach((shard, addr) -> out.printf("  %s %s%n", shard, addr));
        }
        out.flush();
    }

    private static boolean atLeast(String version, int major, int minor) {
        final String[] parts = version.split("\\.");
        try {
            final int ma = Integer.parseInt(parts[0]);
            final int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
