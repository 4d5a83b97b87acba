package io.redisreplica.router.routing;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.redisreplica.resp.Command;

/**
 * Key positions of every write command a master propagates (Redis 2.6 to 7.x), looked up by
 * name without allocating: a reused flyweight over the command's bytes hashes and compares like
 * the upper-case String key it stands for.
 */
public final class CommandTable {
    private final Map<Object, CommandSpec> specs = new HashMap<>();
    /** The Redis type each type-specific write acts on (string, list, set, zset, hash, stream); absent for DEL, EXPIRE and the like. */
    private final Map<Object, String> dataTypes = new HashMap<>();
    private final NameView view = new NameView();

    public CommandTable() {
        this(true);
    }

    /** A table with the built-in entries, or, for tests that check the master's key specs against them, without. */
    public CommandTable(boolean builtIn) {
        if (!builtIn) {
            return;
        }
        // keyless, every shard
        for (String n : new String[] {"FLUSHALL", "FLUSHDB", "SWAPDB", "FUNCTION", "SCRIPT", "PUBLISH", "SPUBLISH"}) {
            put(CommandSpec.of(n, CommandSpec.Kind.ALL_SHARDS));
        }
        put(CommandSpec.of("PING", CommandSpec.Kind.LINK));
        put(CommandSpec.of("REPLCONF", CommandSpec.Kind.LINK));
        put(CommandSpec.of("SELECT", CommandSpec.Kind.SELECT));
        put(CommandSpec.of("MULTI", CommandSpec.Kind.MULTI));
        put(CommandSpec.of("EXEC", CommandSpec.Kind.EXEC));
        // splittable multi-key
        for (String n : new String[] {"DEL", "UNLINK", "EXISTS", "TOUCH"}) {
            put(new CommandSpec(n, CommandSpec.Kind.SPLITTABLE, 1, -1, 1, 0));
        }
        put(new CommandSpec("MSET", CommandSpec.Kind.SPLITTABLE, 1, -1, 2, 0));
        put(CommandSpec.keys("MSETNX", 1, -1, 2)); // all or nothing on the master: across shards, translated
        // keys given by a count
        for (String n : new String[] {"EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"}) {
            put(CommandSpec.numKeys(n, 0, 2));
        }
        for (String n : new String[] {"ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"}) {
            put(CommandSpec.numKeys(n, 1, 2)); // destination, then numkeys at 2
        }
        for (String n : new String[] {"LMPOP", "ZMPOP", "SINTERCARD", "ZINTERCARD", "ZUNION", "ZINTER", "ZDIFF"}) {
            put(CommandSpec.numKeys(n, 0, 1));
        }
        for (String n : new String[] {"BLMPOP", "BZMPOP"}) {
            put(CommandSpec.numKeys(n, 0, 2)); // timeout first
        }
        // two or more keys that must share a shard, or be translated
        for (String n : new String[] {"RENAME", "RENAMENX", "SMOVE", "RPOPLPUSH", "LMOVE", "BRPOPLPUSH", "BLMOVE", "COPY",
            "GEOSEARCHSTORE", "ZRANGESTORE", "LCS"}) {
            put(CommandSpec.keys(n, 1, 2, 1));
        }
        for (String n : new String[] {"SUNIONSTORE", "SINTERSTORE", "SDIFFSTORE", "PFMERGE", "PFCOUNT", "SUNION", "SINTER",
            "SDIFF", "MGET", "WATCH"}) {
            put(CommandSpec.keys(n, 1, -1, 1));
        }
        put(CommandSpec.keys("BITOP", 2, -1, 1));
        for (String n : new String[] {"BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX"}) {
            put(CommandSpec.keys(n, 1, -2, 1)); // the timeout is last
        }
        // keys found by a keyword
        put(CommandSpec.search("SORT", 1, 1, CommandSpec.Search.SORT, 2));
        put(CommandSpec.search("GEORADIUS", 1, 1, CommandSpec.Search.STORE_KEYWORD, 6));
        put(CommandSpec.search("GEORADIUSBYMEMBER", 1, 1, CommandSpec.Search.STORE_KEYWORD, 5));
        put(CommandSpec.search("XREAD", 0, 0, CommandSpec.Search.STREAMS, 1));
        put(CommandSpec.search("XREADGROUP", 0, 0, CommandSpec.Search.STREAMS, 4));
        // subcommand, then the key (2.8 and 6.0 say PFDEBUG has none)
        for (String n : new String[] {"XGROUP", "XINFO", "OBJECT", "MEMORY", "PFDEBUG"}) {
            put(CommandSpec.keys(n, 2, 2, 1));
        }
        // single-key writes (and anything else with its key first)
        for (String n : new String[] {"SET", "SETNX", "SETEX", "PSETEX", "APPEND", "INCR", "DECR", "INCRBY", "DECRBY",
            "INCRBYFLOAT", "GETSET", "GETDEL", "GETEX", "SETRANGE", "SETBIT", "BITFIELD", "EXPIRE", "PEXPIRE", "EXPIREAT",
            "PEXPIREAT", "PERSIST", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LSET", "LINSERT", "LREM", "LTRIM",
            "SADD", "SREM", "SPOP", "ZADD", "ZINCRBY", "ZREM", "ZREMRANGEBYSCORE", "ZREMRANGEBYRANK",
            "ZREMRANGEBYLEX", "ZPOPMIN", "ZPOPMAX", "HSET", "HSETNX", "HMSET", "HDEL", "HINCRBY", "HINCRBYFLOAT", "HEXPIRE",
            "HPEXPIRE", "HEXPIREAT", "HPEXPIREAT", "HPERSIST", "HGETDEL", "HGETEX", "HSETEX", "PFADD", "GEOADD",
            "XADD", "XDEL", "XTRIM", "XACK", "XCLAIM", "XAUTOCLAIM", "XSETID", "RESTORE", "RESTORE-ASKING", "MOVE", "GET",
            "DUMP", "TYPE", "PTTL", "TTL"}) {
            put(CommandSpec.keys(n, 1, 1, 1));
        }
    }

