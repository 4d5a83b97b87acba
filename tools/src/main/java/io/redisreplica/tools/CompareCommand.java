package io.redisreplica.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import io.redisreplica.resp.RespError;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.router.sinks.RedisConnection;
import io.redisreplica.router.tls.SocketFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "compare", mixinStandardHelpOptions = true,
    header = "Compare the master with the servers of its shards, key by key: placement, type, value and TTL.",
    description = {"Compare the master of a router config with its shards: every key of every db (or a sample) must be on the",
        "shard that owns it, with the master's type, value and TTL, and no shard may hold a key it does not own or the master",
        "does not have. Values are read in pages and hashed (SHA-256; sets and hashes in any order), never held whole.",
        "Keys still differing are read again in later passes, so keys that change while the compare runs are not reported",
        "as long as the shards keep up. Exit code 0 when equal, 1 with the differences, 4 when a server cannot be reached."})
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "CONFIG", description = "The router's config: the master (upstream) and the shard map.")
    Path config;

    @Option(names = {"-s", "--shard"}, required = true, paramLabel = "SHARD=HOST:PORT",
        description = "A server holding shard SHARD's keys (its replica, or a replay target); repeat per shard. Keys of shards not given are counted as not compared.")
    Map<String, String> shards = new LinkedHashMap<>();

    @Option(names = "--password", paramLabel = "PASSWORD", description = "Password (AUTH) of the shard servers (or set REDIS_REPLICA_TARGET_PASSWORD).")
    String password;

    @Option(names = "--sample", defaultValue = "1", paramLabel = "RATE",
        description = "Share of keys to compare, 0 < RATE <= 1, chosen by a hash of the key (the same keys in every pass). Default: ${DEFAULT-VALUE}.")
    double sample;

    @Option(names = "--passes", defaultValue = "3", paramLabel = "N", description = "Passes over the keys that differ (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--pass-delay-ms", defaultValue = "1000", paramLabel = "MS", description = "Wait between passes (default: ${DEFAULT-VALUE}).")
    long passDelayMs;

    @Option(names = "--ttl-tolerance-ms", defaultValue = "1000", paramLabel = "MS", description = "TTLs closer than this are equal (default: ${DEFAULT-VALUE}).")
    long ttlTolerance;

    @Option(names = "--max-report", defaultValue = "50", paramLabel = "N", description = "Differences listed (all are counted; default: ${DEFAULT-VALUE}).")
    int maxReport;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Option(names = "--json", description = "The result as one JSON object.")
    boolean json;

    @Mixin
    TlsOptions tls;

    /** A key that differs, and why. */
    private record Difference(int db, String shard, byte[] key, String what) {
    }

    private ShardMap map;
    private RedisConnection master;
    private final Map<String, RedisConnection> targets = new LinkedHashMap<>();
    private final Map<String, Integer> selected = new HashMap<>();
    private long compared;
    private long notCompared;
    private long lastProgress = System.nanoTime();
    private PrintWriter err;

    @Override
    public Integer call() throws Exception {
        if (!(sample > 0 && sample <= 1)) {
            throw new ParameterException(spec.commandLine(), "--sample must be above 0 and at most 1, was " + sample);
        }
        if (passes < 1) {
            throw new ParameterException(spec.commandLine(), "--passes must be at least 1, was " + passes);
        }
        final RouterConfig cfg = io.redisreplica.router.config.ConfigParser.load(config);
        if (!cfg.transforms().isEmpty() || !cfg.droppedTypes().isEmpty() || !cfg.droppedValues().isEmpty() || cfg.largerThan() > 0
            || (cfg.keyRewriters() != null && Arrays.stream(cfg.keyRewriters()).anyMatch(r -> r != null))) {
            throw new ParameterException(spec.commandLine(), config + " rewrites keys or has value rules: its shards differ from the master "
                + "on purpose, which compare does not model yet");
        }
        map = cfg.shardMap();
        for (String name : shards.keySet()) {
            if (map.shards().stream().noneMatch(s -> s.name().equals(name))) {
                throw new ParameterException(spec.commandLine(), "--shard " + name + ": no such shard in " + config);
            }
        }
        final PrintWriter out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        try {
            master = connect(io.redisreplica.router.upstream.MasterLocator.current(cfg).toString(), cfg.upstreamUser(), cfg.upstreamPassword(), "master",
                tls.sockets(cfg.upstreamTls(), cfg));
            final String pass = password != null ? password : System.getenv("REDIS_REPLICA_TARGET_PASSWORD");
            for (Map.Entry<String, String> e : shards.entrySet()) {
                targets.put(e.getKey(), connect(e.getValue(), null, pass, "shard " + e.getKey(), tls.sockets(false, cfg)));
            }
            final long started = System.nanoTime();
            List<Difference> differences = firstPass();
            for (int round = 2; round <= passes && !differences.isEmpty(); round++) {
                Thread.sleep(passDelayMs);
                differences = recheck(differences);
                progress(err, "pass " + round + ": " + differences.size() + " still differ", true);
            }
            report(out, differences, (System.nanoTime() - started) / 1_000_000);
            return differences.isEmpty() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.ENVIRONMENT;
        } finally {
            for (RedisConnection c : targets.values()) {
                c.close();
            }
            if (master != null) {
                master.close();
            }
        }
    }

    private RedisConnection connect(String address, String user, String pass, String what, SocketFactory sockets) throws IOException {
        final int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new ParameterException(spec.commandLine(), what + ": expected HOST:PORT, was " + address);
        }
        return RedisConnections.open(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)), user, pass, what, true,
            sockets);
    }

    /** Every db any server has keys in: the master's keys checked on their shards, then each shard's keys checked for placement. */
    private List<Difference> firstPass() throws IOException {
        final TreeSet<Integer> dbs = new TreeSet<>(keyspaceDbs(master));
        for (RedisConnection t : targets.values()) {
            dbs.addAll(keyspaceDbs(t));
        }
        final List<Difference> differences = new ArrayList<>();
        for (int db : dbs) {
            scan(master, "master", db, keys -> check(db, keys, differences));
            for (Map.Entry<String, RedisConnection> t : targets.entrySet()) {
                scan(t.getValue(), t.getKey(), db, keys -> placement(db, t.getKey(), keys, differences));
            }
            progress(err, "db " + db + " done", true);
        }
        return differences;
    }

    private interface PageAction {
        void on(List<byte[]> keys) throws IOException;
    }

    /** SCANs {@code c}'s db and hands each page's sampled keys to {@code action}, which reads them in batches. */
    private void scan(RedisConnection c, String name, int db, PageAction action) throws IOException {
        byte[] cursor = {'0'};
        do {
            select(c, name, db);
            final Object reply = c.request("SCAN".getBytes(StandardCharsets.US_ASCII), cursor, KeyDigest.ascii("COUNT"), KeyDigest.ascii("1000"));
            if (reply instanceof RespError e) {
                throw new IOException(name + ": SCAN refused: " + e.message());
            }
            final List<?> page = (List<?>) reply;
            cursor = (byte[]) page.get(0);
            final List<byte[]> keys = new ArrayList<>();
            for (Object k : (List<?>) page.get(1)) {
                if (sampled((byte[]) k)) {
                    keys.add((byte[]) k);
                }
            }
            if (!keys.isEmpty()) {
                action.on(keys);
                progress(err, name + " db " + db, false);
            }
        } while (!(cursor.length == 1 && cursor[0] == '0'));
    }

    /** The master's keys on their shards: same type, value and TTL; adds what differs to {@code differences}. */
    private void check(int db, List<byte[]> keys, List<Difference> differences) throws IOException {
        final Map<String, List<byte[]>> byShard = new LinkedHashMap<>();
        for (byte[] key : keys) {
            final int owner = map.shardOf(key, 0, key.length);
            if (owner < 0) {
                continue; // a key no shard takes (drop rules, unclaimed drop): the shard scans find it if a shard holds it
            }
            final String shard = map.shards().get(owner).name();
            if (!targets.containsKey(shard)) {
                notCompared++;
                continue;
            }
            byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(key);
        }
        for (Map.Entry<String, List<byte[]>> e : byShard.entrySet()) {
            final String shard = e.getKey();
            final List<byte[]> shardKeys = e.getValue();
            select(master, "master", db);
            final List<KeyDigest.Reading> m = KeyDigest.read(master, shardKeys);
            final RedisConnection target = targets.get(shard);
            select(target, shard, db);
            final List<KeyDigest.Reading> t = KeyDigest.read(target, shardKeys);
            for (int i = 0; i < shardKeys.size(); i++) {
                compared++;
                final String what = difference(m.get(i), t.get(i));
                if (what != null) {
                    differences.add(new Difference(db, shard, shardKeys.get(i), what));
                }
            }
        }
    }

    private String difference(KeyDigest.Reading m, KeyDigest.Reading t) {
        if (!m.type().equals(t.type())) {
            return !t.exists() ? "missing on its shard (master has a " + m.type() + ")"
                : !m.exists() ? "on its shard (a " + t.type() + ") but not on the master" : "type " + t.type() + " on its shard, " + m.type() + " on the master";
        }
        if (!m.digest().equals(t.digest())) {
            return m.type() + " value differs";
        }
        if ((m.pttl() < 0) != (t.pttl() < 0) || Math.abs(m.pttl() - t.pttl()) > ttlTolerance) {
            return "TTL " + t.pttl() + " ms on its shard, " + m.pttl() + " ms on the master";
        }
        return null;
    }

    /** A shard's keys: owned by that shard (else misplaced), and on the master (else read both, to say how they differ). */
    private void placement(int db, String shard, List<byte[]> keys, List<Difference> differences) throws IOException {
        final List<byte[]> owned = new ArrayList<>();
        for (byte[] key : keys) {
            final int owner = map.shardOf(key, 0, key.length);
            if (owner < 0 || !map.shards().get(owner).name().equals(shard)) {
                differences.add(new Difference(db, shard, key, "on shard " + shard + " but owned by "
                    + (owner < 0 ? "no shard" : map.shards().get(owner).name())));
            } else {
                owned.add(key);
            }
        }
        if (owned.isEmpty()) {
            return;
        }
        select(master, "master", db);
        final boolean[] onMaster = KeyDigest.exist(master, owned); // the values are compared in the master's own scan
        final List<byte[]> gone = new ArrayList<>();
        for (int i = 0; i < owned.size(); i++) {
            if (!onMaster[i]) {
                gone.add(owned.get(i));
            }
        }
        if (!gone.isEmpty()) {
            check(db, gone, differences); // gone from the master: read both again, to say how they differ
        }
    }

    private List<Difference> recheck(List<Difference> previous) throws IOException {
        final List<Difference> still = new ArrayList<>();
        for (Difference d : previous) {
            if (d.what().startsWith("on shard ")) {
                final RedisConnection t = targets.get(d.shard());
                select(t, d.shard(), d.db());
                if (Long.valueOf(1).equals(t.request(KeyDigest.ascii("EXISTS"), d.key()))) {
                    still.add(d);
                }
            } else {
                compared--; // counted once
                check(d.db(), List.of(d.key()), still);
            }
        }
        return still;
    }

    private void select(RedisConnection c, String name, int db) throws IOException {
        if (selected.getOrDefault(name, -1) != db) {
            final Object reply = c.request("SELECT", Integer.toString(db));
            if (reply instanceof RespError e) {
                throw new IOException(name + ": SELECT " + db + " refused: " + e.message());
            }
            selected.put(name, db);
        }
    }

    private static List<Integer> keyspaceDbs(RedisConnection c) throws IOException {
        final List<Integer> dbs = new ArrayList<>();
        final String info = KeyDigest.text(c.request("INFO", "keyspace"));
        for (String line : info.split("\r\n")) {
            if (line.startsWith("db") && line.contains(":keys=")) {
                dbs.add(Integer.parseInt(line.substring(2, line.indexOf(':'))));
            }
        }
        return dbs;
    }

    private boolean sampled(byte[] key) {
        if (sample >= 1) {
            return true;
        }
        long h = Arrays.hashCode(key) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return (h >>> 11) * 0x1.0p-53 < sample;
    }

    private void progress(PrintWriter err, String what, boolean force) {
        if (quiet || (!force && System.nanoTime() - lastProgress < 5_000_000_000L)) {
            return;
        }
        lastProgress = System.nanoTime();
        err.println("compare: " + what + ", " + compared + " keys compared");
        err.flush();
    }

    private void report(PrintWriter out, List<Difference> differences, long millis) {
        if (json) {
            try (JsonOut j = new JsonOut(out)) {
                final tools.jackson.core.JsonGenerator g = j.json();
                g.writeStartObject();
                g.writeBooleanProperty("equal", differences.isEmpty());
                g.writeNumberProperty("keys_compared", compared);
                g.writeNumberProperty("keys_not_compared", notCompared);
                g.writeNumberProperty("differences", differences.size());
                g.writeNumberProperty("millis", millis);
                g.writeName("listed");
                g.writeStartArray();
                for (int i = 0; i < Math.min(maxReport, differences.size()); i++) {
                    final Difference d = differences.get(i);
                    g.writeStartObject();
                    g.writeNumberProperty("db", d.db());
                    g.writeStringProperty("shard", d.shard());
                    j.bytesField("key", d.key());
                    g.writeStringProperty("what", d.what());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
                j.endLine();
            }
        } else {
            out.printf("compare: %d keys compared in %d ms%s: %s%n", compared, millis,
                notCompared > 0 ? " (" + notCompared + " keys of shards not given not compared)" : "",
                differences.isEmpty() ? "every shard equals the master" : differences.size() + " difference(s)");
            for (int i = 0; i < Math.min(maxReport, differences.size()); i++) {
                final Difference d = differences.get(i);
                out.printf("  db %d shard %s key %s: %s%n", d.db(), d.shard(), JsonOut.quoted(d.key()), d.what());
            }
        }
        out.flush();
    }
}
