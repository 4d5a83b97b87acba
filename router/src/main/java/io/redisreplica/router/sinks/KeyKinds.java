package io.redisreplica.router.sinks;

import java.util.Set;
import java.util.function.LongUnaryOperator;

import io.redisreplica.api.KeyEvent.Kind;
import io.redisreplica.resp.Command;
import io.redisreplica.router.routing.KeyArgs;
import io.redisreplica.router.sinks.index.KeyIndex;
import io.redisreplica.router.sinks.index.KeyMeta;

/**
 * What a journaled command did to each of its keys, told from the {@link KeyIndex} it keeps up to
 * date: add, change, del, expire, rename, or {@link Kind#WRITE} where the journal cannot say. Rules
 * from what a master propagates (Redis 7 sends a command only when it changed something; an expired
 * key as DEL or UNLINK; EXPIRE and SET EX as PEXPIREAT and SET PXAT; an SPOP that empties its set
 * as DEL; an LPOP that empties its list as the LPOP itself):
 * <ul>
 *   <li>DEL, UNLINK, GETDEL: {@code expire} when the key's recorded expiry is at or before the time
 *       the router committed the entry, else {@code del}.
 *   <li>A command that removes elements (LPOP, SREM, ZREM, HDEL, LTRIM, ...) or stores a result that
 *       may be empty (SINTERSTORE, SORT ... STORE, BITOP, ...; their sources are only read and get no
 *       event): the key changed, and may be gone; the index marks it so, and the key's next write is
 *       {@code write} (add or change, unknown), its next DEL, expiry or element removal proves it
 *       was there.
 *   <li>RENAME: {@code rename_from} and {@code rename_to}, the destination taking the source's type
 *       and expiry; MOVE: {@code del} here and {@code add} in the target database; COPY: the
 *       destination added or changed.
 *   <li>FLUSHDB, FLUSHALL: {@code flush}; SWAPDB: the index swaps the two databases (no event).
 *   <li>PEXPIREAT, EXPIREAT, PERSIST, GETEX and SET's PXAT, EXAT and KEEPTTL update the recorded
 *       expiry; a value that replaces a key (SET, GETSET, MSET, RESTORE, a store) clears it.
 *   <li>Any other command with keys: {@code add} or {@code change}, its type from its name (H...
 *       hash, Z... and GEO... zset, X... stream, list and set commands, the string commands); a
 *       command of unknown effect (a module's, EVAL from a master before 7) is {@code write} and
 *       marks its keys as maybe gone.
 * </ul>
 * One instance per sink and shard, on its thread; allocates nothing per key but its events.
 */
final class KeyKinds {
    /** Where the kinds go: the key at {@code keyArg} (an argument index), or -1 for none. */
    interface Out {
        void event(int db, int keyArg, Kind kind, int type);
    }

    private static final Set<String> DELETES = Set.of("DEL", "UNLINK", "GETDEL");
    private static final Set<String> EMPTIES = Set.of("LPOP", "RPOP", "LREM", "LTRIM", "SREM", "SPOP", "ZREM", "ZPOPMIN", "ZPOPMAX",
        "ZREMRANGEBYSCORE", "ZREMRANGEBYRANK", "ZREMRANGEBYLEX", "HDEL", "BLPOP", "BRPOP", "LMPOP", "BLMPOP", "ZMPOP", "BZMPOP",
        "BZPOPMIN", "BZPOPMAX", "HGETDEL", "HEXPIRE", "HPEXPIRE", "HEXPIREAT", "HPEXPIREAT", "HGETEX", "HSETEX");
    /** The first key gives an element to the second. */
    private static final Set<String> MOVES_ELEMENT = Set.of("LMOVE", "BLMOVE", "RPOPLPUSH", "BRPOPLPUSH", "SMOVE");
    /** The first key is the destination, the others are read; an empty result deletes it (but PFMERGE's). */
    private static final Set<String> STORES_FIRST = Set.of("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE", "ZINTERSTORE", "ZUNIONSTORE",
        "ZDIFFSTORE", "ZRANGESTORE", "GEOSEARCHSTORE", "BITOP", "PFMERGE");
    /** The last key is the destination (after STORE), the others are read. */
    private static final Set<String> STORES_LAST = Set.of("SORT", "GEORADIUS", "GEORADIUSBYMEMBER");
    /** Propagated only when the key exists, and it still does after. */
    private static final Set<String> REQUIRES_KEY = Set.of("LSET", "LINSERT", "LPUSHX", "RPUSHX");
    private static final Set<String> EXPIRES = Set.of("PEXPIREAT", "EXPIREAT", "PEXPIRE", "EXPIRE", "PERSIST", "GETEX");
    /** String commands that replace the value and clear the expiry. */
    private static final Set<String> REPLACES = Set.of("GETSET", "MSET", "MSETNX", "SETNX", "SETEX", "PSETEX");
    private static final Set<String> STRINGS = Set.of("SET", "SETNX", "SETEX", "PSETEX", "MSET", "MSETNX", "GETSET", "APPEND",
        "INCR", "INCRBY", "INCRBYFLOAT", "DECR", "DECRBY", "SETRANGE", "SETBIT", "BITOP", "BITFIELD", "PFADD", "PFMERGE", "PFCOUNT");
    private static final Set<String> SETS = Set.of("SADD", "SREM", "SPOP", "SMOVE", "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE");

