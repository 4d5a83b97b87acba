package io.redisreplica.router.routing;

/**
 * Where a command's keys are and how it routes: Redis's own (firstkey, lastkey, step) triple
 * ({@code COMMAND INFO}), a numkeys argument, or a keyword search as Redis 7's key specs describe
 * it ({@code begin_search keyword}), plus the routing kind.
 *
 * @param searchFrom for {@link Search#STORE_KEYWORD}, the first argument where {@code STORE} may
 *     stand (Redis 7's {@code startfrom}); unused otherwise
 * @param keySpecs for {@link Search#KEY_SPECS}, the master's key specs; empty otherwise
 * @param subcommands a container command's subcommands by upper-case name (Redis 7's
 *     {@code XGROUP|CREATE} learned as {@code CREATE} under {@code XGROUP}), or null
 */
public record CommandSpec(String name, Kind kind, int firstKey, int lastKey, int step, int numKeysAt, Search search,
                          int searchFrom, java.util.List<KeySpec> keySpecs, java.util.Map<String, CommandSpec> subcommands) {
    /** How a command is routed. */
    public enum Kind {
        /** Keys at (first, last, step); all keys must share a shard, else the cross-shard policy applies. */
        KEYS,
        /** Keys at (first, last, step) that can be split into one command per shard: DEL, UNLINK, EXISTS, TOUCH, MSET. */
        SPLITTABLE,
        /** Affects every shard: FLUSHALL, FLUSHDB, SWAPDB, FUNCTION, SCRIPT, PUBLISH. */
        ALL_SHARDS,
        /** Master-to-replica chatter the router answers itself or drops: PING, REPLCONF. */
        LINK,
        SELECT,
        MULTI,
        EXEC,
        /** The key count is an argument: EVAL/EVALSHA/FCALL (numkeys at 2, keys from 3), ZUNIONSTORE, LMPOP... */
        NUMKEYS,
        /** The master's COMMAND says it has no keys, and it is none of the above: not forwarded, logged. */
        KEYLESS
    }

    /** Keys beyond the (first, last, step) range or numkeys, found by reading the arguments. */
    public enum Search {
        /** None: the range or numkeys says it all. */
        NONE,
        /** The key after a {@code STORE} or {@code STOREDIST} keyword (GEORADIUS, GEORADIUSBYMEMBER), from {@code searchFrom}. */
        STORE_KEYWORD,
        /** SORT's grammar: BY/GET take a pattern, LIMIT two numbers, STORE a key. */
        SORT,
        /** Keys after the {@code STREAMS} keyword, half of what follows it (XREAD, XREADGROUP). */
        STREAMS,
        /**
         * The master's own key specs (Redis 7 {@code COMMAND}), for commands the built-in table
         * does not know: modules and newer Redis versions.
         */
        KEY_SPECS
    }

    public CommandSpec(String name, Kind kind, int firstKey, int lastKey, int step, int numKeysAt, Search search, int searchFrom) {
        this(name, kind, firstKey, lastKey, step, numKeysAt, search, searchFrom, java.util.List.of(), null);
    }

    /** Whether the master says its key specs may miss keys: only its {@code COMMAND GETKEYS} finds them all. */
    public boolean incompleteKeySpecs() {
        for (KeySpec k : keySpecs) {
            if (k.incomplete()) {
                return true;
            }
        }
        return false;
    }

    /** A command routed by the master's key specs. */
    static CommandSpec keySpecs(String name, java.util.List<KeySpec> specs) {
        return new CommandSpec(name, Kind.KEYS, 0, 0, 1, 0, Search.KEY_SPECS, 0, java.util.List.copyOf(specs), null);
    }

    /** This spec with the subcommands of a container command. */
    CommandSpec withSubcommands(java.util.Map<String, CommandSpec> subs) {
        return new CommandSpec(name, kind, firstKey, lastKey, step, numKeysAt, search, searchFrom, keySpecs, java.util.Map.copyOf(subs));
    }

    public CommandSpec(String name, Kind kind, int firstKey, int lastKey, int step, int numKeysAt) {
        this(name, kind, firstKey, lastKey, step, numKeysAt, Search.NONE, 0);
    }

    static CommandSpec keys(String name, int first, int last, int step) {
        return new CommandSpec(name, Kind.KEYS, first, last, step, 0);
    }

    static CommandSpec of(String name, Kind kind) {
        return new CommandSpec(name, kind, 0, 0, 0, 0);
    }

    /** A command with keys given by a count at {@code numKeysAt} (and a fixed key at {@code firstKey} when above 0). */
    static CommandSpec numKeys(String name, int firstKey, int numKeysAt) {
        return new CommandSpec(name, Kind.NUMKEYS, firstKey, firstKey, 1, numKeysAt);
    }

    static CommandSpec search(String name, int first, int last, Search search, int searchFrom) {
        return new CommandSpec(name, Kind.KEYS, first, last, 1, 0, search, searchFrom);
    }
}
