package io.redisreplica.router.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.redisreplica.resp.Command;
import io.redisreplica.resp.RespWriter;

/**
 * Gives each shard its part of a command whose keys span shards ({@link CrossShardPolicy#TRANSLATE}):
 * the source side its own effect (DEL of a renamed key, the pop of a moved element, SREM), and
 * each destination the value the master holds ({@link KeyRestorer}: read on a side connection at
 * a known replication offset, restored on the shard). Keeps the skip windows: a command on a key
 * whose value a read already holds is skipped, loses that key, or is translated again.
 *
 * <p>Only the cross-shard path allocates (the read's arrays); a single-shard command only asks
 * {@link #held} when a read is open.
 */
final class Translator {
    private static final byte[] MOVE = bytes("MOVE");
    private static final byte[] COPY = bytes("COPY");
    private static final byte[] DB = bytes("DB");
    private static final byte[] SORT = bytes("SORT");
    private static final byte[] BY = bytes("BY");
    private static final byte[] GET = bytes("GET");
    private static final byte[] LIMIT = bytes("LIMIT");
    private static final byte[] HASH_SIGN = bytes("#");
    private static final byte[] MSETNX = bytes("MSETNX");
    private static final byte[] MSET = bytes("MSET");
    private static final byte[] LEFT = bytes("LEFT");
    private static final byte[] SELECT_LOWER = bytes("select");
    private static final byte[] EVAL = bytes("EVAL");
    private static final byte[] EVALSHA = bytes("EVALSHA");

    private final CommandRouter router;
    private final ShardCommands shardCommands;
    private final CommandKeys keys;
    private final KeyRestorer restorer;
    private final ReadKeys readKeys;
    private final GeneratedCommands generated;
    private final RouteCounters counters;