    private final KeyIndex index;
    private final LongUnaryOperator commitTime;
    private long entryStart;
    private long entryTime = -1;
    /** Whether the index reflects the shard: false while the sink reads a stretch it has no snapshot for. */
    private boolean known = true;

    /** @param commitTime the Unix time in milliseconds when the entry starting at an offset was committed */
    KeyKinds(KeyIndex index, LongUnaryOperator commitTime) {
        this.index = index;
        this.commitTime = commitTime;
    }

    KeyIndex index() {
        return index;
    }

    void known(boolean value) {
        this.known = value;
    }

    boolean known() {
        return known;
    }

    /** The next commands are an entry's that starts at {@code offset}. */
    void entry(long offset) {
        entryStart = offset;
        entryTime = -1;
    }

    private long time() {
        if (entryTime < 0) {
            entryTime = commitTime.applyAsLong(entryStart);
        }
        return entryTime;
    }

    /** FLUSHDB, FLUSHALL (db -1) or SWAPDB: no keys, the index follows. */
    void keyless(String name, Command c, int db) {
        index.dirty();
        switch (name) {
            case "FLUSHALL" -> index.flushAll();
            case "FLUSHDB" -> index.flush(db);
            case "SWAPDB" -> {
                if (c.argCount() == 3) {
                    index.swap((int) c.argLong(1), (int) c.argLong(2));
                }
            }
            default -> {
            }
        }
    }

    /**
     * The kinds of command {@code c} (upper-case {@code name}) on its {@code count} keys, at the
     * argument indexes {@code keys} holds ({@code spec == null}: a command the table does not know).
     */
    void of(int db, Command c, String name, KeyArgs keys, int count, boolean knownCommand, Out out) {
        if (count <= 0) {
            return;
        }
        index.dirty();
        if (DELETES.contains(name)) {
            for (int k = 0; k < count; k++) {
                final long m = index.remove(db, hash(c, keys.arg(k)));
                final long exp = m < 0 ? 0 : KeyMeta.expireAtMs(m);
                out.event(db, keys.arg(k), exp != 0 && exp <= time() ? Kind.EXPIRE : Kind.DEL, 0);
            }
            return;
        }
        switch (name) {
            case "RENAME", "RENAMENX" -> {
                if (count < 2) {
                    return;
                }
                final long m = index.remove(db, hash(c, keys.arg(0)));
                out.event(db, keys.arg(0), Kind.RENAME_FROM, 0);
                final int type = m < 0 ? KeyMeta.UNKNOWN : KeyMeta.type(m);
                index.put(db, hash(c, keys.arg(1)), KeyMeta.of(type, m < 0 ? 0 : KeyMeta.expireAtMs(m), m >= 0 && KeyMeta.maybeGone(m)));
                out.event(db, keys.arg(1), Kind.RENAME_TO, type);
                return;
            }
            case "MOVE" -> {
                final long m = index.remove(db, hash(c, keys.arg(0)));
                out.event(db, keys.arg(0), Kind.DEL, 0);
                if (c.argCount() >= 3) {
                    final int to = (int) c.argLong(2);
                    final long h = hash(c, keys.arg(0));
                    final long prior = index.get(to, h);
                    final int type = m < 0 ? KeyMeta.UNKNOWN : KeyMeta.type(m);
                    index.put(to, h, KeyMeta.of(type, m < 0 ? 0 : KeyMeta.expireAtMs(m), false));
                    out.event(to, keys.arg(0), prior < 0 ? Kind.ADD : Kind.WRITE, type);
                }
                return;
            }
            case "COPY" -> {
                if (count < 2) {
                    return;
                }
                final long m = index.get(db, hash(c, keys.arg(0)));
                final int to = ExpiryArgs.copyDb(c, db);
                final int type = m < 0 ? KeyMeta.UNKNOWN : KeyMeta.type(m);
                write(to, c, keys.arg(1), type, m < 0 ? 0 : KeyMeta.expireAtMs(m), false, false, out);
                return;
            }
            case "RESTORE" -> {
                final int type = c.argCount() > 3 && c.argLength(3) > 0 ? KeyMeta.ofRdbType(c.buffer().getByte(c.argOffset(3)) & 0xFF)
                    : KeyMeta.UNKNOWN;
                long ttl = c.argCount() > 2 ? c.argLong(2) : 0;
                if (ttl > 0 && !ExpiryArgs.hasWord(c, 4, "ABSTTL")) {
                    ttl += time();
                }
                write(db, c, keys.arg(0), type, Math.max(0, ttl), false, false, out);
                return;
            }
            case "SET" -> {
                write(db, c, keys.arg(0), KeyMeta.STRING, ExpiryArgs.set(c, this::time), ExpiryArgs.hasWord(c, 3, "KEEPTTL"), false, out);
                return;
            }
            default -> {
            }
        }
        if (EXPIRES.contains(name)) {
            final long h = hash(c, keys.arg(0));
            final long m = index.get(db, h);
            final int type = m < 0 ? KeyMeta.UNKNOWN : KeyMeta.type(m);
            final long exp = ExpiryArgs.after(c, name, m < 0 ? 0 : KeyMeta.expireAtMs(m), this::time);
            index.put(db, h, KeyMeta.of(type, exp, false)); // propagated only when the key exists
            out.event(db, keys.arg(0), Kind.CHANGE, type);
            return;
        }
        if (EMPTIES.contains(name) || MOVES_ELEMENT.contains(name)) {
            final int type = typeOf(name);
            final long h = hash(c, keys.arg(0));
            final long m = index.get(db, h);
            index.put(db, h, KeyMeta.of(type, m < 0 ? 0 : KeyMeta.expireAtMs(m), true));
            out.event(db, keys.arg(0), Kind.CHANGE, type);
            if (MOVES_ELEMENT.contains(name) && count >= 2) {
                write(db, c, keys.arg(1), type, -1, true, false, out);
            }
            return;
        }
        if (STORES_FIRST.contains(name) || STORES_LAST.contains(name)) {
            final int dest = STORES_FIRST.contains(name) ? keys.arg(0) : keys.arg(count - 1);
            final int type = name.equals("SORT") ? KeyMeta.LIST : typeOf(name);
            write(db, c, dest, type, 0, false, !name.equals("PFMERGE"), out);
            return;
        }
        if (REQUIRES_KEY.contains(name)) {
            final long h = hash(c, keys.arg(0));
            final long m = index.get(db, h);
            index.put(db, h, KeyMeta.of(KeyMeta.LIST, m < 0 ? 0 : KeyMeta.expireAtMs(m), false));
            out.event(db, keys.arg(0), Kind.CHANGE, KeyMeta.LIST);
            return;
        }
        final int type = knownCommand ? typeOf(name) : KeyMeta.UNKNOWN;
        final boolean replaces = REPLACES.contains(name);
        for (int k = 0; k < count; k++) {
            if (type == KeyMeta.UNKNOWN) {
                final long h = hash(c, keys.arg(k));
                final long m = index.get(db, h);
                index.put(db, h, KeyMeta.of(m < 0 ? KeyMeta.UNKNOWN : KeyMeta.type(m), m < 0 ? 0 : KeyMeta.expireAtMs(m), true));
                out.event(db, keys.arg(k), Kind.WRITE, m < 0 ? KeyMeta.UNKNOWN : KeyMeta.type(m));
            } else {
                write(db, c, keys.arg(k), type, replaces ? ExpiryArgs.ttl(c, name, this::time) : -1, !replaces, false, out);
            }
        }
    }

