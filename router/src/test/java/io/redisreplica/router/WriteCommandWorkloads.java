package io.redisreplica.router;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;

/**
 * The command-coverage test's data: for every write command a master of 2.8 to 7.0 lists in its
 * COMMAND table (and the non-write ones that make a master propagate writes: EXEC, EVAL, EVALSHA,
 * FCALL), concrete invocations sent to the master, and the write commands left out with the
 * reason. Multi-key commands run with keys of one shard ({@code k.a("x")}, {@code k.a("y")}: one
 * hash tag under the slot map) and with keys of different shards ({@code k.a}, {@code k.b},
 * {@code k.c}). A workload runs when its command is in the master's table.
 */
final class WriteCommandWorkloads {
    private WriteCommandWorkloads() {
    }

    /**
     * Write commands of some master's table that no workload drives, each with why. None today:
     * every command flagged {@code write} by 2.8.19, 6.0.5, 6.2.7 and 7.0.15 is driven, MIGRATE
     * against a second server and PFDEBUG and RESTORE-ASKING as they are. The admin and
     * replication commands (REPLICAOF, SLAVEOF, SHUTDOWN, DEBUG, MONITOR, SYNC, PSYNC, CLIENT,
     * CONFIG, ACL) carry no {@code write} flag in any of them, and no module is loaded. A command
     * goes here only when it cannot be driven meaningfully, with a one-line reason.
     */
    static final Map<String, String> EXCLUDED = Map.of();

    /** When a workload runs: in each phase, or once live after the first comparison. */
    enum Stage {
        /** Before the router (snapshot), with the router but no replica (journal), while replicas attach, and live. */
        EVERY_PHASE,
        /** Once, live: FLUSHALL empties every db of every shard, so it runs after the main comparison. */
        AFTER_MAIN_COMPARISON,
        /** Once, live, last: commands with more than 1024 keys (issue 11 point 4 stops the link on them). */
        LAST
    }

    /** One thing sent to the master. */
    @FunctionalInterface
    interface Step {
        void run(RedisClient master, Keys k);
    }

    /** The invocations that drive {@code command}. */
    record Workload(String command, Stage stage, Function<Keys, List<Step>> steps) {
    }

    /** Key names for one workload in one phase, and what the steps may need of the test's servers. */
    interface Keys {
        /** A key shard {@code shard} owns; {@code name} is unique within the workload. */
        String on(int shard, String name);

        default String a(String name) {
            return on(0, name);
        }

        default String b(String name) {
            return on(1, name);
        }

        default String c(String name) {
            return on(2, name);
        }

        /** A key no shard owns, or null when the map claims every key. */
        String unclaimed(String name);

        RedisBinary binary();

        RedisServer master();

        /** A second server, target of MIGRATE. */
        RedisServer migrationTarget();

        default boolean atLeast(int major, int minor) {
            return binary().atLeast(major, minor);
        }
    }

    static final Step NOTHING = (c, k) -> {
    };

    static Step cmd(Object... args) {
        return (c, k) -> c.call(args);
    }

    static Step when(boolean condition, Step step) {
        return condition ? step : NOTHING;
    }

    /**
     * A second client blocks on {@code blocking} (its key empty), then {@code push} serves it: the
     * master propagates the pop it did for the blocked client (LPOP, LMOVE, ZPOPMIN...), not the
     * blocking command.
     */
    static Step servedLater(Object[] blocking, Object... push) {
        return (c, k) -> {
            try (RedisClient waiter = k.master().client()) {
                waiter.send(blocking);
                Await.until(blocking[0] + " to block", () -> blockedClients(c) > 0, 5_000);
                c.call(push);
                waiter.read();
            }
        };
    }

    private static long blockedClients(RedisClient c) {
        final String info = c.callString("INFO", "clients");
        final int at = info.indexOf("blocked_clients:") + "blocked_clients:".length();
        return Long.parseLong(info.substring(at, info.indexOf('\r', at)));
    }

    /** RESTORE-like {@code command} of {@code target} from a DUMP of {@code source}, then {@code extra} arguments. */
    static Step restoreFrom(String command, String source, String target, long ttl, Object... extra) {
        return (c, k) -> {
            final List<Object> args = new ArrayList<>(List.of(command, target, ttl, c.call("DUMP", source)));
            args.addAll(List.of(extra));
            c.call(args.toArray());
        };
    }

    /** MSET of {@code count} keys spread over the three shards, then {@code command} over all of them. */
    static Step overManyKeys(String command, int count) {
        return (c, k) -> {
            final List<Object> mset = new ArrayList<>(List.of("MSET"));
            final List<Object> keys = new ArrayList<>(List.of(command));
            for (int i = 0; i < count; i++) {
                final String key = k.on(i % 3, "many:" + i);
                mset.add(key);
                mset.add(i);
                keys.add(key);
            }
            if (command.equals("MSET")) {
                c.call(mset.toArray());
                return;
            }
            final List<Object[]> sets = new ArrayList<>();
            for (int i = 1; i < mset.size(); i += 2) {
                sets.add(new Object[] {"SET", mset.get(i), mset.get(i + 1)});
            }
            c.pipeline(sets);
            c.call(keys.toArray());
        };
    }

