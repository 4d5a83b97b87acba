package io.redisreplica.router;

import java.util.Arrays;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.rdb.KeyRewriter;
import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespWriter;

/**
 * Turns the master's command stream into per-shard streams: single-key commands go to their
 * shard verbatim; DEL/UNLINK/EXISTS/TOUCH/MSET are split; commands whose keys share a shard pass
 * whole, those whose keys do not follow the {@link CrossShardPolicy}; FLUSHALL and the like go to
 * every shard; MULTI/EXEC becomes one transaction per shard that has commands in it (written as a
 * single journal entry, so no PSYNC can start inside it); SELECT is emitted per shard only when
 * the shard's db changes; the master's PING and REPLCONF are not forwarded. A shard with a key
 * rewriter gets its commands re-encoded with the rewritten keys (routing uses the original).
 *
 * <p>One instance per upstream link, used by its thread. Counters are read by INFO.
 */
public final class CommandRouter {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRouter.class);
    private static final byte[] GETACK = bytes("GETACK");
    private static final byte[] SET = bytes("SET");
    private static final byte[] SETNX = bytes("SETNX");
    private static final byte[] SETEX = bytes("SETEX");
    private static final byte[] PSETEX = bytes("PSETEX");
    private static final byte[] GETSET = bytes("GETSET");
    private static final byte[] MSET = bytes("MSET");
    private static final byte[] MSETNX = bytes("MSETNX");

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** What the caller must do after a command. */
    public enum Outcome { ROUTED, DROPPED, GETACK }

    private final ShardMap map;
    private final CommandTable table;
    private final CrossShardPolicy policy;
    private final ShardSink sink;
    private final int shards;

    private int db;
    private final int[] shardDb;
    private final int[] keyArgs = new int[1024];
    private final KeyRewriter[] rewriters;
    private final ValueRules rules;
    /** Commands the value rules made: re-framed here and routed like the master's own. */
    private final ExpandableArrayBuffer ruled = new ExpandableArrayBuffer(1024);
    private final CommandFramer ruledFramer = new CommandFramer();
    private final ElementArgs elementArgs = new ElementArgs();
    private long filtered;
    /** A rewritten key, as the writer takes it. */
    private final UnsafeBuffer rewrittenKey = new UnsafeBuffer(new byte[0]);
    private final int[] keyShards = new int[1024];
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);
    /** SELECT has its own buffer: it is written while a split command may still sit in {@link #scratch}. */
    private final ExpandableArrayBuffer selectScratch = new ExpandableArrayBuffer(64);
    private ExpandableArrayBuffer txEntry = new ExpandableArrayBuffer(4096);
    private final RespWriter writer = new RespWriter();

    private boolean inMulti;
    private final ExpandableArrayBuffer[] tx;
    private final int[] txLength;
    private final int[] txCommands;

    private long routed;
    private long unclaimed;
    private long crossShard;
    private long unknown;
    private long lastCrossShardLog;

    /** The command table, to teach it the master's own (from COMMAND) before the stream starts. */
    public CommandTable table() {
        return table;
    }

    public CommandRouter(ShardMap map, CommandTable table, CrossShardPolicy policy, ShardSink sink) {
        this(map, table, policy, sink, null);
    }

    /** @param rewriters each shard's key rewriting, by shard index (null, or a null element, for none) */
    public CommandRouter(ShardMap map, CommandTable table, CrossShardPolicy policy, ShardSink sink, KeyRewriter[] rewriters) {
        this(map, table, policy, sink, rewriters, null);
    }

    /** @param rules the config's value rules (type and value filters, transforms), or null for none */
    public CommandRouter(ShardMap map, CommandTable table, CrossShardPolicy policy, ShardSink sink, KeyRewriter[] rewriters,
                         ValueRules rules) {
        this.rules = rules;
        this.rewriters = rewriters == null ? new KeyRewriter[map.shards().size()] : rewriters.clone();
        this.map = map;
        this.table = table;
        this.policy = policy;
        this.sink = sink;
        this.shards = map.shards().size();
        this.shardDb = new int[shards];
        this.tx = new ExpandableArrayBuffer[shards];
        this.txLength = new int[shards];
        this.txCommands = new int[shards];
        for (int i = 0; i < shards; i++) {
            tx[i] = new ExpandableArrayBuffer(256);
        }
        forgetShardDbs();
    }

    /** After a new snapshot or a restart: the next command of each shard re-emits SELECT. */
    public void forgetShardDbs() {
        Arrays.fill(shardDb, -1);
    }

    /** The upstream's current db (from its SELECTs; 0 after a full sync). */
    public void db(int value) {
        this.db = value;
    }

    public long routed() {
        return routed;
    }

    public long unclaimed() {
        return unclaimed;
    }

    public long crossShard() {
        return crossShard;
    }

    public long unknown() {
        return unknown;
    }

    /** Keys the value rules kept off the shards (their write became a DEL). */
    public long filtered() {
        return filtered;
    }

    public Outcome route(Command c) {
        if (c.isEmpty()) {
            return Outcome.DROPPED;
        }
        if (rules != null) {
            final int end = applyRules(c);
            if (end > 0) {
                return routeRuled(end);
            }
            if (end < 0) {
                return Outcome.DROPPED; // every element it named is left out
            }
        }
        return routeAsIs(c);
    }

    /**
     * Writes into {@link #ruled} what the value rules make of {@code c}: a DEL of the keys of a
     * write to a dropped type; for a string write, the command with its values transformed and a
     * DEL of the keys whose value is dropped (a DEL, not nothing: the shard may hold an older value).
     *
     * @return the end of what was written, 0 when {@code c} goes as it is, -1 when nothing goes
     */
    private int applyRules(Command c) {
        final String type = table.dataType(c);
        if (type == null) {
            return 0;
        }
        final CommandSpec spec = table.lookup(c);
        if (rules.drops(type)) {
            final int n = spec == null ? 0 : KeyPositions.of(c, spec, keyArgs);
            if (n <= 0) {
                return 0;
            }
            filtered += n;
            writer.wrap(ruled, 0).arrayHeader(1 + n).bulk("DEL");
            for (int i = 0; i < n; i++) {
                writer.bulk(c.buffer(), c.argOffset(keyArgs[i]), c.argLength(keyArgs[i]));
            }
            return writer.position();
        }
        if (!type.equals("string")) {
            return rules.decodesElements() && !type.equals("stream") && elementArgs.of(c) ? applyElementRules(c, type) : 0;
        }
        if (!rules.decodesStrings()) {
            return 0;
        }
        final int valueAt = c.nameIs(SETEX) || c.nameIs(PSETEX) ? 3
            : c.nameIs(SET) || c.nameIs(SETNX) || c.nameIs(GETSET) ? 2
            : c.nameIs(MSET) || c.nameIs(MSETNX) ? 2 : -1;
        if (valueAt < 0 || c.argCount() <= valueAt) {
            return 0; // APPEND, SETRANGE, INCR...: a piece of a value, or a number
        }
        final boolean multi = c.nameIs(MSET) || c.nameIs(MSETNX);
        final int pairs = multi ? (c.argCount() - 1) / 2 : 1;
        byte[][] replaced = null;
        boolean[] dropped = null;
        int kept = 0;
        for (int p = 0; p < pairs; p++) {
            final int keyArg = multi ? 1 + 2 * p : 1;
            final int valueArg = multi ? keyArg + 1 : valueAt;
            final byte[] value = c.argBytes(valueArg);
            final byte[] result = rules.value(db, c.argBytes(keyArg), value);
            if (result == null) {
                dropped = dropped == null ? new boolean[c.argCount()] : dropped;
                dropped[keyArg] = true;
                dropped[valueArg] = true;
            } else {
                kept++;
                if (result != value) {
                    replaced = replaced == null ? new byte[c.argCount()][] : replaced;
                    replaced[valueArg] = result;
                }
            }
        }
        if (replaced == null && dropped == null) {
            return 0;
        }
        filtered += pairs - kept;
        writer.wrap(ruled, 0);
        if (kept > 0) { // the command, its kept keys with their new values, every other argument as it was
            writeEdited(c, replaced, dropped);
        }
        if (kept < pairs) {
            writer.arrayHeader(1 + pairs - kept).bulk("DEL");
            for (int p = 0; p < pairs; p++) {
                final int keyArg = multi ? 1 + 2 * p : 1;
                if (dropped[keyArg]) {
                    writer.bulk(c.buffer(), c.argOffset(keyArg), c.argLength(keyArg));
                }
            }
        }
        return writer.position();
    }

    /** Writes {@code c} less its {@code dropped} arguments, with {@code replaced} ones in their place (either may be null). */
    private void writeEdited(Command c, byte[][] replaced, boolean[] dropped) {
        int args = 0;
        for (int a = 0; a < c.argCount(); a++) {
            args += dropped != null && dropped[a] ? 0 : 1;
        }
        writer.arrayHeader(args);
        for (int a = 0; a < c.argCount(); a++) {
            if (dropped != null && dropped[a]) {
                continue;
            }
            if (replaced != null && replaced[a] != null) {
                writer.bulk(replaced[a]);
            } else {
                writer.bulk(c.buffer(), c.argOffset(a), c.argLength(a));
            }
        }
    }

    /**
     * The command with its elements transformed and those left out removed with their group (a
     * ZADD score, a HSET field); a hash field whose value is left out also gets an HDEL, since
     * the shard may hold an older value. A list element that would be left out stays.
     */
    private int applyElementRules(Command c, String type) {
        final byte[] key = c.argBytes(1);
        final boolean list = type.equals("list");
        byte[][] replaced = null;
        boolean[] dropped = null;
        int kept = 0;
        int fieldsDropped = 0;
        for (int i = 0; i < elementArgs.count; i++) {
            final byte[] element = c.argBytes(elementArgs.element[i]);
            final byte[] field = elementArgs.field[i] >= 0 ? c.argBytes(elementArgs.field[i]) : null;
            byte[] result = rules.element(db, key, type, field, element);
            if (result == null && list) {
                result = element;
            }
            if (result == null) {
                dropped = dropped == null ? new boolean[c.argCount()] : dropped;
                for (int a = elementArgs.group[i]; a <= elementArgs.element[i]; a++) {
                    dropped[a] = true;
                }
                fieldsDropped += field != null ? 1 : 0;
            } else {
                kept++;
                if (result != element) {
                    replaced = replaced == null ? new byte[c.argCount()][] : replaced;
                    replaced[elementArgs.element[i]] = result;
                }
            }
        }
        if (replaced == null && dropped == null) {
            return 0;
        }
        writer.wrap(ruled, 0);
        boolean wrote = false;
        if (kept > 0) {
            writeEdited(c, replaced, dropped);
            wrote = true;
        }
        if (fieldsDropped > 0) {
            writer.arrayHeader(2 + fieldsDropped).bulk("HDEL").bulk(key);
            for (int i = 0; i < elementArgs.count; i++) {
                if (elementArgs.field[i] >= 0 && dropped[elementArgs.element[i]]) {
                    writer.bulk(c.buffer(), c.argOffset(elementArgs.field[i]), c.argLength(elementArgs.field[i]));
                }
            }
            wrote = true;
        }
        return wrote ? writer.position() : -1;
    }

    /** Routes the commands {@link #applyRules} wrote, one by one. */
    private Outcome routeRuled(int end) {
        Outcome outcome = Outcome.DROPPED;
        ruledFramer.reset();
        int at = 0;
        int n;
        while (at < end && (n = ruledFramer.frame(ruled, at, end - at)) > 0) {
            if (routeAsIs(ruledFramer.command()) == Outcome.ROUTED) {
                outcome = Outcome.ROUTED;
            }
            at += n;
        }
        return outcome;
    }

    private Outcome routeAsIs(Command c) {
        CommandSpec spec = table.lookup(c);
        if (spec == null) {
            unknown++;
            if (c.argCount() < 2) {
                LOG.warn("unknown keyless command {} from the master: not forwarded", c);
                return Outcome.DROPPED;
            }
            spec = CommandSpec.keys(c.argString(0), 1, 1, 1); // most commands take their key first
        }
        switch (spec.kind()) {
            case LINK -> {
                return c.argCount() > 1 && c.argEqualsIgnoreCase(1, GETACK) ? Outcome.GETACK : Outcome.DROPPED;
            }
            case SELECT -> {
                db = (int) c.argLong(1);
                return Outcome.DROPPED; // re-emitted per shard when needed
            }
            case MULTI -> {
                inMulti = true;
                Arrays.fill(txLength, 0);
                Arrays.fill(txCommands, 0);
                return Outcome.ROUTED;
            }
            case EXEC -> {
                flushTransaction();
                return Outcome.ROUTED;
            }
            case KEYLESS -> {
                unknown++;
                LOG.warn("keyless command {} from the master: not forwarded", c);
                return Outcome.DROPPED;
            }
            case ALL_SHARDS -> {
                for (int s = 0; s < shards; s++) {
                    emit(s, c.buffer(), c.offset(), c.length(), c);
                }
                return Outcome.ROUTED;
            }
            default -> {
                return routeByKeys(c, spec);
            }
        }
    }

    private Outcome routeByKeys(Command c, CommandSpec spec) {
        final int n = KeyPositions.of(c, spec, keyArgs);
        if (n == KeyPositions.BAD_NUMKEYS) {
            return crossShard(c, "numkeys is not a number");
        }
        if (n == KeyPositions.NO_KEYS_DECLARED) {
            return crossShard(c, "no keys: cannot tell its shard");
        }
        if (n == 0) {
            return Outcome.DROPPED;
        }
        boolean same = true;
        for (int i = 0; i < n; i++) {
            keyShards[i] = map.shardOf(keyBytes(c, keyArgs[i]), 0, c.argLength(keyArgs[i]));
            same &= keyShards[i] == keyShards[0];
        }
        if (same) {
            if (keyShards[0] < 0) {
                unclaimed++;
                return Outcome.DROPPED;
            }
            if (rewriters[keyShards[0]] == null) {
                emit(keyShards[0], c.buffer(), c.offset(), c.length(), c);
            } else {
                emitRewritten(keyShards[0], c, n);
            }
            return Outcome.ROUTED;
        }
        if (spec.kind() != CommandSpec.Kind.SPLITTABLE) {
            return crossShard(c, "keys in different shards");
        }
        // one command per shard with that shard's keys (and, for MSET, their values)
        for (int s = -1; s < shards; s++) {
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (keyShards[i] == s) {
                    count++;
                }
            }
            if (count == 0) {
                continue;
            }
            if (s < 0) {
                unclaimed += count;
                continue;
            }
            writer.wrap(scratch, 0).arrayHeader(1 + (long) count * spec.step());
            writer.bulk(c.buffer(), c.argOffset(0), c.argLength(0));
            for (int k = 0; k < n; k++) {
                if (keyShards[k] == s) {
                    key(s, c, keyArgs[k]);
                    for (int j = 1; j < spec.step(); j++) {
                        writer.bulk(c.buffer(), c.argOffset(keyArgs[k] + j), c.argLength(keyArgs[k] + j));
                    }
                }
            }
            emit(s, scratch, 0, writer.length(), c);
        }
        return Outcome.ROUTED;
    }

    /** The command re-encoded with the shard's rewritten keys (keyArgs[0, n) ascending). */
    private void emitRewritten(int shard, Command c, int n) {
        writer.wrap(scratch, 0).arrayHeader(c.argCount());
        int k = 0;
        for (int arg = 0; arg < c.argCount(); arg++) {
            if (k < n && keyArgs[k] == arg) {
                key(shard, c, arg);
                k++;
            } else {
                writer.bulk(c.buffer(), c.argOffset(arg), c.argLength(arg));
            }
        }
        emit(shard, scratch, 0, writer.length(), c);
    }

    /** Writes a key argument as the shard sees it: rewritten when it has a rewriter. */
    private void key(int shard, Command c, int arg) {
        final KeyRewriter rewriter = rewriters[shard];
        if (rewriter == null) {
            writer.bulk(c.buffer(), c.argOffset(arg), c.argLength(arg));
            return;
        }
        final int length = rewriter.rewrite(keyBytes(c, arg), 0, c.argLength(arg));
        rewrittenKey.wrap(rewriter.bytes(), 0, length);
        writer.bulk(rewrittenKey, 0, length);
    }

    private byte[] keyBuffer = new byte[256];

    /** The key's bytes in a reused array (the shard map reads byte[]). */
    private byte[] keyBytes(Command c, int arg) {
        final int len = c.argLength(arg);
        if (keyBuffer.length < len) {
            keyBuffer = new byte[Math.max(len, keyBuffer.length * 2)];
        }
        c.buffer().getBytes(c.argOffset(arg), keyBuffer, 0, len);
        return keyBuffer;
    }

    private Outcome crossShard(Command c, String why) {
        crossShard++;
        if (policy == CrossShardPolicy.STOP) {
            throw new RouterException("cross-shard command (" + why + "), policy stop: " + c);
        }
        final long now = System.currentTimeMillis();
        if (now - lastCrossShardLog > 60_000) {
            lastCrossShardLog = now;
            LOG.warn("cross-shard command not forwarded ({}): {} ({} so far)", why, c, crossShard);
        }
        return Outcome.DROPPED;
    }

    private void emit(int shard, org.agrona.DirectBuffer bytes, int offset, int length, Command c) {
        if (inMulti) {
            final ExpandableArrayBuffer buffer = tx[shard];
            if (txCommands[shard] == 0) {
                txLength[shard] = 0;
            }
            buffer.putBytes(txLength[shard], bytes, offset, length);
            txLength[shard] += length;
            txCommands[shard]++;
            return;
        }
        selectFor(shard);
        sink.append(shard, db, false, bytes, offset, length);
        routed++;
    }

    private void selectFor(int shard) {
        if (shardDb[shard] != db) {
            writer.wrap(selectScratch, 0).arrayHeader(2).bulk("SELECT").bulk(db);
            // SELECT is its own entry: a replica continuing after it has already applied it
            sink.append(shard, db, true, selectScratch, 0, writer.length());
            shardDb[shard] = db;
        }
    }

    private void flushTransaction() {
        inMulti = false;
        for (int s = 0; s < shards; s++) {
            if (txCommands[s] == 0) {
                continue;
            }
            selectFor(s);
            final int start = writer.wrap(txEntry, 0).command("MULTI").length();
            txEntry.putBytes(start, tx[s], 0, txLength[s]);
            final int end = writer.wrap(txEntry, start + txLength[s]).command("EXEC").position();
            sink.append(s, db, false, txEntry, 0, end);
            routed += txCommands[s];
            txCommands[s] = 0;
            releaseLargeTransactionBuffers(s);
        }
    }

    /** Transaction buffers past this size are let go after their transaction is journaled. */
    private static final int TRANSACTION_BUFFER_KEPT = 1 << 20;

    /** One big transaction must not hold its size in the heap for good (as the upstream read buffer shrinks back too). */
    private void releaseLargeTransactionBuffers(int shard) {
        if (tx[shard].capacity() > TRANSACTION_BUFFER_KEPT) {
            tx[shard] = new ExpandableArrayBuffer(256);
        }
        if (txEntry.capacity() > TRANSACTION_BUFFER_KEPT) {
            txEntry = new ExpandableArrayBuffer(4096);
            writer.wrap(txEntry, 0); // the writer still held the old one
        }
    }
}
