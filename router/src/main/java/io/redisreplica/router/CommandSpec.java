package io.redisreplica.router;

/**
 * Where a command's keys are and how it routes: Redis's own (firstkey, lastkey, step) triple
 * ({@code COMMAND INFO}), plus the routing kind.
 */
public record CommandSpec(String name, Kind kind, int firstKey, int lastKey, int step, int numKeysAt) {
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
        /** The key count is an argument: EVAL/EVALSHA/FCALL (numkeys at 2, keys from 3), ZUNIONSTORE... */
        NUMKEYS,
        /** The master's COMMAND says it has no keys, and it is none of the above: not forwarded, logged. */
        KEYLESS
    }

    static CommandSpec keys(String name, int first, int last, int step) {
        return new CommandSpec(name, Kind.KEYS, first, last, step, 0);
    }

    static CommandSpec of(String name, Kind kind) {
        return new CommandSpec(name, kind, 0, 0, 0, 0);
    }
}