    private void types(String type, String... names) {
        for (String n : names) {
            dataTypes.put(n, type);
        }
    }

    {
        types("string", "SET", "SETNX", "SETEX", "PSETEX", "APPEND", "INCR", "DECR", "INCRBY", "DECRBY", "INCRBYFLOAT", "GETSET",
            "GETDEL", "GETEX", "SETRANGE", "SETBIT", "BITFIELD", "BITOP", "MSET", "MSETNX", "PFADD", "PFMERGE", "LCS");
        types("list", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LSET", "LINSERT", "LREM", "LTRIM", "BLPOP", "BRPOP",
            "RPOPLPUSH", "LMOVE", "BRPOPLPUSH", "BLMOVE", "LMPOP", "BLMPOP");
        types("set", "SADD", "SREM", "SPOP", "SMOVE", "SUNIONSTORE", "SINTERSTORE", "SDIFFSTORE");
        types("zset", "ZADD", "ZINCRBY", "ZREM", "ZREMRANGEBYSCORE", "ZREMRANGEBYRANK", "ZREMRANGEBYLEX", "ZPOPMIN", "ZPOPMAX",
            "BZPOPMIN", "BZPOPMAX", "ZMPOP", "BZMPOP", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZRANGESTORE", "GEOADD",
            "GEOSEARCHSTORE", "GEORADIUS", "GEORADIUSBYMEMBER");
        types("hash", "HSET", "HSETNX", "HMSET", "HDEL", "HINCRBY", "HINCRBYFLOAT", "HEXPIRE", "HPEXPIRE", "HEXPIREAT",
            "HPEXPIREAT", "HPERSIST", "HGETDEL", "HGETEX", "HSETEX");
        types("stream", "XADD", "XDEL", "XTRIM", "XGROUP", "XACK", "XCLAIM", "XAUTOCLAIM", "XSETID");
    }