    Translator(CommandRouter router, ShardCommands shardCommands, CommandKeys keys, KeyRestorer restorer, GeneratedCommands generated,
               RouteCounters counters) {
        this.router = router;
        this.shardCommands = shardCommands;
        this.keys = keys;
        this.restorer = restorer;
        this.readKeys = restorer.readKeys();
        this.generated = generated;
        this.counters = counters;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether key {@code i} of {@code c} (argument {@code arg}) is held by a read whose offset lies past the command. */
    boolean held(Command c, int i, int arg) {
        return !generated.generating() && !readKeys.isEmpty()
            && (readKeys.contains(keyDb(c, i), c.buffer(), c.argOffset(arg), c.argLength(arg), router.upstreamEnd())
            || movesOntoARead(c, i, arg));
    }

    /**
     * The keys of a command whose key specs the master marks incomplete (a module's own key
     * callback): only the master can say where they are, so it is asked ({@code COMMAND GETKEYS}).
     * Without a side connection (a policy other than translate) the command cannot be routed exactly.
     */
    int masterKeys(Command c, CommandSpec spec) {
        if (!restorer.canRead()) {
            throw new RouterException("command " + c.argString(0) + " (" + spec.keySpecs() + "): the master says its key specs are "
                + "incomplete, so only the master can say where its keys are, and the router asks it only with --cross-shard "
                + "translate (the default)");
        }
        try {
            restorer.reader().keys(c, keys.args);
            return keys.args.count();
        } catch (IOException e) {
            throw new UncheckedIOException("asking the master for the keys of " + c.argString(0) + ": " + e.getMessage(), e);
        }
    }

    /**
     * A command on keys whose value a shard already got from a read of the master that contains
     * this command: a single-key one is skipped, a split one loses those keys, and any other is
     * translated again from a new read (its other keys may have changed too).
     */
    CommandRouter.Outcome alreadyRead(Command c, CommandSpec spec, int n, int skipped) {
        if (c.nameIs(MOVE)) {
            return translate(c, spec, n, Translation.MOVE); // the key lands in another db, which the read did not see
        }
        if (skipped == n && n == 1) {
            counters.readSkipped++;
            return CommandRouter.Outcome.DROPPED;
        }
        if (spec.kind() == CommandSpec.Kind.SPLITTABLE || c.nameIs(MSETNX)) {
            for (int i = 0; i < n; i++) {
                final int arg = keys.args.arg(i);
                if (readKeys.contains(router.db(), c.buffer(), c.argOffset(arg), c.argLength(arg), router.upstreamEnd())) {
                    keys.shard(i, Integer.MIN_VALUE); // already in the shard's read value
                    counters.readSkipped++;
                }
            }
            shardCommands.split(c, spec, n, c.nameIs(MSETNX) ? MSET : null, router.db());
            return CommandRouter.Outcome.ROUTED;
        }
        return translate(c, spec, n, Translation.of(c)); // its source effect only where the read does not hold it
    }

    /** MOVE key db where the key in the target db is held by a read: the move is translated (both dbs read). */
    private boolean movesOntoARead(Command c, int i, int arg) {
        if (i != 0 || !c.nameIs(MOVE) || c.argCount() != 3) {
            return false;
        }
        try {
            return readKeys.contains((int) c.argLong(2), c.buffer(), c.argOffset(arg), c.argLength(arg), router.upstreamEnd());
        } catch (NumberFormatException e) {
            return false; // the master refuses such a MOVE and propagates nothing
        }
    }

    /** The db of key {@code i}: COPY's destination may be in another. */
    private int keyDb(Command c, int i) {
        return i == 1 && c.nameIs(COPY) ? copyDb(c) : router.db();
    }

    /** COPY src dst [DB n] [REPLACE]: the destination's db. */
    private int copyDb(Command c) {
        for (int a = 3; a + 1 < c.argCount(); a++) {
            if (c.argEqualsIgnoreCase(a, DB)) {
                return (int) c.argLong(a + 1);
            }
        }
        return router.db();
    }

    /**
     * Whether a command reads keys that its key positions do not name: SORT ... STORE with a BY
     * or GET pattern reads keys the pattern makes, which may live on other shards.
     */
    static boolean readsOtherKeys(Command c, CommandSpec spec, int n) {
        if (spec.search() != CommandSpec.Search.SORT || n < 2 || !c.nameIs(SORT)) {
            return false;
        }
        for (int a = 2; a + 1 < c.argCount(); a++) {
            if (c.argEqualsIgnoreCase(a, LIMIT)) {
                a += 2;
            } else if (c.argEqualsIgnoreCase(a, BY)) {
                a++;
                if (indexOf(c, a, (byte) '*') >= 0) {
                    return true; // BY without '*' does not sort, and reads nothing
                }
            } else if (c.argEqualsIgnoreCase(a, GET)) {
                a++;
                if (!c.argEqualsIgnoreCase(a, HASH_SIGN)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int indexOf(Command c, int arg, byte b) {
        for (int i = 0; i < c.argLength(arg); i++) {
            if (c.buffer().getByte(c.argOffset(arg) + i) == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Gives each shard its part of a cross-shard command: the source side its own effect, each
     * destination the master's value read on the side connection, with the destination's commands
     * already in that read skipped from here on.
     */
    CommandRouter.Outcome translate(Command c, CommandSpec spec, int n, Translation how) {
        counters.translated++;
        final long upstreamEnd = router.upstreamEnd();
        // which keys to read, in which db: a script replicated as such (2.8-4.0 masters) that may
        // SELECT writes its keys in any db, so each of its keys is read in every db
        final int dbCount = how == Translation.ALL_KEYS && mayWriteOtherDbs(c) ? Math.max(1, restorer.reader().databases()) : 1;
        int reads = 0;
        final int[] readDbs = new int[n * dbCount + 1];
        final byte[][] readKeysBytes = new byte[n * dbCount + 1][];
        final int[] readShards = new int[n * dbCount + 1];
        for (int i = 0; i < n; i++) {
            if (how.reads(i, n) && keys.shard(i) >= 0) {
                for (int d = 0; d < dbCount; d++) {
                    readDbs[reads] = dbCount == 1 ? keyDb(c, i) : d;
                    readShards[reads] = keys.shard(i);
                    readKeysBytes[reads++] = c.argBytes(keys.args.arg(i));
                }
            }
        }
        if (how == Translation.MOVE && keys.shard(0) >= 0 && c.argCount() > 2) { // the key in both dbs
            readDbs[reads] = (int) c.argLong(2);
            readShards[reads] = keys.shard(0);
            readKeysBytes[reads++] = c.argBytes(keys.args.arg(0));
        }
        // the source's own effect, in the stream's order, unless a read of the master already holds it
        if (how.sourceEffect() && keys.shard(0) >= 0 && !generated.generating()
            && !readKeys.contains(router.db(), c.buffer(), c.argOffset(keys.args.arg(0)), c.argLength(keys.args.arg(0)), upstreamEnd)) {
            sourceEffect(c, how);
        }
        // SMOVE names what it moves: the destination gets SADD of the member, no read needed
        // (the master propagates SMOVE only when the member moved). The source effect routed
        // above rewrote key 0's position and shard; key 1's are as SMOVE left them.
        if (how == Translation.SMOVE && n == 2 && keys.shard(1) >= 0 && c.argCount() == 4 && !generated.generating()
            && !readKeys.contains(router.db(), c.buffer(), c.argOffset(keys.args.arg(1)), c.argLength(keys.args.arg(1)), upstreamEnd)) {
            generated.route(generated.start().arrayHeader(3).bulk("SADD").bulk(c.buffer(), c.argOffset(2), c.argLength(2))
                .bulk(c.buffer(), c.argOffset(3), c.argLength(3)).position());
        }
        if (reads == 0) {
            return CommandRouter.Outcome.ROUTED;
        }
        final int[] dbs = Arrays.copyOf(readDbs, reads);
        final byte[][] names = Arrays.copyOf(readKeysBytes, reads);
        restorer.readAndRestore(dbs, names, Arrays.copyOf(readShards, reads),
            () -> names.length + " key(s) of cross-shard command " + c.argDisplay(0, 32));
        return CommandRouter.Outcome.ROUTED;
    }

    /**
     * Whether a script the master replicated as such may write in other dbs than the current:
     * EVAL whose body mentions SELECT, and EVALSHA (its body is not in the stream).
     */
    private static boolean mayWriteOtherDbs(Command c) {
        if (c.nameIs(EVALSHA)) {
            return true;
        }
        if (!c.nameIs(EVAL) || c.argCount() < 2) {
            return false;
        }
        final int at = c.argOffset(1);
        for (int i = 1; i + 7 <= c.argLength(1); i++) { // 'select' or "select", as redis.call names it: not a word inside another
            final byte before = c.buffer().getByte(at + i - 1);
            final byte after = c.buffer().getByte(at + i + 6);
            if ((before != '\'' && before != '"') || after != before) {
                continue;
            }
            boolean match = true;
            for (int j = 0; j < 6 && match; j++) {
                match = (c.buffer().getByte(at + i + j) | 0x20) == SELECT_LOWER[j];
            }
            if (match) {
                return true;
            }
        }
        return false;
    }

    private void sourceEffect(Command c, Translation how) {
        final RespWriter writer = generated.start();
        switch (how) {
            case RENAME -> writer.arrayHeader(2).bulk("DEL");
            case RPOP -> writer.arrayHeader(2).bulk("RPOP");
            case LMOVE -> writer.arrayHeader(2).bulk(c.argEqualsIgnoreCase(3, LEFT) ? "LPOP" : "RPOP");
            case SMOVE -> writer.arrayHeader(3).bulk("SREM");
            default -> throw new IllegalStateException(how + " has no source effect");
        }
        writer.bulk(c.buffer(), c.argOffset(1), c.argLength(1));
        if (how == Translation.SMOVE) {
            writer.bulk(c.buffer(), c.argOffset(3), c.argLength(3));
        }
        generated.route(writer.position());
    }
}
