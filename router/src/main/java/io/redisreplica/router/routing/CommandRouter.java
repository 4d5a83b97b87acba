package io.redisreplica.router.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.rdb.KeyRewriter;
import io.redisreplica.rdb.RdbConstants;
import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespWriter;

/**
 * Turns the master's command stream into per-shard streams, so that each shard ends with exactly
 * the master's keys of that shard:
 * <ul>
 *   <li>single-key commands go to their shard verbatim; DEL/UNLINK/EXISTS/TOUCH/MSET are split,
 *       and so is MSETNX across shards (the master only propagates it when it set every key);
 *   <li>FLUSHALL and the like go to every shard; the master's PING and REPLCONF are not forwarded;
 *   <li>MULTI/EXEC becomes one transaction per shard that has commands in it, with its SELECTs
 *       in place, written as a single journal entry so no PSYNC can start inside it;
 *   <li>relative times to live become absolute ({@link AbsoluteTtl});
 *   <li>a command whose keys span shards is translated ({@link CrossShardPolicy#TRANSLATE}): the
 *       source side gets its own effect (DEL of a renamed key, the pop of a moved element, SREM),
 *       and each destination the value the master holds, read on a side connection at a known
 *       replication offset and sent as DEL + RESTORE (+ PEXPIREAT); the key's commands already in
 *       that read are skipped ({@link ReadKeys}).
 * </ul>
 * Every master command yields at most one journal entry per shard, so a restart that replays the
 * master's stream skips or writes each command's part of a shard whole. A shard with a key
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
    private static final byte[] FLUSHALL = bytes("FLUSHALL");
    private static final byte[] FLUSHDB = bytes("FLUSHDB");
    private static final byte[] SWAPDB = bytes("SWAPDB");
    private static final byte[] MOVE = bytes("MOVE");
    private static final byte[] COPY = bytes("COPY");
    private static final byte[] DB = bytes("DB");
    private static final byte[] SORT = bytes("SORT");
    private static final byte[] BY = bytes("BY");
    private static final byte[] GET = bytes("GET");
    private static final byte[] LIMIT = bytes("LIMIT");
    private static final byte[] HASH_SIGN = bytes("#");

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** What the caller must do after a command. */
    public enum Outcome { ROUTED, DROPPED, GETACK }

    private final ShardMap map;
    private final CommandTable table;
    private final CrossShardPolicy policy;
    private final ShardAppender sink;
    private final int shards;
    private final KeyRewriter[] rewriters;
    private final ValueRules rules;
    private MasterReader reader;
    private LongSupplier clock = System::currentTimeMillis;

    /** The upstream's current db. */
    private int db;
    /** The db each shard's journal is at (-1: unknown, the next entry selects). */
    private final int[] shardDb;
    private final KeyArgs keys = new KeyArgs();
    private int[] keyShards = new int[64];
    /** Where the master command being routed ends in the upstream stream. */
    private long upstreamEnd;
    /** The upstream offset after the last command routed outside a transaction: a safe place to resume. */
    private long stableOffset = -1;
    /** The upstream's db at {@link #stableOffset}. */
    private int stableDb;

    /** Commands the value rules made: re-framed here and routed like the master's own. */
    private final ExpandableArrayBuffer ruled = new ExpandableArrayBuffer(1024);
    private final CommandFramer ruledFramer = new CommandFramer(io.redisreplica.resp.RespDecoderContext.preChecked());
    private final ElementArgs elementArgs = new ElementArgs();
    private final AbsoluteTtl absoluteTtl = new AbsoluteTtl();
    private final ExpandableArrayBuffer ttlBuffer = new ExpandableArrayBuffer(256);
    private final CommandFramer ttlFramer = new CommandFramer(io.redisreplica.resp.RespDecoderContext.preChecked());
    /** Commands the router makes itself (source effects, restores): one buffer per nesting level. */
    private final ExpandableArrayBuffer generated = new ExpandableArrayBuffer(256);
    private final CommandFramer generatedFramer = new CommandFramer(io.redisreplica.resp.RespDecoderContext.preChecked());
    private boolean generating;
    private final ReadKeys readKeys = new ReadKeys();
    /** A rewritten key, as the writer takes it. */
    private final UnsafeBuffer rewrittenKey = new UnsafeBuffer(new byte[0]);
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);
    private ExpandableArrayBuffer txEntry = new ExpandableArrayBuffer(4096);
    private final RespWriter writer = new RespWriter();
    private final RespWriter selectWriter = new RespWriter();

    /** Per shard: what the command being routed sends it (outside a transaction), one entry. */
    private final ExpandableArrayBuffer[] pending;
    private final int[] pendingLength;
    private final int[] pendingDb;
    /** The buffer of the master command being routed: valid until its entries are written. */
    private DirectBuffer topBuffer;
    /** Per shard: where its entry lies in {@link #topBuffer} when it is that command alone (length -1: none). */
    private final int[] directOffset;
    private final int[] directLength;
    /** Per shard: what reads of the master give it (DEL + RESTORE), one entry after the command's own, always journaled. */
    private final ExpandableArrayBuffer[] reads;
    private final int[] readsLength;
    private final int[] readsFirstDb;
    private final int[] readsDb;
    /** The commands being routed are a read's result: they go to {@link #reads}. */
    private boolean restoring;

    private boolean inMulti;
    private final ExpandableArrayBuffer[] tx;
    private final int[] txLength;
    private final int[] txCommands;
    private final int[] txDb;
    /** Per shard: the db its transaction's first command is in (the entry's db). */
    private final int[] txFirstDb;

    private long routed;
    private long unclaimed;
    private long crossShard;
    private long translated;
    private long translatedKeys;
    private long readSkipped;
    private long unknown;
    private long filtered;
    private long lastCrossShardLog;

    /** The command table, to teach it the master's own (from COMMAND) before the stream starts. */
    public CommandTable table() {
        return table;
    }

    public CommandRouter(ShardMap map, CommandTable table, CrossShardPolicy policy, ShardAppender sink) {
        this(map, table, policy, sink, null, null);
    }

    /**
     * @param rewriters each shard's key rewriting, by shard index (null, or a null element, for none)
     * @param rules the config's value rules (type and value filters, transforms), or null for none
     */
    public CommandRouter(ShardMap map, CommandTable table, CrossShardPolicy policy, ShardAppender sink, KeyRewriter[] rewriters,
                         ValueRules rules) {
        this.rules = rules;
        this.rewriters = rewriters == null ? new KeyRewriter[map.shards().size()] : rewriters.clone();
        this.map = map;
        this.table = table;
        this.policy = policy;
        this.sink = sink;
        this.shards = map.shards().size();
        this.shardDb = new int[shards];
        this.pending = new ExpandableArrayBuffer[shards];
        this.pendingLength = new int[shards];
        this.pendingDb = new int[shards];
        this.directOffset = new int[shards];
        this.directLength = new int[shards];
        Arrays.fill(directLength, -1);
        this.reads = new ExpandableArrayBuffer[shards];
        this.readsLength = new int[shards];
        this.readsFirstDb = new int[shards];
        this.readsDb = new int[shards];
        this.tx = new ExpandableArrayBuffer[shards];
        this.txLength = new int[shards];
        this.txCommands = new int[shards];
        this.txDb = new int[shards];
        this.txFirstDb = new int[shards];
        for (int i = 0; i < shards; i++) {
            tx[i] = new ExpandableArrayBuffer(256);
            pending[i] = new ExpandableArrayBuffer(256);
            reads[i] = new ExpandableArrayBuffer(256);
        }
        forgetShardDbs();
    }

    /** Where cross-shard commands read the master's values ({@link CrossShardPolicy#TRANSLATE} needs one). */
    public CommandRouter reader(MasterReader value) {
        this.reader = value;
        return this;
    }

    /** The clock that turns relative times to live into absolute ones (tests set their own). */
    public CommandRouter clock(LongSupplier value) {
        this.clock = value;
        return this;
    }

    /** After a new snapshot or a restart: the next command of each shard re-emits SELECT. */
    public void forgetShardDbs() {
        Arrays.fill(shardDb, -1);
    }

    /** After a new snapshot: no transaction is open, no key holds a read value. */
    public void reset() {
        inMulti = false;
        Arrays.fill(txCommands, 0);
        Arrays.fill(txLength, 0);
        readKeys.clear();
        Arrays.fill(readsLength, 0);
        stableOffset = -1; // offsets of the old dataset mean nothing in the new one
        forgetShardDbs();
        db = 0;
    }

    /** The upstream's current db (from its SELECTs; 0 after a full sync). */
    public void db(int value) {
        this.db = value;
        this.stableDb = value;
    }

    /** The upstream's current db. */
    public int db() {
        return db;
    }

    /** Whether a MULTI of the master is open: the stream may not be resumed from here. */
    public boolean inTransaction() {
        return inMulti;
    }

    /** The upstream offset after the last command routed outside a transaction (-1 before any). */
    public long stableOffset() {
        return stableOffset;
    }

    /**
     * The reads of the master that still make later commands of their keys skip past
     * {@code offset}: a checkpoint at {@code offset} carries them, so a restart that resumes the
     * stream there skips those commands too (the values the shards hold already contain them).
     */
    public List<io.redisreplica.journal.Checkpoint.ReadState> openReads(long offset) {
        return readKeys.after(offset);
    }

    /** After a restart: the reads the checkpoint carried. */
    public void restoreReads(List<io.redisreplica.journal.Checkpoint.ReadState> reads) {
        for (io.redisreplica.journal.Checkpoint.ReadState r : reads) {
            readKeys.add(r.db(), r.key(), r.offset());
        }
    }

    /** The upstream's db at {@link #stableOffset()}. */
    public int stableDb() {
        return stableDb;
    }

    public long routed() {
        return routed;
    }

    public long unclaimed() {
        return unclaimed;
    }

    /** Commands whose keys span shards (translated or, under LOG/STOP, not forwarded). */
    public long crossShard() {
        return crossShard;
    }

    /** Cross-shard commands sent to each shard as its part of the master's result. */
    public long translated() {
        return translated;
    }

    /** Keys read from the master for translated commands. */
    public long translatedKeys() {
        return translatedKeys;
    }

    /** Commands (or their keys) not sent because a read of the master already held their effect. */
    public long readSkipped() {
        return readSkipped;
    }

    public long unknown() {
        return unknown;
    }

    /** Keys the value rules kept off the shards (their write became a DEL). */
    public long filtered() {
        return filtered;
    }

    public Outcome route(Command c) {
        try {
            return routeCommand(c);
        } catch (RuntimeException e) {
            abandon();
            throw e;
        }
    }

    /**
     * Forgets what a command that failed half-way (a journal append refused on a full disk, a
     * read of the master cut off) left behind: the link resumes from its last committed offset,
     * and the command comes again whole. The shards' dbs are forgotten too (a SELECT may have
     * been counted as journaled and not be): the next entries select again.
     */
    private void abandon() {
        touchedCount = 0;
        Arrays.fill(directLength, -1);
        Arrays.fill(pendingLength, 0);
        Arrays.fill(readsLength, 0);
        anyReads = false;
        restoring = false;
        generating = false;
        forgetShardDbs();
    }

    private Outcome routeCommand(Command c) {
        if (c.isEmpty()) {
            return Outcome.DROPPED;
        }
        upstreamEnd = c.streamOffset() + c.length();
        topBuffer = c.buffer();
        readKeys.passed(c.streamOffset());
        final Outcome outcome;
        final int converted = absoluteTtl.convert(c, clock, ttlBuffer);
        mayHoldLarge |= c.length() > BUFFER_KEPT / 4;
        if (converted > 0) {
            outcome = routeEach(ttlBuffer, converted, ttlFramer, false);
        } else {
            outcome = routeWithRules(c);
        }
        if (!inMulti) {
            flushPending();
            flushReads();
            stableOffset = upstreamEnd;
            stableDb = db;
            if (mayHoldLarge) {
                releaseLargeBuffers();
                mayHoldLarge = false;
            }
        }
        return outcome;
    }

    private Outcome routeWithRules(Command c) {
        if (rules != null) {
            final int end = applyRules(c);
            if (end > 0) {
                return routeEach(ruled, end, ruledFramer, true);
            }
            if (end < 0) {
                return Outcome.DROPPED; // every element it named is left out
            }
        }
        return routeAsIs(c);
    }

    /** Routes the commands in {@code buffer[0, end)} one by one (through the value rules unless {@code asIs}). */
    private Outcome routeEach(DirectBuffer buffer, int end, CommandFramer framer, boolean asIs) {
        Outcome outcome = Outcome.DROPPED;
        framer.reset();
        int at = 0;
        int n;
        while (at < end && (n = framer.frame(buffer, at, end - at)) > 0) {
            final Command each = framer.command();
            if ((asIs ? routeAsIs(each) : routeWithRules(each)) == Outcome.ROUTED) {
                outcome = Outcome.ROUTED;
            }
            at += n;
        }
        return outcome;
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
            final int n = spec == null ? 0 : KeyPositions.of(c, spec, keys);
            if (n <= 0) {
                return 0;
            }
            filtered += n;
            writer.wrap(ruled, 0).arrayHeader(1 + n).bulk("DEL");
            for (int i = 0; i < n; i++) {
                writer.bulk(c.buffer(), c.argOffset(keys.arg(i)), c.argLength(keys.arg(i)));
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
                return Outcome.DROPPED; // emitted per shard when needed
            }
            case MULTI -> {
                inMulti = true;
                Arrays.fill(txLength, 0);
                Arrays.fill(txCommands, 0);
                System.arraycopy(shardDb, 0, txDb, 0, shards);
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
                allShards(c);
                return Outcome.ROUTED;
            }
            default -> {
                return routeByKeys(c, spec);
            }
        }
    }

    private void allShards(Command c) {
        List<byte[]> swapped = null;
        if (!readKeys.isEmpty()) {
            if (c.nameIs(FLUSHALL)) {
                readKeys.clear();
            } else if (c.nameIs(FLUSHDB)) {
                readKeys.clear(db);
            } else if (c.nameIs(SWAPDB) && c.argCount() == 3) {
                // a read taken after the master swapped found another db's key under this name: read again
                swapped = readKeys.removeIn((int) c.argLong(1), (int) c.argLong(2), upstreamEnd);
            }
        }
        for (int s = 0; s < shards; s++) {
            emit(s, db, c.buffer(), c.offset(), c.length());
        }
        if (swapped != null && !swapped.isEmpty() && reader != null) {
            rereadAfterSwap((int) c.argLong(1), (int) c.argLong(2), swapped);
        }
    }

    /** Reads keys in both swapped dbs again and gives their shards the master's values (after the SWAPDB). */
    private void rereadAfterSwap(int a, int b, List<byte[]> swapped) {
        final int[] dbs = new int[swapped.size() * 2];
        final byte[][] names = new byte[dbs.length][];
        for (int i = 0; i < swapped.size(); i++) {
            dbs[2 * i] = a;
            dbs[2 * i + 1] = b;
            names[2 * i] = swapped.get(i);
            names[2 * i + 1] = swapped.get(i);
        }
        final int[] shards = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            shards[i] = map.shardOf(names[i], 0, names[i].length);
        }
        readAndRestore(dbs, names, shards, () -> names.length + " key(s) again after SWAPDB");
    }

    private Outcome routeByKeys(Command c, CommandSpec spec) {
        final int n = spec.search() == CommandSpec.Search.KEY_SPECS && spec.incompleteKeySpecs() ? masterKeys(c, spec)
            : KeyPositions.of(c, spec, keys);
        if (n == KeyPositions.BAD_NUMKEYS) {
            return untranslatable(c, "numkeys is not a number");
        }
        if (n == KeyPositions.NO_KEYS_DECLARED) {
            return untranslatable(c, "a script with no declared keys: its shard cannot be known");
        }
        if (n == 0) {
            return Outcome.DROPPED;
        }
        if (keyShards.length < n) {
            keyShards = new int[Math.max(n, keyShards.length * 2)];
        }
        boolean same = true;
        int skipped = 0;
        for (int i = 0; i < n; i++) {
            final int arg = keys.arg(i);
            keyShards[i] = map.shardOf(keyBytes(c, arg), 0, c.argLength(arg));
            same &= keyShards[i] == keyShards[0];
            if (!generating && !readKeys.isEmpty()
                && (readKeys.contains(keyDb(c, i), c.buffer(), c.argOffset(arg), c.argLength(arg), upstreamEnd)
                || movesOntoARead(c, i, arg))) {
                skipped++;
            }
        }
        if (skipped > 0) {
            return alreadyRead(c, spec, n, skipped);
        }
        if (same && !(policy == CrossShardPolicy.TRANSLATE && reader != null && readsOtherKeys(c, spec, n))) {
            if (keyShards[0] < 0) {
                unclaimed++;
                return Outcome.DROPPED;
            }
            if (rewriters[keyShards[0]] == null) {
                emit(keyShards[0], db, c.buffer(), c.offset(), c.length());
            } else {
                emitRewritten(keyShards[0], c, n);
            }
            return Outcome.ROUTED;
        }
        if (spec.kind() == CommandSpec.Kind.SPLITTABLE) {
            split(c, spec, n, null);
            return Outcome.ROUTED;
        }
        if (c.nameIs(MSETNX)) {
            split(c, spec, n, MSET); // propagated only when it set every key: per shard, an MSET of its keys
            return Outcome.ROUTED;
        }
        return crossShard(c, spec, n);
    }

    /**
     * The keys of a command whose key specs the master marks incomplete (a module's own key
     * callback): only the master can say where they are, so it is asked ({@code COMMAND GETKEYS}).
     * Without a side connection (a policy other than translate) the command cannot be routed exactly.
     */
    private int masterKeys(Command c, CommandSpec spec) {
        if (reader == null) {
            throw new RouterException("command " + c.argString(0) + " (" + spec.keySpecs() + "): the master says its key specs are "
                + "incomplete, so only the master can say where its keys are, and the router asks it only with --cross-shard "
                + "translate (the default)");
        }
        try {
            reader.keys(c, keys);
            return keys.count();
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("asking the master for the keys of " + c.argString(0) + ": " + e.getMessage(), e);
        }
    }

    /**
     * A command on keys whose value a shard already got from a read of the master that contains
     * this command: a single-key one is skipped, a split one loses those keys, and any other is
     * translated again from a new read (its other keys may have changed too).
     */
    private Outcome alreadyRead(Command c, CommandSpec spec, int n, int skipped) {
        if (c.nameIs(MOVE)) {
            return translate(c, spec, n, Translation.MOVE); // the key lands in another db, which the read did not see
        }
        if (skipped == n && n == 1) {
            readSkipped++;
            return Outcome.DROPPED;
        }
        if (spec.kind() == CommandSpec.Kind.SPLITTABLE || c.nameIs(MSETNX)) {
            for (int i = 0; i < n; i++) {
                final int arg = keys.arg(i);
                if (readKeys.contains(db, c.buffer(), c.argOffset(arg), c.argLength(arg), upstreamEnd)) {
                    keyShards[i] = Integer.MIN_VALUE; // already in the shard's read value
                    readSkipped++;
                }
            }
            split(c, spec, n, c.nameIs(MSETNX) ? MSET : null);
            return Outcome.ROUTED;
        }
        return translate(c, spec, n, Translation.of(c)); // its source effect only where the read does not hold it
    }

    /** MOVE key db where the key in the target db is held by a read: the move is translated (both dbs read). */
    private boolean movesOntoARead(Command c, int i, int arg) {
        if (i != 0 || !c.nameIs(MOVE) || c.argCount() != 3) {
            return false;
        }
        try {
            return readKeys.contains((int) c.argLong(2), c.buffer(), c.argOffset(arg), c.argLength(arg), upstreamEnd);
        } catch (NumberFormatException e) {
            return false; // the master refuses such a MOVE and propagates nothing
        }
    }

    /** The db of key {@code i}: COPY's destination may be in another. */
    private int keyDb(Command c, int i) {
        return i == 1 && c.nameIs(COPY) ? copyDb(c) : db;
    }

    /**
     * Whether a command reads keys that its key positions do not name: SORT ... STORE with a BY
     * or GET pattern reads keys the pattern makes, which may live on other shards.
     */
    private static boolean readsOtherKeys(Command c, CommandSpec spec, int n) {
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

    /** One command per shard with that shard's keys (and, for MSET, their values); {@code name} replaces the command's. */
    private void split(Command c, CommandSpec spec, int n, byte[] name) {
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
            if (name != null) {
                writer.bulk(name);
            } else {
                writer.bulk(c.buffer(), c.argOffset(0), c.argLength(0));
            }
            for (int k = 0; k < n; k++) {
                if (keyShards[k] == s) {
                    key(s, c, keys.arg(k));
                    for (int j = 1; j < spec.step(); j++) {
                        writer.bulk(c.buffer(), c.argOffset(keys.arg(k) + j), c.argLength(keys.arg(k) + j));
                    }
                }
            }
            emit(s, db, scratch, 0, writer.length());
        }
    }

    /** The command re-encoded with the shard's rewritten keys. */
    private void emitRewritten(int shard, Command c, int n) {
        writer.wrap(scratch, 0).arrayHeader(c.argCount());
        for (int arg = 0; arg < c.argCount(); arg++) {
            if (keys.contains(arg)) {
                key(shard, c, arg);
            } else {
                writer.bulk(c.buffer(), c.argOffset(arg), c.argLength(arg));
            }
        }
        emit(shard, db, scratch, 0, writer.length());
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

    private Outcome crossShard(Command c, CommandSpec spec, int n) {
        crossShard++;
        if (policy == CrossShardPolicy.TRANSLATE && reader != null) {
            return translate(c, spec, n, Translation.of(c));
        }
        if (policy == CrossShardPolicy.STOP) {
            throw new RouterException("cross-shard command (keys in different shards), policy stop: " + c);
        }
        logDropped(c, "keys in different shards");
        return Outcome.DROPPED;
    }

    /** A command no shard can be given exactly (the master would not have sent it, or a script hides its keys). */
    private Outcome untranslatable(Command c, String why) {
        crossShard++;
        if (policy == CrossShardPolicy.STOP) {
            throw new RouterException("cross-shard command (" + why + "), policy stop: " + c);
        }
        if (policy == CrossShardPolicy.TRANSLATE) { // no shard can be given it exactly: fail loud, never diverge quietly
            throw new RouterException("command at upstream offset " + upstreamEnd + " cannot be routed exactly (" + why + "): "
                + c.argDisplay(0, 32) + " ...; run with --cross-shard log to count and skip such commands");
        }
        logDropped(c, why);
        return Outcome.DROPPED;
    }

    private void logDropped(Command c, String why) {
        final long now = System.currentTimeMillis();
        if (now - lastCrossShardLog > 60_000) {
            lastCrossShardLog = now;
            LOG.warn("cross-shard command not forwarded ({}): {} ({} so far)", why, c, crossShard);
        }
    }

    /**
     * Gives each shard its part of a cross-shard command: the source side its own effect, each
     * destination the master's value read on the side connection, with the destination's commands
     * already in that read skipped from here on.
     */
    private Outcome translate(Command c, CommandSpec spec, int n, Translation how) {
        translated++;
        // which keys to read, in which db: a script replicated as such (2.8-4.0 masters) that may
        // SELECT writes its keys in any db, so each of its keys is read in every db
        final int dbCount = how == Translation.ALL_KEYS && mayWriteOtherDbs(c) ? Math.max(1, reader.databases()) : 1;
        int reads = 0;
        final int[] readDbs = new int[n * dbCount + 1];
        final byte[][] readKeysBytes = new byte[n * dbCount + 1][];
        final int[] readShards = new int[n * dbCount + 1];
        for (int i = 0; i < n; i++) {
            if (how.reads(i, n) && keyShards[i] >= 0) {
                for (int d = 0; d < dbCount; d++) {
                    readDbs[reads] = dbCount == 1 ? keyDb(c, i) : d;
                    readShards[reads] = keyShards[i];
                    readKeysBytes[reads++] = c.argBytes(keys.arg(i));
                }
            }
        }
        if (how == Translation.MOVE && keyShards[0] >= 0 && c.argCount() > 2) { // the key in both dbs
            readDbs[reads] = (int) c.argLong(2);
            readShards[reads] = keyShards[0];
            readKeysBytes[reads++] = c.argBytes(keys.arg(0));
        }
        // the source's own effect, in the stream's order, unless a read of the master already holds it
        if (how.sourceEffect() && keyShards[0] >= 0 && !generating
            && !readKeys.contains(db, c.buffer(), c.argOffset(keys.arg(0)), c.argLength(keys.arg(0)), upstreamEnd)) {
            sourceEffect(c, how);
        }
        // SMOVE names what it moves: the destination gets SADD of the member, no read needed
        // (the master propagates SMOVE only when the member moved)
        if (how == Translation.SMOVE && n == 2 && keyShards[1] >= 0 && c.argCount() == 4 && !generating
            && !readKeys.contains(db, c.buffer(), c.argOffset(keys.arg(1)), c.argLength(keys.arg(1)), upstreamEnd)) {
            writer.wrap(generated, 0).arrayHeader(3).bulk("SADD").bulk(c.buffer(), c.argOffset(2), c.argLength(2))
                .bulk(c.buffer(), c.argOffset(3), c.argLength(3));
            routeGenerated(writer.position());
        }
        if (reads == 0) {
            return Outcome.ROUTED;
        }
        final int[] dbs = Arrays.copyOf(readDbs, reads);
        final byte[][] names = Arrays.copyOf(readKeysBytes, reads);
        readAndRestore(dbs, names, Arrays.copyOf(readShards, reads),
            () -> names.length + " key(s) of cross-shard command " + c.argDisplay(0, 32));
        return Outcome.ROUTED;
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

    private static final byte[] SELECT_LOWER = bytes("select");
    private static final byte[] EVAL = bytes("EVAL");
    private static final byte[] EVALSHA = bytes("EVALSHA");

    /**
     * Reads keys from the master in one transaction and gives each key's shard (a negative one:
     * no shard claims it) the master's value; the key's commands up to the read's offset are
     * skipped from here on.
     */
    private void readAndRestore(int[] dbs, byte[][] names, int[] shards, java.util.function.Supplier<String> what) {
        final MasterReader.Read read;
        try {
            read = reader.read(dbs, names, rules != null && rules.decodesStrings());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + what.get() + " at upstream offset " + upstreamEnd + " from the master failed: "
                + e.getMessage(), e);
        }
        translatedKeys += names.length;
        final long readOffset = Math.max(read.offset(), upstreamEnd);
        final long now = read.timeMillis() > 0 ? read.timeMillis() : clock.getAsLong(); // the master's clock: its PTTLs count from it
        final int upstreamDb = db;
        for (int i = 0; i < names.length; i++) {
            if (shards[i] >= 0) {
                restore(shards[i], dbs[i], names[i], read.dumps()[i], read.pttls()[i], read.strings()[i], now);
                readKeys.add(dbs[i], names[i], readOffset);
            }
        }
        db = upstreamDb;
    }

    /** COPY src dst [DB n] [REPLACE]: the destination's db. */
    private int copyDb(Command c) {
        for (int a = 3; a + 1 < c.argCount(); a++) {
            if (c.argEqualsIgnoreCase(a, DB)) {
                return (int) c.argLong(a + 1);
            }
        }
        return db;
    }

    private void sourceEffect(Command c, Translation how) {
        writer.wrap(generated, 0);
        switch (how) {
            case RENAME -> writer.arrayHeader(2).bulk("DEL");
            case RPOP -> writer.arrayHeader(2).bulk("RPOP");
            case LMOVE -> writer.arrayHeader(2).bulk(c.argEqualsIgnoreCase(3, bytes("LEFT")) ? "LPOP" : "RPOP");
            case SMOVE -> writer.arrayHeader(3).bulk("SREM");
            default -> throw new IllegalStateException(how + " has no source effect");
        }
        writer.bulk(c.buffer(), c.argOffset(1), c.argLength(1));
        if (how == Translation.SMOVE) {
            writer.bulk(c.buffer(), c.argOffset(3), c.argLength(3));
        }
        routeGenerated(writer.position());
    }

    /** DEL, then RESTORE of the master's value (or SET of a string the value rules see), then PEXPIREAT. */
    private void restore(int shard, int keyDb, byte[] key, byte[] dump, long pttl, byte[] string, long now) {
        restoring = true;
        try {
            restoreAs(shard, keyDb, key, dump, pttl, string, now);
        } finally {
            restoring = false;
        }
    }

    private void restoreAs(int shard, int keyDb, byte[] key, byte[] dump, long pttl, byte[] string, long now) {
        db = keyDb;
        writer.wrap(generated, 0).arrayHeader(2).bulk("DEL").bulk(key);
        if (dump != null && dump.length > 0) {
            final String type = RdbConstants.dataType(dump[0] & 0xff);
            if (rules != null && rules.drops(type)) {
                filtered++;
            } else if (string != null && rules != null && rules.decodesStrings()) {
                final byte[] value = rules.value(keyDb, key, string); // what the value rules make of the string
                if (value == null) {
                    filtered++;
                } else {
                    writer.arrayHeader(3).bulk("SET").bulk(key).bulk(value);
                }
            } else if (rules != null && rules.decodesElements() && DumpCommands.elementsOf(type)) {
                // the transform sees each element, as on a live write: the value as the commands that build it
                routeGenerated(writer.position()); // the DEL
                DumpCommands.write(dump, key, generated, writer, this::routeGeneratedWithRules);
                writer.wrap(generated, 0);
            } else {
                writer.arrayHeader(4).bulk("RESTORE").bulk(key).bulk(0).bulk(dump);
            }
            if (pttl > 0) {
                writer.arrayHeader(3).bulk("PEXPIREAT").bulk(key).bulk(now + pttl);
            }
        }
        if (writer.position() > 0) {
            routeGenerated(writer.position());
        }
    }

    /** Routes what {@link DumpCommands} wrote in {@link #generated} through the value rules. */
    private void routeGeneratedWithRules(int end) {
        final boolean was = generating;
        generating = true;
        try {
            routeEach(generated, end, generatedFramer, false);
        } finally {
            generating = was;
        }
    }

    /** Routes what the router wrote in {@link #generated}: past the read keys, never translated again. */
    private void routeGenerated(int end) {
        final boolean was = generating;
        generating = true;
        try {
            routeEach(generated, end, generatedFramer, true);
        } finally {
            generating = was;
        }
    }

    /** How a cross-shard command is translated: which keys are read, what the source gets. */
    private enum Translation {
        /** RENAME/RENAMENX: DEL of the source; the destination read. */
        RENAME,
        /** RPOPLPUSH/BRPOPLPUSH: RPOP of the source. */
        RPOP,
        /** LMOVE/BLMOVE: the pop its wherefrom names. */
        LMOVE,
        /** SMOVE: SREM of the member from the source, SADD of it to the destination; nothing read. */
        SMOVE,
        /** COPY: the destination read, in the db its DB option names. */
        COPY,
        /** *STORE, PFMERGE, BITOP, GEOSEARCHSTORE: only the first key (the destination) changes. */
        FIRST_KEY,
        /** SORT ... STORE, GEORADIUS ... STORE: the last key is the destination. */
        LAST_KEY,
        /** MOVE of a key that was read: the key in both dbs. */
        MOVE,
        /** Scripts and anything else: every key read. */
        ALL_KEYS;

        static Translation of(Command c) {
            final String name = c.argString(0).toUpperCase(java.util.Locale.ROOT);
            return switch (name) {
                case "RENAME", "RENAMENX" -> RENAME;
                case "RPOPLPUSH", "BRPOPLPUSH" -> RPOP;
                case "LMOVE", "BLMOVE" -> LMOVE;
                case "SMOVE" -> SMOVE;
                case "COPY" -> COPY;
                case "SUNIONSTORE", "SINTERSTORE", "SDIFFSTORE", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZRANGESTORE",
                     "GEOSEARCHSTORE", "PFMERGE", "BITOP" -> FIRST_KEY;
                case "SORT", "GEORADIUS", "GEORADIUSBYMEMBER" -> LAST_KEY;
                default -> ALL_KEYS;
            };
        }

        boolean sourceEffect() {
            return this == RENAME || this == RPOP || this == LMOVE || this == SMOVE;
        }

        /** Whether key {@code i} of {@code n} is read from the master. */
        boolean reads(int i, int n) {
            return switch (this) {
                case RENAME, RPOP, LMOVE, COPY -> i == 1;
                case SMOVE -> false; // the member is in the command: SREM and SADD say it all
                case FIRST_KEY -> i == 0;
                case LAST_KEY -> i == n - 1 && n > 1;
                case MOVE -> i == 0;
                case ALL_KEYS -> true;
            };
        }
    }

    /** Adds a command for a shard: to the open transaction, or to the shard's entry for this master command. */
    private void emit(int shard, int targetDb, DirectBuffer bytes, int offset, int length) {
        if (restoring) {
            if (readsLength[shard] == 0) {
                readsFirstDb[shard] = targetDb;
                readsDb[shard] = targetDb;
            } else if (readsDb[shard] != targetDb) {
                readsLength[shard] += select(reads[shard], readsLength[shard], targetDb);
                readsDb[shard] = targetDb;
            }
            reads[shard].putBytes(readsLength[shard], bytes, offset, length);
            readsLength[shard] += length;
            anyReads = true;
            routed++;
            return;
        }
        if (inMulti) {
            final ExpandableArrayBuffer buffer = tx[shard];
            if (txCommands[shard] == 0) {
                txLength[shard] = 0;
                txFirstDb[shard] = targetDb;
            }
            if (txDb[shard] != targetDb) {
                txLength[shard] += select(buffer, txLength[shard], targetDb);
                txDb[shard] = targetDb;
            }
            buffer.putBytes(txLength[shard], bytes, offset, length);
            txLength[shard] += length;
            txCommands[shard]++;
            return;
        }
        if (pendingLength[shard] == 0 && directLength[shard] < 0) {
            if (touchedCount == touched.length) {
                touched = Arrays.copyOf(touched, touched.length * 2);
            }
            touched[touchedCount++] = shard;
        }
        if (pendingLength[shard] == 0) {
            pendingDb[shard] = targetDb;
            if (shardDb[shard] == targetDb && bytes == topBuffer && directLength[shard] < 0) {
                // the master's command as it came, alone so far: journaled from where it lies, not copied
                // (a 100 MB SET is not copied once more); a second command for the shard copies it first
                directOffset[shard] = offset;
                directLength[shard] = length;
                routed++;
                return;
            }
            if (directLength[shard] >= 0) {
                pending[shard].putBytes(0, topBuffer, directOffset[shard], directLength[shard]);
                pendingLength[shard] = directLength[shard];
                directLength[shard] = -1;
            }
        }
        if (shardDb[shard] != targetDb) {
            pendingLength[shard] += select(pending[shard], pendingLength[shard], targetDb);
            shardDb[shard] = targetDb;
        }
        pending[shard].putBytes(pendingLength[shard], bytes, offset, length);
        pendingLength[shard] += length;
        routed++;
    }

    private int select(ExpandableArrayBuffer buffer, int at, int targetDb) {
        return selectWriter.wrap(buffer, at).arrayHeader(2).bulk("SELECT").bulk(targetDb).length();
    }

    /** Writes each shard's part of the master command just routed as one entry. */
    private void flushPending() {
        for (int t = 0; t < touchedCount; t++) {
            final int s = touched[t];
            if (directLength[s] >= 0) {
                if (!sink.append(s, pendingDb[s], false, topBuffer, directOffset[s], directLength[s])) {
                    shardDb[s] = -1; // not journaled (a replay): a SELECT it held is not in the journal either
                }
                directLength[s] = -1;
                continue;
            }
            if (pendingLength[s] == 0) {
                continue;
            }
            if (!sink.append(s, pendingDb[s], false, pending[s], 0, pendingLength[s])) {
                shardDb[s] = -1;
            }
            pendingLength[s] = 0;
        }
        touchedCount = 0;
    }

    /**
     * Writes what reads of the master gave each shard, after the command's (or transaction's)
     * own entries: the read holds every command of the master up to its offset, so coming after
     * them is exact. Always journaled, even when a restart replays a command whose entries the
     * journal already holds: the keys' commands up to the new read are skipped, which is only
     * right if the shard gets the new read's values.
     */
    private void flushReads() {
        if (!anyReads) {
            return;
        }
        anyReads = false;
        mayHoldLarge = true; // a read may carry a big value
        for (int s = 0; s < shards; s++) {
            if (readsLength[s] == 0) {
                continue;
            }
            final int start = select(txEntry, 0, readsFirstDb[s]);
            txEntry.putBytes(start, reads[s], 0, readsLength[s]);
            sink.append(s, readsFirstDb[s], true, txEntry, 0, start + readsLength[s]);
            shardDb[s] = readsDb[s];
            readsLength[s] = 0;
        }
    }

    private void flushTransaction() {
        inMulti = false;
        for (int s = 0; s < shards; s++) {
            if (txCommands[s] == 0) {
                continue;
            }
            final int start = writer.wrap(txEntry, 0).command("MULTI").length();
            txEntry.putBytes(start, tx[s], 0, txLength[s]);
            final int end = writer.wrap(txEntry, start + txLength[s]).command("EXEC").position();
            final boolean appended = sink.append(s, txFirstDb[s], false, txEntry, 0, end);
            mayHoldLarge |= end > BUFFER_KEPT / 4;
            shardDb[s] = appended ? txDb[s] : -1;
            routed += txCommands[s];
            txCommands[s] = 0;
        }
        flushReads();
    }

    /** Buffers past this size are let go once what they held is journaled. */
    private static final int BUFFER_KEPT = 1 << 20;
    /** A big command, transaction or read went through since the last release: some buffer may have grown. */
    private boolean mayHoldLarge;
    /** The shards the command being routed sends an entry to (outside a transaction), in order of first use. */
    private int[] touched = new int[8];
    private int touchedCount;
    private boolean anyReads;

    /**
     * One big command or transaction must not hold its size in the heap for good (the upstream
     * read buffer shrinks back too): the buffers that held it whole are replaced by small ones.
     * Called between master commands, outside a transaction; costs a few compares otherwise.
     */
    private void releaseLargeBuffers() {
        boolean released = false;
        for (int s = 0; s < shards; s++) {
            if (pending[s].capacity() > BUFFER_KEPT) {
                pending[s] = new ExpandableArrayBuffer(256);
                released = true;
            }
            if (reads[s].capacity() > BUFFER_KEPT) {
                reads[s] = new ExpandableArrayBuffer(256);
                released = true;
            }
            if (tx[s].capacity() > BUFFER_KEPT) {
                tx[s] = new ExpandableArrayBuffer(256);
                released = true;
            }
        }
        if (txEntry.capacity() > BUFFER_KEPT) {
            txEntry = new ExpandableArrayBuffer(4096);
            released = true;
        }
        if (released) { // the writers may still wrap a released buffer
            writer.wrap(txEntry, 0);
            selectWriter.wrap(txEntry, 0);
        }
    }
}