    /** The Redis type a command writes (string, list, set, zset, hash, stream), or null when it acts on any type. */
    public String dataType(Command command) {
        return dataTypes.get(view.wrap(command, 0));
    }

    /**
     * Learns a command from the master's {@code COMMAND} reply, unless the built-in table already
     * knows it (its routing kinds are authoritative: COMMAND cannot say "split DEL per shard").
     *
     * @return true when the command was new
     */
    public boolean learn(String name, int firstKey, int lastKey, int step) {
        final String upper = name.toUpperCase(java.util.Locale.ROOT);
        if (specs.containsKey(upper)) {
            return false;
        }
        put(firstKey > 0 ? CommandSpec.keys(upper, firstKey, lastKey, Math.max(1, step)) : CommandSpec.of(upper, CommandSpec.Kind.KEYLESS));
        return true;
    }

    /**
     * Learns a command from a Redis 7 master's {@code COMMAND} reply with its key specs (and its
     * subcommands' specs, for a container such as a module's {@code FOO.CONFIG SET}), unless the
     * built-in table already knows it. A command whose reply has no key specs and no keys is keyless.
     *
     * @param subcommands each subcommand's key specs, by upper-case subcommand name; empty when none
     * @return true when the command was new
     */
    public boolean learn(String name, java.util.List<KeySpec> keySpecs, Map<String, java.util.List<KeySpec>> subcommands) {
        final String upper = name.toUpperCase(java.util.Locale.ROOT);
        if (specs.containsKey(upper)) {
            return false;
        }
        CommandSpec spec = keySpecs.isEmpty() ? CommandSpec.of(upper, CommandSpec.Kind.KEYLESS) : CommandSpec.keySpecs(upper, keySpecs);
        if (!subcommands.isEmpty()) {
            final Map<String, CommandSpec> subs = new HashMap<>();
            subcommands.forEach((sub, list) -> subs.put(sub.toUpperCase(java.util.Locale.ROOT),
                list.isEmpty() ? CommandSpec.of(upper + "|" + sub, CommandSpec.Kind.KEYLESS) : CommandSpec.keySpecs(upper + "|" + sub, list)));
            spec = spec.withSubcommands(subs);
        }
        put(spec);
        return true;
    }

    private void put(CommandSpec spec) {
        specs.put(spec.name(), spec);
    }

    /** The spec of a command, or null when the table does not know it. */
    public CommandSpec lookup(Command command) {
        final CommandSpec spec = specs.get(view.wrap(command, 0));
        if (spec == null || spec.subcommands() == null || command.argCount() < 2) {
            return spec;
        }
        final CommandSpec sub = spec.subcommands().get(view.wrap(command, 1));
        return sub == null ? spec : sub;
    }

    /** Looks up by name (allocates: for tests and configuration). */
    public CommandSpec lookup(String name) {
        return specs.get(name.toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * A command's name seen as the upper-case String it would be: same hashCode, equal to it.
     * HashMap.get calls lookupKey.equals(storedKey), so the String keys are never built.
     */
    private static final class NameView {
        private byte[] upper = new byte[32];
        private int length;
        private int hash;

        NameView wrap(Command c, int arg) {
            length = c.argLength(arg);
            if (upper.length < length) {
                upper = new byte[length];
            }
            int h = 0;
            for (int i = 0; i < length; i++) {
                byte b = c.buffer().getByte(c.argOffset(arg) + i);
                if (b >= 'a' && b <= 'z') {
                    b -= 'a' - 'A';
                }
                upper[i] = b;
                h = 31 * h + (b & 0xff);
            }
            hash = h;
            return this;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof String s) || s.length() != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (s.charAt(i) != (upper[i] & 0xff)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return new String(upper, 0, length, StandardCharsets.ISO_8859_1);
        }
    }
}