    /**
     * The key at {@code arg} now holds a value of {@code type}: added or changed (or {@code write}
     * when it may have been gone). {@code expireAtMs} -1 or {@code keepTtl} keeps a key's expiry.
     */
    private void write(int db, Command c, int arg, int type, long expireAtMs, boolean keepTtl, boolean maybeGone, Out out) {
        final long h = hash(c, arg);
        final long m = index.get(db, h);
        final Kind kind = !known || (m >= 0 && KeyMeta.maybeGone(m)) ? Kind.WRITE : m < 0 ? Kind.ADD : Kind.CHANGE;
        final long exp = keepTtl || expireAtMs < 0 ? (m < 0 ? 0 : KeyMeta.expireAtMs(m)) : expireAtMs;
        index.put(db, h, KeyMeta.of(type, exp, maybeGone && m >= 0));
        out.event(db, arg, kind, type);
    }

    private long hash(Command c, int arg) {
        return index.hash(c.buffer(), c.argOffset(arg), c.argLength(arg));
    }

    /** The type a command's name says its key has after it; UNKNOWN when the name says nothing. */
    static int typeOf(String name) {
        if (STRINGS.contains(name)) {
            return KeyMeta.STRING;
        }
        if (SETS.contains(name)) {
            return KeyMeta.SET;
        }
        if (name.startsWith("GEO") || name.startsWith("Z") || name.startsWith("BZ")) {
            return KeyMeta.ZSET;
        }
        if (name.startsWith("H")) {
            return KeyMeta.HASH;
        }
        if (name.startsWith("X")) {
            return KeyMeta.STREAM;
        }
        if (name.startsWith("L") || name.startsWith("BL") || name.startsWith("RPOP") || name.startsWith("RPUSH")
            || name.startsWith("BRPOP") || name.equals("SORT")) {
            return KeyMeta.LIST;
        }
        return KeyMeta.UNKNOWN;
    }
}