    /** Absolute unix time in seconds (or ms) one hour from now, for EXPIREAT and friends. */
    static long inAnHour(boolean millis) {
        final long ms = System.currentTimeMillis() + 3_600_000;
        return millis ? ms : ms / 1000;
    }

    private static Workload w(String command, Function<Keys, List<Step>> steps) {
        return new Workload(command, Stage.EVERY_PHASE, steps);
    }

    private static Workload w(String command, Stage stage, Function<Keys, List<Step>> steps) {
        return new Workload(command, stage, steps);
    }

    private static final String LUA_SET_TWO = "redis.call('SET', KEYS[1], ARGV[1]); redis.call('INCRBY', KEYS[2], 5); "
        + "redis.call('RPUSH', KEYS[3], ARGV[1]); return 1";
    private static final String LUA_SELECT = "redis.call('SELECT', 5); redis.call('SET', KEYS[1], ARGV[1]); redis.call('SELECT', 0); "
        + "redis.call('SET', KEYS[2], ARGV[1]); return 1";
    private static final String LIBRARY = "#!lua name=coverage\n"
        + "redis.register_function('cov_set', function(keys, args) redis.call('SET', keys[1], args[1]); "
        + "return redis.call('HSET', keys[2], 'f', args[1]) end)";

    /** The table: one or more workloads per command, in the order they run. */
    static final List<Workload> ALL = List.of(
        // ---- strings
        w("set", k -> List.of(
            cmd("SET", k.a("plain"), "v"),
            cmd("SET", k.a("ex"), "v", "EX", 1000),
            cmd("SET", k.b("px"), "v", "PX", 2_000_000),
            cmd("SET", k.c("nx"), "v", "NX"),
            cmd("SET", k.c("nx"), "ignored", "NX"),
            cmd("SET", k.a("plain"), "v2", "XX"),
            when(k.atLeast(6, 0), cmd("SET", k.a("ex"), "kept-ttl", "KEEPTTL")),
            when(k.atLeast(6, 2), cmd("SET", k.b("px"), "got", "GET")),
            when(k.atLeast(6, 2), cmd("SET", k.b("exat"), "v", "EXAT", inAnHour(false))),
            when(k.atLeast(6, 2), cmd("SET", k.c("pxat"), "v", "PXAT", inAnHour(true))),
            when(k.unclaimed("x") != null, cmd("SET", k.unclaimed("dropped"), "on no shard")))),
        w("setex", k -> List.of(cmd("SETEX", k.a("s"), 1000, "v"), cmd("SETEX", k.b("s"), 2000, "w"))),
        w("psetex", k -> List.of(cmd("PSETEX", k.a("s"), 1_000_000, "v"))),
        w("setnx", k -> List.of(cmd("SETNX", k.a("s"), "v"), cmd("SETNX", k.a("s"), "ignored"))),
        w("getset", k -> List.of(cmd("SET", k.a("s"), "old"), cmd("EXPIRE", k.a("s"), 1000), cmd("GETSET", k.a("s"), "new"))),
        w("getdel", k -> List.of(cmd("SET", k.a("s"), "v"), cmd("SET", k.b("kept"), "v"), cmd("GETDEL", k.a("s")))),
        w("getex", k -> List.of(cmd("SET", k.a("ex"), "v"), cmd("GETEX", k.a("ex"), "EX", 1000),
            cmd("SET", k.b("pxat"), "v"), cmd("GETEX", k.b("pxat"), "PXAT", inAnHour(true)),
            cmd("SET", k.c("persist"), "v", "EX", 1000), cmd("GETEX", k.c("persist"), "PERSIST"))),
        w("append", k -> List.of(cmd("APPEND", k.a("s"), "x"), cmd("APPEND", k.a("s"), "yz"))),
        w("setrange", k -> List.of(cmd("SET", k.a("s"), "Hello World"), cmd("SETRANGE", k.a("s"), 6, "Redis"),
            cmd("SETRANGE", k.b("new"), 5, "padded"))),
        w("incr", k -> List.of(cmd("INCR", k.a("n")), cmd("INCR", k.a("n")))),
        w("incrby", k -> List.of(cmd("INCRBY", k.a("n"), 41))),
        w("decr", k -> List.of(cmd("DECR", k.a("n")))),
        w("decrby", k -> List.of(cmd("DECRBY", k.a("n"), 7))),
        w("incrbyfloat", k -> List.of(cmd("SET", k.a("f"), "10.5"), cmd("INCRBYFLOAT", k.a("f"), "0.1"),
            cmd("INCRBYFLOAT", k.a("f"), "5.0e3"))),
        w("setbit", k -> List.of(cmd("SETBIT", k.a("bits"), 7, 1), cmd("SETBIT", k.a("bits"), 100, 1))),
        w("bitfield", k -> List.of(cmd("BITFIELD", k.a("bf"), "SET", "u8", 0, 200, "INCRBY", "u8", 8, 10,
            "OVERFLOW", "SAT", "INCRBY", "i8", 0, 100))),
        w("bitop", k -> List.of(cmd("SET", k.a("x"), "abc"), cmd("SET", k.a("y"), "bcd"), cmd("SET", k.b("z"), "xyz"),
            cmd("BITOP", "AND", k.a("and"), k.a("x"), k.a("y")),
            cmd("BITOP", "OR", k.c("or"), k.a("x"), k.b("z")),
            cmd("BITOP", "NOT", k.b("not"), k.a("x")))),
        w("mset", k -> List.of(cmd("MSET", k.a("1"), "one", k.a("2"), "two"),
            cmd("MSET", k.a("1"), "uno", k.b("2"), "dos", k.c("3"), "tres"))),
        w("msetnx", k -> List.of(cmd("MSETNX", k.a("1"), "one", k.a("2"), "two"),
            cmd("MSETNX", k.a("3"), "three", k.b("4"), "four"),
            cmd("MSETNX", k.a("1"), "refused", k.c("5"), "refused"))),
        w("pfadd", k -> List.of(cmd("PFADD", k.a("hll"), "a", "b", "c"))),
        w("pfdebug", k -> List.of(cmd("PFADD", k.a("hll"), "a", "b"), cmd("PFDEBUG", "TODENSE", k.a("hll")))),
        w("pfmerge", k -> List.of(cmd("PFADD", k.a("h1"), "a", "b"), cmd("PFADD", k.a("h2"), "c"), cmd("PFADD", k.b("h3"), "d", "e"),
            cmd("PFMERGE", k.a("same"), k.a("h1"), k.a("h2")),
            cmd("PFMERGE", k.c("cross"), k.a("h1"), k.b("h3")))),
        // ---- keys, expiries, dbs
        w("del", k -> List.of(cmd("MSET", k.a("1"), 1, k.a("2"), 2, k.b("3"), 3, k.c("4"), 4, k.c("kept"), 5),
            cmd("DEL", k.a("1")), cmd("DEL", k.a("2"), k.b("3"), k.c("4"), k.a("missing")))),
        w("del", Stage.LAST, k -> List.of(overManyKeys("DEL", 1100))),
        w("unlink", k -> List.of(cmd("MSET", k.a("1"), 1, k.b("2"), 2, k.c("3"), 3), cmd("UNLINK", k.a("1"), k.b("2"), k.c("3")))),
        w("unlink", Stage.LAST, k -> List.of(overManyKeys("UNLINK", 1100))),
        w("mset", Stage.LAST, k -> List.of(overManyKeys("MSET", 1100))),
        w("expire", k -> List.of(cmd("SET", k.a("s"), "v"), cmd("EXPIRE", k.a("s"), 1000),
            cmd("SET", k.b("nx"), "v"), when(k.atLeast(7, 0), cmd("EXPIRE", k.b("nx"), 2000, "NX")))),
        w("pexpire", k -> List.of(cmd("SET", k.a("s"), "v"), cmd("PEXPIRE", k.a("s"), 1_500_000))),
        w("expireat", k -> List.of(cmd("SET", k.a("s"), "v"), cmd("EXPIREAT", k.a("s"), inAnHour(false)))),
        w("pexpireat", k -> List.of(cmd("SET", k.a("s"), "v"), cmd("PEXPIREAT", k.a("s"), inAnHour(true)))),
        w("persist", k -> List.of(cmd("SET", k.a("s"), "v", "EX", 1000), cmd("PERSIST", k.a("s")))),
        w("rename", k -> List.of(cmd("SET", k.a("src"), "v"), cmd("EXPIRE", k.a("src"), 1000), cmd("RENAME", k.a("src"), k.a("dst")),
            cmd("SET", k.a("src2"), "w"), cmd("SET", k.b("dst2"), "overwritten"), cmd("RENAME", k.a("src2"), k.b("dst2")))),
        w("renamenx", k -> List.of(cmd("SET", k.a("src"), "v"), cmd("RENAMENX", k.a("src"), k.a("dst")),
            cmd("SET", k.b("src2"), "w"), cmd("RENAMENX", k.b("src2"), k.c("dst2")))),
        w("copy", k -> List.of(cmd("SET", k.a("s"), "v"), cmd("HSET", k.a("h"), "f", "v"),
            cmd("COPY", k.a("s"), k.a("same")), cmd("COPY", k.a("s"), k.b("cross")),
            cmd("COPY", k.a("s"), k.a("s"), "DB", 4), cmd("COPY", k.a("h"), k.c("h"), "DB", 5, "REPLACE"))),
        w("move", k -> List.of(cmd("SET", k.a("m"), "v", "EX", 1000), cmd("MOVE", k.a("m"), 3), cmd("SET", k.b("stay"), "v"))),
        w("restore", k -> List.of(cmd("RPUSH", k.a("src"), "x", "y"),
            restoreFrom("RESTORE", k.a("src"), k.a("same"), 0),
            restoreFrom("RESTORE", k.a("src"), k.b("cross"), 1_000_000),
            when(k.atLeast(3, 0), restoreFrom("RESTORE", k.a("src"), k.b("cross"), 0, "REPLACE")),
            when(k.atLeast(5, 0), restoreFrom("RESTORE", k.a("src"), k.c("absttl"), inAnHour(true), "ABSTTL")))),
        w("restore-asking", k -> List.of(cmd("SET", k.a("src"), "v"), restoreFrom("RESTORE-ASKING", k.a("src"), k.b("dst"), 0))),
        w("migrate", k -> List.of(cmd("SET", k.a("one"), "v"),
            (c, keys) -> c.call("MIGRATE", "127.0.0.1", keys.migrationTarget().port(), keys.a("one"), 0, 5000),
            cmd("MSET", k.a("m1"), 1, k.b("m2"), 2, k.c("stays"), 3),
            when(k.atLeast(3, 2), (c, keys) -> c.call("MIGRATE", "127.0.0.1", keys.migrationTarget().port(), "", 0, 5000,
                "KEYS", keys.a("m1"), keys.b("m2"))))),
        w("touch", k -> List.of(cmd("SET", k.a("t"), "v"), cmd("TOUCH", k.a("t"), k.b("missing")))),
        w("object", k -> List.of(cmd("SET", k.a("o"), "v"), cmd("OBJECT", "ENCODING", k.a("o")))),
        w("flushdb", k -> List.of(cmd("SELECT", 9), cmd("SET", k.a("gone"), "v"), cmd("FLUSHDB"), cmd("SET", k.b("after"), "v"),
            when(k.atLeast(4, 0), cmd("FLUSHDB", "ASYNC")), cmd("SET", k.c("after-async"), "v"), cmd("SELECT", 0))),
        w("swapdb", k -> List.of(cmd("SELECT", 10), cmd("SET", k.a("was10"), "v"), cmd("SELECT", 11), cmd("SET", k.b("was11"), "v"),
            cmd("SWAPDB", 10, 11), cmd("SELECT", 0))),
        w("flushall", Stage.AFTER_MAIN_COMPARISON, k -> List.of(cmd("SELECT", 3), cmd("SET", k.a("gone"), "v"), cmd("SELECT", 0),
            cmd("FLUSHALL"), cmd("SET", k.a("after"), "v"), cmd("SELECT", 2), cmd("SET", k.b("after"), "v"), cmd("SELECT", 0))),
        // ---- transactions and scripts
        w("exec", k -> List.of(cmd("MULTI"), cmd("SELECT", 1), cmd("SET", k.a("mail"), "x"), cmd("SELECT", 2),
            cmd("SET", k.a("mail2"), "y"), cmd("EXEC"), cmd("SELECT", 0),
            cmd("MULTI"), cmd("INCR", k.a("n")), cmd("RPUSH", k.a("log"), "e"), cmd("SET", k.b("other"), "v"), cmd("EXEC"))),
        w("eval", k -> List.of(cmd("EVAL", LUA_SET_TWO, 3, k.a("s"), k.a("n"), k.a("l"), "same-shard"),
            cmd("EVAL", LUA_SET_TWO, 3, k.a("s2"), k.b("n2"), k.c("l2"), "cross-shard"),
            cmd("EVAL", LUA_SELECT, 2, k.a("in5"), k.b("in0"), "v"))),
        w("evalsha", k -> List.of((c, keys) -> {
            final String sha = c.callString("SCRIPT", "LOAD", LUA_SET_TWO);
            c.call("EVALSHA", sha, 3, keys.a("s"), keys.a("n"), keys.b("l"), "sha");
        })),
        w("function|load", k -> List.of(cmd("FUNCTION", "LOAD", "REPLACE", LIBRARY))),
        w("fcall", k -> List.of(cmd("FUNCTION", "LOAD", "REPLACE", LIBRARY), cmd("FCALL", "cov_set", 2, k.a("s"), k.a("h"), "same"),
            cmd("FCALL", "cov_set", 2, k.b("s"), k.c("h"), "cross"))),
        w("function|delete", k -> List.of(cmd("FUNCTION", "LOAD", "REPLACE", LIBRARY.replace("coverage", "doomed")
            .replace("cov_set", "doomed_set")), cmd("FUNCTION", "DELETE", "doomed"))),
        w("function|restore", k -> List.of(cmd("FUNCTION", "LOAD", "REPLACE", LIBRARY),
            (c, keys) -> c.call("FUNCTION", "RESTORE", c.call("FUNCTION", "DUMP"), "REPLACE"))),
        w("function|flush", k -> List.of(cmd("FUNCTION", "FLUSH"), cmd("FUNCTION", "LOAD", "REPLACE", LIBRARY))),
        // ---- lists
        w("rpush", k -> List.of(cmd("RPUSH", k.a("l"), 1, 2, 3))),
        w("lpush", k -> List.of(cmd("LPUSH", k.a("l"), 1, 2, 3))),
        w("rpushx", k -> List.of(cmd("RPUSH", k.a("l"), 1), cmd("RPUSHX", k.a("l"), 2), cmd("RPUSHX", k.b("missing"), 2))),
        w("lpushx", k -> List.of(cmd("RPUSH", k.a("l"), 1), cmd("LPUSHX", k.a("l"), 0), cmd("LPUSHX", k.b("missing"), 2))),
        w("linsert", k -> List.of(cmd("RPUSH", k.a("l"), "a", "c"), cmd("LINSERT", k.a("l"), "BEFORE", "c", "b"))),
        w("lset", k -> List.of(cmd("RPUSH", k.a("l"), "a", "b"), cmd("LSET", k.a("l"), -1, "z"))),
        w("lrem", k -> List.of(cmd("RPUSH", k.a("l"), "a", "b", "a", "c", "a"), cmd("LREM", k.a("l"), 2, "a"))),
        w("ltrim", k -> List.of(cmd("RPUSH", k.a("l"), 1, 2, 3, 4, 5), cmd("LTRIM", k.a("l"), 1, -2))),
        w("lpop", k -> List.of(cmd("RPUSH", k.a("l"), 1, 2, 3, 4), cmd("LPOP", k.a("l")),
            when(k.atLeast(6, 2), cmd("LPOP", k.a("l"), 2)))),
        w("rpop", k -> List.of(cmd("RPUSH", k.a("l"), 1, 2, 3, 4), cmd("RPOP", k.a("l")),
            when(k.atLeast(6, 2), cmd("RPOP", k.a("l"), 2)))),
        w("rpoplpush", k -> List.of(cmd("RPUSH", k.a("src"), 1, 2, 3), cmd("RPOPLPUSH", k.a("src"), k.a("dst")),
            cmd("RPOPLPUSH", k.a("src"), k.b("dst")), cmd("RPOPLPUSH", k.a("src"), k.a("src")))),
        w("lmove", k -> List.of(cmd("RPUSH", k.a("src"), 1, 2, 3), cmd("LMOVE", k.a("src"), k.a("dst"), "LEFT", "RIGHT"),
            cmd("LMOVE", k.a("src"), k.c("dst"), "RIGHT", "LEFT"))),
        w("lmpop", k -> List.of(cmd("RPUSH", k.a("l"), 1, 2, 3), cmd("RPUSH", k.b("l"), 4, 5),
            cmd("LMPOP", 2, k.a("empty"), k.a("l"), "LEFT", "COUNT", 2), cmd("LMPOP", 2, k.a("empty"), k.b("l"), "RIGHT"))),
        w("blpop", k -> List.of(cmd("RPUSH", k.a("l"), 1, 2), cmd("BLPOP", k.a("empty"), k.a("l"), 1),
            servedLater(new Object[] {"BLPOP", k.b("wait"), 5}, "RPUSH", k.b("wait"), "x", "y"))),
        w("brpop", k -> List.of(cmd("RPUSH", k.a("l"), 1, 2), cmd("BRPOP", k.a("l"), 1),
            servedLater(new Object[] {"BRPOP", k.b("wait"), 5}, "RPUSH", k.b("wait"), "x", "y"))),
        w("brpoplpush", k -> List.of(cmd("RPUSH", k.a("src"), 1, 2, 3), cmd("BRPOPLPUSH", k.a("src"), k.a("dst"), 1),
            cmd("BRPOPLPUSH", k.a("src"), k.b("dst"), 1),
            servedLater(new Object[] {"BRPOPLPUSH", k.c("wait"), k.a("served"), 5}, "RPUSH", k.c("wait"), "x", "y"))),
        w("blmove", k -> List.of(cmd("RPUSH", k.a("src"), 1, 2, 3), cmd("BLMOVE", k.a("src"), k.a("dst"), "LEFT", "LEFT", 1),
            cmd("BLMOVE", k.a("src"), k.b("dst"), "RIGHT", "LEFT", 1),
            servedLater(new Object[] {"BLMOVE", k.c("wait"), k.b("served"), "LEFT", "RIGHT", 5}, "RPUSH", k.c("wait"), "x", "y"))),
        w("blmpop", k -> List.of(cmd("RPUSH", k.a("l"), 1, 2, 3), cmd("BLMPOP", 1, 2, k.a("empty"), k.a("l"), "LEFT", "COUNT", 2),
            servedLater(new Object[] {"BLMPOP", 5, 1, k.b("wait"), "RIGHT"}, "RPUSH", k.b("wait"), "x", "y"))),
        // ---- sets
        w("sadd", k -> List.of(cmd("SADD", k.a("s"), "a", "b", "c", 1, 2))),
        w("srem", k -> List.of(cmd("SADD", k.a("s"), "a", "b", "c"), cmd("SREM", k.a("s"), "b", "missing"))),
        w("spop", k -> List.of(cmd("SADD", k.a("s"), "a", "b", "c", "d", "e"), cmd("SPOP", k.a("s")),
            when(k.atLeast(3, 2), cmd("SPOP", k.a("s"), 2)))),
        w("smove", k -> List.of(cmd("SADD", k.a("src"), "a", "b", "c"), cmd("SMOVE", k.a("src"), k.a("dst"), "a"),
            cmd("SMOVE", k.a("src"), k.b("dst"), "b"))),
        w("sunionstore", k -> setStore("SUNIONSTORE", k)),
        w("sinterstore", k -> setStore("SINTERSTORE", k)),
        w("sdiffstore", k -> setStore("SDIFFSTORE", k)),
        w("sort", k -> List.of(cmd("RPUSH", k.a("l"), 3, 1, 2), cmd("SORT", k.a("l"), "STORE", k.a("same")),
            cmd("SORT", k.a("l"), "DESC", "STORE", k.b("cross")), cmd("SADD", k.c("s"), "b", "a"),
            cmd("SORT", k.c("s"), "ALPHA", "LIMIT", 0, 1, "STORE", k.a("fromset")))),
        // ---- sorted sets
        w("zadd", k -> List.of(cmd("ZADD", k.a("z"), 1, "a", 2.5, "b", "-inf", "c"),
            when(k.atLeast(3, 0), cmd("ZADD", k.a("z"), "XX", "CH", 5, "a")),
            when(k.atLeast(3, 0), cmd("ZADD", k.a("z"), "INCR", 1, "b")),
            when(k.atLeast(6, 2), cmd("ZADD", k.a("z"), "GT", 0, "a")))),
        w("zincrby", k -> List.of(cmd("ZINCRBY", k.a("z"), 1.5, "m"), cmd("ZINCRBY", k.a("z"), 2, "m"))),
        w("zrem", k -> List.of(cmd("ZADD", k.a("z"), 1, "a", 2, "b"), cmd("ZREM", k.a("z"), "a"))),
        w("zremrangebyscore", k -> List.of(cmd("ZADD", k.a("z"), 1, "a", 2, "b", 3, "c"), cmd("ZREMRANGEBYSCORE", k.a("z"), 1, 2))),
        w("zremrangebyrank", k -> List.of(cmd("ZADD", k.a("z"), 1, "a", 2, "b", 3, "c"), cmd("ZREMRANGEBYRANK", k.a("z"), 0, 0))),
        w("zremrangebylex", k -> List.of(cmd("ZADD", k.a("z"), 0, "a", 0, "b", 0, "c"), cmd("ZREMRANGEBYLEX", k.a("z"), "[a", "(c"))),
        w("zpopmin", k -> List.of(cmd("ZADD", k.a("z"), 1, "a", 2, "b", 3, "c"), cmd("ZPOPMIN", k.a("z")), cmd("ZPOPMIN", k.a("z"), 2))),
        w("zpopmax", k -> List.of(cmd("ZADD", k.a("z"), 1, "a", 2, "b", 3, "c"), cmd("ZPOPMAX", k.a("z"), 2))),
        w("bzpopmin", k -> List.of(cmd("ZADD", k.a("z"), 1, "a", 2, "b"), cmd("BZPOPMIN", k.a("empty"), k.a("z"), 1),
            servedLater(new Object[] {"BZPOPMIN", k.b("wait"), 5}, "ZADD", k.b("wait"), 1, "x", 2, "y"))),
        w("bzpopmax", k -> List.of(cmd("ZADD", k.a("z"), 1, "a", 2, "b"), cmd("BZPOPMAX", k.a("z"), 1),
            servedLater(new Object[] {"BZPOPMAX", k.b("wait"), 5}, "ZADD", k.b("wait"), 1, "x", 2, "y"))),
        w("zmpop", k -> List.of(cmd("ZADD", k.a("z"), 1, "a", 2, "b", 3, "c"), cmd("ZMPOP", 2, k.a("empty"), k.a("z"), "MIN", "COUNT", 2))),
        w("bzmpop", k -> List.of(cmd("ZADD", k.a("z"), 1, "a", 2, "b", 3, "c"), cmd("BZMPOP", 1, 1, k.a("z"), "MAX"),
            servedLater(new Object[] {"BZMPOP", 5, 1, k.b("wait"), "MIN"}, "ZADD", k.b("wait"), 1, "x"))),
        w("zunionstore", k -> zsetStore("ZUNIONSTORE", k)),
        w("zinterstore", k -> zsetStore("ZINTERSTORE", k)),
        w("zdiffstore", k -> zsetStore("ZDIFFSTORE", k)),
        w("zrangestore", k -> List.of(cmd("ZADD", k.a("z"), 1, "a", 2, "b", 3, "c"), cmd("ZRANGESTORE", k.a("same"), k.a("z"), 0, 1),
            cmd("ZRANGESTORE", k.b("cross"), k.a("z"), 1, 3, "BYSCORE"))),
        // ---- hashes
        w("hset", k -> List.of(cmd("HSET", k.a("h"), "f", "v"), when(k.atLeast(4, 0), cmd("HSET", k.a("h"), "g", "w", "h", "x")))),
        w("hmset", k -> List.of(cmd("HMSET", k.a("h"), "f", "v", "g", "w"))),
        w("hsetnx", k -> List.of(cmd("HSETNX", k.a("h"), "f", "v"), cmd("HSETNX", k.a("h"), "f", "ignored"))),
        w("hdel", k -> List.of(cmd("HMSET", k.a("h"), "f", "v", "g", "w"), cmd("HDEL", k.a("h"), "f", "missing"))),
        w("hincrby", k -> List.of(cmd("HINCRBY", k.a("h"), "n", 5), cmd("HINCRBY", k.a("h"), "n", -2))),
        w("hincrbyfloat", k -> List.of(cmd("HINCRBYFLOAT", k.a("h"), "f", "10.5"), cmd("HINCRBYFLOAT", k.a("h"), "f", "0.1"))),
        // ---- geo
        w("geoadd", k -> List.of(cmd("GEOADD", k.a("g"), 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"))),
        w("georadius", k -> List.of(geo(k.a("g")), cmd("GEORADIUS", k.a("g"), 15, 37, 200, "km", "STORE", k.a("same")),
            cmd("GEORADIUS", k.a("g"), 15, 37, 200, "km", "STOREDIST", k.b("cross")))),
        w("georadiusbymember", k -> List.of(geo(k.a("g")),
            cmd("GEORADIUSBYMEMBER", k.a("g"), "Palermo", 200, "km", "STORE", k.a("same")),
            cmd("GEORADIUSBYMEMBER", k.a("g"), "Palermo", 200, "km", "STOREDIST", k.c("cross")))),
        w("geosearchstore", k -> List.of(geo(k.a("g")),
            cmd("GEOSEARCHSTORE", k.a("same"), k.a("g"), "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km"),
            cmd("GEOSEARCHSTORE", k.b("cross"), k.a("g"), "FROMMEMBER", "Palermo", "BYBOX", 400, 400, "km", "STOREDIST"))),
        // ---- streams
        w("xadd", k -> List.of(cmd("XADD", k.a("x"), "1-1", "f", "v"), cmd("XADD", k.a("x"), "*", "f", "w"),
            cmd("XADD", k.a("x"), "MAXLEN", "~", 100, "*", "g", "v"),
            when(k.atLeast(6, 2), cmd("XADD", k.b("missing"), "NOMKSTREAM", "*", "f", "v")))),
        w("xtrim", k -> List.of(stream(k.a("x")), cmd("XTRIM", k.a("x"), "MAXLEN", 2),
            when(k.atLeast(6, 2), cmd("XTRIM", k.a("x"), "MINID", "3-1")))),
        w("xdel", k -> List.of(stream(k.a("x")), cmd("XDEL", k.a("x"), "2-1", "4-1"))),
        w("xsetid", k -> List.of(stream(k.a("x")), cmd("XSETID", k.a("x"), "10-1"),
            when(k.atLeast(7, 0), cmd("XSETID", k.a("x"), "20-1", "ENTRIESADDED", 50, "MAXDELETEDID", "15-1")))),
        w("xgroup", k -> xgroupEverySubcommand(k)),
        w("xgroup|create", k -> List.of(stream(k.a("x")), cmd("XGROUP", "CREATE", k.a("x"), "g1", "$"),
            cmd("XGROUP", "CREATE", k.b("new"), "g2", "0", "MKSTREAM"),
            cmd("XGROUP", "CREATE", k.a("x"), "g3", "0", "ENTRIESREAD", 1))),
        w("xgroup|setid", k -> List.of(stream(k.a("x")), cmd("XGROUP", "CREATE", k.a("x"), "g", "0"),
            cmd("XGROUP", "SETID", k.a("x"), "g", "2-1"), cmd("XGROUP", "SETID", k.a("x"), "g", "3-1", "ENTRIESREAD", 3))),
        w("xgroup|createconsumer", k -> List.of(stream(k.a("x")), cmd("XGROUP", "CREATE", k.a("x"), "g", "0"),
            cmd("XGROUP", "CREATECONSUMER", k.a("x"), "g", "alice"))),
        w("xgroup|delconsumer", k -> List.of(stream(k.a("x")), cmd("XGROUP", "CREATE", k.a("x"), "g", "0"),
            cmd("XREADGROUP", "GROUP", "g", "alice", "COUNT", 1, "STREAMS", k.a("x"), ">"),
            cmd("XREADGROUP", "GROUP", "g", "bob", "COUNT", 1, "STREAMS", k.a("x"), ">"),
            cmd("XGROUP", "DELCONSUMER", k.a("x"), "g", "alice"))),
        w("xgroup|destroy", k -> List.of(stream(k.a("x")), cmd("XGROUP", "CREATE", k.a("x"), "g", "0"),
            cmd("XGROUP", "CREATE", k.a("x"), "kept", "0"), cmd("XGROUP", "DESTROY", k.a("x"), "g"))),
        w("xreadgroup", k -> xreadgroup(k)),
        w("xack", k -> List.of(stream(k.a("x")), cmd("XGROUP", "CREATE", k.a("x"), "g", "0"),
            cmd("XREADGROUP", "GROUP", "g", "alice", "COUNT", 3, "STREAMS", k.a("x"), ">"), cmd("XACK", k.a("x"), "g", "1-1", "3-1"))),
        w("xclaim", k -> List.of(stream(k.a("x")), cmd("XGROUP", "CREATE", k.a("x"), "g", "0"),
            cmd("XREADGROUP", "GROUP", "g", "alice", "COUNT", 3, "STREAMS", k.a("x"), ">"),
            cmd("XCLAIM", k.a("x"), "g", "bob", 0, "1-1"), cmd("XCLAIM", k.a("x"), "g", "bob", 0, "2-1", "RETRYCOUNT", 7),
            cmd("XCLAIM", k.a("x"), "g", "carol", 0, "4-1", "FORCE", "JUSTID"))),
        w("xautoclaim", k -> List.of(stream(k.a("x")), cmd("XGROUP", "CREATE", k.a("x"), "g", "0"),
            cmd("XREADGROUP", "GROUP", "g", "alice", "COUNT", 3, "STREAMS", k.a("x"), ">"),
            cmd("XAUTOCLAIM", k.a("x"), "g", "bob", 0, "0-0", "COUNT", 2))));

    private static Step geo(String key) {
        return cmd("GEOADD", key, 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania");
    }

    /** A stream of entries 1-1 to 4-1. */
    private static Step stream(String key) {
        return (c, k) -> {
            for (int i = 1; i <= 4; i++) {
                c.call("XADD", key, i + "-1", "n", i);
            }
        };
    }

    private static List<Step> setStore(String command, Keys k) {
        return List.of(cmd("SADD", k.a("x"), "a", "b", "c"), cmd("SADD", k.a("y"), "b", "c", "d"), cmd("SADD", k.b("z"), "c", "e"),
            cmd(command, k.a("same"), k.a("x"), k.a("y")),
            cmd(command, k.c("cross"), k.a("x"), k.b("z")),
            cmd(command, k.a("x"), k.a("x"), k.a("y")));
    }

    private static List<Step> zsetStore(String command, Keys k) {
        return List.of(cmd("ZADD", k.a("x"), 1, "a", 2, "b", 3, "c"), cmd("ZADD", k.a("y"), 10, "b", 20, "d"),
            cmd("ZADD", k.b("z"), 5, "c"),
            cmd(command, k.a("same"), 2, k.a("x"), k.a("y")),
            cmd(command, k.c("cross"), 2, k.a("x"), k.b("z")));
    }

    /** For masters before 7.0, whose table has XGROUP as one write command. */
    private static List<Step> xgroupEverySubcommand(Keys k) {
        return List.of(stream(k.a("x")), cmd("XGROUP", "CREATE", k.a("x"), "g", "0"), cmd("XGROUP", "CREATE", k.a("x"), "doomed", "$"),
            cmd("XGROUP", "CREATE", k.b("new"), "g", "$", "MKSTREAM"),
            cmd("XGROUP", "SETID", k.a("x"), "g", "1-1"),
            cmd("XREADGROUP", "GROUP", "g", "alice", "COUNT", 1, "STREAMS", k.a("x"), ">"),
            cmd("XREADGROUP", "GROUP", "g", "bob", "COUNT", 1, "STREAMS", k.a("x"), ">"),
            cmd("XGROUP", "DELCONSUMER", k.a("x"), "g", "bob"),
            when(k.atLeast(6, 2), cmd("XGROUP", "CREATECONSUMER", k.a("x"), "g", "carol")),
            cmd("XGROUP", "DESTROY", k.a("x"), "doomed"));
    }

    /**
     * XREADGROUP makes the master propagate XCLAIM per delivered entry and XGROUP SETID (7.0 also
     * XGROUP CREATECONSUMER), none of which a client sent. Before 7.0 a consumer that receives
     * nothing is not propagated at all (Redis' own gap), so each read here delivers something.
     */
    private static List<Step> xreadgroup(Keys k) {
        return List.of(stream(k.a("x")), stream(k.b("y")), cmd("XGROUP", "CREATE", k.a("x"), "g", "0"),
            cmd("XGROUP", "CREATE", k.b("y"), "g", "0"),
            cmd("XREADGROUP", "GROUP", "g", "alice", "COUNT", 2, "STREAMS", k.a("x"), ">"),
            cmd("XREADGROUP", "GROUP", "g", "bob", "COUNT", 1, "STREAMS", k.a("x"), k.b("y"), ">", ">"),
            cmd("XREADGROUP", "GROUP", "g", "alice", "STREAMS", k.a("x"), "0"),
            when(k.atLeast(7, 0), cmd("XREADGROUP", "GROUP", "g", "carol", "NOACK", "STREAMS", k.a("x"), ">")));
    }
}
