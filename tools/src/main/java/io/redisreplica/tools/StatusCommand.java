package io.redisreplica.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.redisreplica.resp.RespClient;
import io.redisreplica.router.config.RouterConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
    header = "Where a running router and its shard replicas stand; --wait-synced waits until every shard is in sync.",
    description = {"Where a running router and its shard replicas stand, from its admin port and the master: per shard its",
        "replicas' and followers' (replay --follow --admin) state and lag, and whether the shard is in sync (the router has",
        "journaled the master's stream up to the master's offset when the check began, and every replica of the shard has",
        "acknowledged all of it, every reporting follower's target applied all of it). With",
        "--wait-synced it waits for that (stop the application's writes first: then it means the shards hold everything),",
        "exit 0 when every shard (or -s SHARD) is in sync, 1 with the reason at the timeout, 4 when the admin port or the",
        "master cannot be reached."})
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "CONFIG", description = "The router's config: its `admin` address and the master.")
    Path config;

    @Option(names = {"-s", "--shard"}, paramLabel = "SHARD", description = "Only these shards (repeat). Default: all.")
    List<String> only = new ArrayList<>();

    @Option(names = "--wait-synced", description = "Wait until the shards are in sync (or the timeout).")
    boolean waitSynced;

    @Option(names = "--timeout", defaultValue = "60s", paramLabel = "DURATION", description = "How long --wait-synced waits: 30s, 5m (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Mixin
    JsonResultOption json;

    @Mixin
    TlsOptions tls;

    @Override
    public Integer call() throws Exception {
        final RouterConfig cfg = ShardSync.configWithAdmin(spec, config, "status");
        final long waitMillis = ShardSync.timeoutMillis(spec, timeout);
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        try (RespClient master = ShardSync.master(cfg, tls); RespClient admin = ShardSync.admin(cfg, tls)) {
            final ShardSync sync = new ShardSync(master, admin);
            final long deadline = System.currentTimeMillis() + (waitSynced ? waitMillis : 0);
            while (true) {
                final ShardSync.View view = sync.look(only);
                if (!only.isEmpty() && view.verdicts().size() < only.size()) {
                    throw new ParameterException(spec.commandLine(), "no shard named " + only + " on the router (it has "
                        + view.shards().stream().map(ShardSync.Shard::name).toList() + ")");
                }
                if (view.allSynced() || System.currentTimeMillis() >= deadline) {
                    print(out, view);
                    return !waitSynced || view.allSynced() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
                }
                Thread.sleep(200);
            }
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.ENVIRONMENT;
        }
    }

    private void print(PrintWriter out, ShardSync.View view) {
        final String state = view.state();
        final long upstreamOffset = view.upstreamOffset();
        final long masterOffset = view.masterOffset();
        final List<ShardSync.Shard> shards = view.shards();
        final Map<String, String> verdicts = view.verdicts();
        if (json.on()) {
            try (JsonOut j = new JsonOut(out)) {
                final tools.jackson.core.JsonGenerator g = j.json();
                g.writeStartObject();
                g.writeStringProperty("upstream_state", state);
                g.writeNumberProperty("upstream_offset", upstreamOffset);
                g.writeNumberProperty("master_offset", masterOffset);
                g.writeName("shards");
                g.writeStartArray();
                for (ShardSync.Shard s : shards) {
                    if (!verdicts.containsKey(s.name())) {
                        continue;
                    }
                    g.writeStartObject();
                    g.writeStringProperty("name", s.name());
                    g.writeNumberProperty("journal_end", s.journalEnd());
                    g.writeBooleanProperty("in_sync", verdicts.get(s.name()) == null);
                    if (verdicts.get(s.name()) != null) {
                        g.writeStringProperty("reason", verdicts.get(s.name()));
                    }
                    g.writeName("replicas");
                    g.writeStartArray();
                    for (Map<String, String> r : s.replicas()) {
                        g.writeStartObject();
                        g.writeStringProperty("addr", r.getOrDefault("addr", ""));
                        g.writeStringProperty("state", r.getOrDefault("state", ""));
                        g.writeNumberProperty("acked", number(r.get("acked")));
                        g.writeNumberProperty("lag_bytes", number(r.get("lag_bytes")));
                        g.writeNumberProperty("lag_entries", number(r.get("lag_entries")));
                        g.writeNumberProperty("lag_ms", number(r.get("lag_ms")));
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeName("followers");
                    g.writeStartArray();
                    for (Map<String, String> f : s.followers()) {
                        g.writeStartObject();
                        g.writeStringProperty("name", f.getOrDefault("name", ""));
                        g.writeStringProperty("addr", f.getOrDefault("addr", ""));
                        g.writeNumberProperty("applied", number(f.get("applied")));
                        g.writeNumberProperty("lag_bytes", number(f.get("lag_bytes")));
                        g.writeNumberProperty("lag_entries", number(f.get("lag_entries")));
                        g.writeNumberProperty("lag_ms", decimal(f.get("lag_ms")));
                        g.writeNumberProperty("last_report_ms", number(f.get("last_report_ms")));
                        g.writeBooleanProperty("holding", "1".equals(f.get("holding")));
                        g.writeBooleanProperty("in_sync", "1".equals(f.get("in_sync")));
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
                j.endLine();
            }
        } else {
            out.printf("upstream: %s at offset %d (master at %d when the check began)%n", state, upstreamOffset, masterOffset);
            for (ShardSync.Shard s : shards) {
                if (!verdicts.containsKey(s.name())) {
                    continue;
                }
                final String why = verdicts.get(s.name());
                out.printf("shard %s: %s (journal end %d)%n", s.name(), why == null ? "in sync" : "not in sync: " + why, s.journalEnd());
                for (Map<String, String> r : s.replicas()) {
                    out.printf("  replica %s (listening port %s): %s, acked %s, lag %s bytes, %s entries, %s ms%n", r.get("addr"),
                        r.get("listening_port"), r.get("state"), r.get("acked"), r.get("lag_bytes"), r.get("lag_entries"), r.get("lag_ms"));
                }
                for (Map<String, String> f : s.followers()) {
                    out.printf("  follower %s (from %s): applied %s, lag %s bytes, %s entries, %s ms, last report %s ms ago%s%n",
                        f.get("name"), f.get("addr"), f.get("applied"), f.get("lag_bytes"), f.get("lag_entries"), f.get("lag_ms"),
                        f.get("last_report_ms"), "1".equals(f.get("holding")) ? "" : " (gone: no longer holds the journal)");
                }
            }
        }
        out.flush();
    }

    /** A decimal figure of the admin port's INFO, or -1 when it has none. */
    private static double decimal(String value) {
        try {
            return value == null ? -1 : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A figure of the admin port's INFO, or -1 when it has none. */
    private static long number(String value) {
        try {
            return value == null ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
