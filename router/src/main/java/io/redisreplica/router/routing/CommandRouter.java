package io.redisreplica.router.routing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongSupplier;

import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.rdb.KeyRewriter;
import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.router.support.SpillBuffer;

/**
 * Turns the master's command stream into per-shard streams, so that each shard ends with exactly
 * the master's keys of that shard:
 * <ul>
 *   <li>single-key commands go to their shard verbatim; DEL/UNLINK/EXISTS/TOUCH/MSET are split,
 *       and so is MSETNX across shards (the master only propagates it when it set every key)
 *       ({@link ShardCommands});
 *   <li>FLUSHALL and the like go to every shard; the master's PING and REPLCONF are not forwarded;
 *   <li>MULTI/EXEC becomes one transaction per shard that has commands in it, with its SELECTs
 *       in place, written as a single journal entry so no PSYNC can start inside it
 *       ({@link ShardTransactions});
 *   <li>relative times to live become absolute ({@link AbsoluteTtl}); the value rules edit
 *       values first ({@link RuleApplier});
 *   <li>a command whose keys span shards is translated ({@link CrossShardPolicy#TRANSLATE},
 *       {@link Translator}): the source side gets its own effect, and each destination the value
 *       the master holds, read on a side connection at a known replication offset; the key's
 *       commands already in that read are skipped ({@link ReadKeys}).
 * </ul>
 * Every master command yields at most one journal entry per shard ({@link PendingEntries}), so a
 * restart that replays the master's stream skips or writes each command's part of a shard whole.
 * A shard with a key rewriter gets its commands re-encoded with the rewritten keys (routing uses
 * the original). This class decides where each command goes; its collaborators, package-private,
 * each do one part of it: {@link ShardEntries} (what each journal receives), {@link RuleApplier},
 * {@link ShardCommands}, {@link CrossShard} (the policy), {@link Translator} and {@link KeyRestorer}.
 * Built by {@link #builder}.
 *
 * <p>About 400 lines: the routing decisions are about 230 of them; the rest is the public surface
 * the upstream link and INFO read (resume state, open reads, counters), which stays here so that
 * callers see one object.
 *
 * <p>One instance per upstream link, used by its thread. Its counters are read by INFO and the
 * tools from other threads, as the link publishes them ({@link #publishCounts()}).
 */
public final class CommandRouter {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRouter.class);
    private static final byte[] GETACK = bytes("GETACK");
    private static final byte[] FLUSHALL = bytes("FLUSHALL");
    private static final byte[] FLUSHDB = bytes("FLUSHDB");
    private static final byte[] SWAPDB = bytes("SWAPDB");
    private static final byte[] MSET = bytes("MSET");
    private static final byte[] MSETNX = bytes("MSETNX");

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** What the caller must do after a command. */
    public enum Outcome { ROUTED, DROPPED, GETACK }

    private final ShardMap map;
    private final CommandTable table;
    private final LongSupplier clock;
    private final RouteCounters counters = new RouteCounters();
    private final CommandKeys keys = new CommandKeys();
    private final ShardEntries entries;
    private final ShardCommands shardCommands;
    private final RuleApplier rules;
    private final GeneratedCommands generated;
    private final KeyRestorer restorer;
    private final Translator translator;
    private final CrossShard policy;

    /** The upstream's current db. */
    private int db;
    /** Where the master command being routed ends in the upstream stream. */
    private long upstreamEnd;
    /** The upstream offset after the last command routed outside a transaction: a safe place to resume. */
    private long stableOffset = -1;
    /** The upstream's db at {@link #stableOffset}. */
    private int stableDb;

    /** Commands the value rules made: re-framed here and routed like the master's own. */
    private final CommandFramer ruledFramer = new CommandFramer(RespDecoderContext.preChecked());
    private final AbsoluteTtl absoluteTtl = new AbsoluteTtl();
    private final SpillBuffer ttlBuffer;
    private final CommandFramer ttlFramer = new CommandFramer(RespDecoderContext.preChecked());

    CommandRouter(CommandRouterBuilder b) {
        final int shards = b.map.shards().size();
        this.map = b.map;
        this.table = b.table;
        this.clock = b.clock;
        final KeyRewriter[] rewriters = b.rewriters == null ? new KeyRewriter[shards] : b.rewriters.clone();
        this.ttlBuffer = b.spill.buffer(256);
        this.entries = new ShardEntries(shards, b.appender, counters, b.spill);
        this.shardCommands = new ShardCommands(shards, entries, keys, rewriters, counters, b.spill);
        this.rules = b.rules == null ? null : new RuleApplier(b.rules, table, keys.args, counters, b.spill);
        this.generated = new GeneratedCommands(this, b.spill);
        this.restorer = new KeyRestorer(this, entries, generated, map, b.reader, b.rules, counters, clock);
        this.translator = new Translator(this, shardCommands, keys, restorer, generated, counters);
        this.policy = new CrossShard(b.policy, this, translator, restorer, counters);
    }

    /**
     * A router over {@code map} that hands each shard's entries to {@code appender}, and treats
     * commands whose keys span shards by {@code policy}.
     */
    public static CommandRouterBuilder builder(ShardMap map, CrossShardPolicy policy, ShardAppender appender) {
        return new CommandRouterBuilder(map, policy, appender);
    }

    /** The command table, to teach it the master's own (from COMMAND) before the stream starts. */
    public CommandTable table() {
        return table;
    }

    /** After a new snapshot or a restart: the next command of each shard re-emits SELECT. */
    public void forgetShardDbs() {
        entries.forgetShardDbs();
    }

    /** After a new snapshot: no transaction is open, no key holds a read value. */
    public void reset() {
        entries.reset();
        restorer.readKeys().clear();
        stableOffset = -1; // offsets of the old dataset mean nothing in the new one
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
        return entries.inTransaction();
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
    public List<Checkpoint.ReadState> openReads(long offset) {
        return restorer.readKeys().after(offset);
    }

    /** After a restart: the reads the checkpoint carried. */
    public void restoreReads(List<Checkpoint.ReadState> reads) {
        for (Checkpoint.ReadState r : reads) {
            restorer.readKeys().add(r.db(), r.key(), r.offset());
        }
    }

    /** The upstream's db at {@link #stableOffset()}. */
    public int stableDb() {
        return stableDb;
    }

    /**
     * On the upstream link's thread, after a batch (a read of the master's stream): makes the
     * counts below, which it keeps in plain fields, visible to the admin port's and the tools'
     * threads. The counts are as of the last call: none of them moves between two.
     */
    public void publishCounts() {
        counters.publish();
    }

    /** Commands handed to a shard (a transaction's commands when it is journaled), as last published. */
    public long routed() {
        return counters.published(RouteCounters.ROUTED);
    }

    /** Keys no shard claims, as last published. */
    public long unclaimed() {
        return counters.published(RouteCounters.UNCLAIMED);
    }

    /** Commands whose keys span shards (translated or, under LOG/STOP, not forwarded), as last published. */
    public long crossShard() {
        return counters.published(RouteCounters.CROSS_SHARD);
    }

    /** Cross-shard commands sent to each shard as its part of the master's result, as last published. */
    public long translated() {
        return counters.published(RouteCounters.TRANSLATED);
    }

    /** Keys read from the master for translated commands, as last published. */
    public long translatedKeys() {
        return counters.published(RouteCounters.TRANSLATED_KEYS);
    }

    /** Commands (or their keys) not sent because a read of the master already held their effect, as last published. */
    public long readSkipped() {
        return counters.published(RouteCounters.READ_SKIPPED);
    }

    /** Commands the command table does not know, and keyless ones not forwarded, as last published. */
    public long unknown() {
        return counters.published(RouteCounters.UNKNOWN);
    }

    /** Keys the value rules kept off the shards (their write became a DEL), as last published. */
    public long filtered() {
        return counters.published(RouteCounters.FILTERED);
    }

    /** Where the master command being routed ends in the upstream stream. */
    long upstreamEnd() {
        return upstreamEnd;
    }

    /** The db the commands being routed act in, without moving the resume point's: a restore routes in its key's db. */
    void routingDb(int value) {
        db = value;
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
     * The buffers a command is rewritten in hold nothing once its entries are built: one that a
     * big command grew (or spilled to a file) goes back to its small heap array. Four compares.
     */
    private void shrinkScratch() {
        ttlBuffer.shrink(ShardEntries.BUFFER_KEPT);
        shardCommands.releaseLarge(ShardEntries.BUFFER_KEPT);
        generated.buffer().shrink(ShardEntries.BUFFER_KEPT);
        if (rules != null) {
            rules.ruled().shrink(ShardEntries.BUFFER_KEPT);
        }
    }

    /**
     * Forgets what a command that failed half-way (a journal append refused on a full disk, a
     * read of the master cut off) left behind: the link resumes from its last committed offset,
     * and the command comes again whole. The shards' dbs are forgotten too (a SELECT may have
     * been counted as journaled and not be): the next entries select again.
     */
    private void abandon() {
        entries.abandon();
        generated.abandon();
    }

    private Outcome routeCommand(Command c) {
        if (c.isEmpty()) {
            return Outcome.DROPPED;
        }
        upstreamEnd = c.streamOffset() + c.length();
        entries.command(c.buffer(), c.length());
        restorer.readKeys().passed(c.streamOffset());
        final Outcome outcome;
        final int converted = absoluteTtl.convert(c, clock, ttlBuffer);
        if (converted > 0) {
            outcome = routeEach(ttlBuffer, converted, ttlFramer, false);
        } else {
            outcome = routeWithRules(c);
        }
        if (!entries.inTransaction()) {
            entries.commandDone();
            stableOffset = upstreamEnd;
            stableDb = db;
        }
        shrinkScratch();
        return outcome;
    }

    private Outcome routeWithRules(Command c) {
        if (rules != null) {
            final int end = rules.apply(c, db);
            if (end > 0) {
                return routeEach(rules.ruled(), end, ruledFramer, true);
            }
            if (end < 0) {
                return Outcome.DROPPED; // every element it named is left out
            }
        }
        return routeAsIs(c);
    }

    /** Routes the commands in {@code buffer[0, end)} one by one (through the value rules unless {@code asIs}). */
    Outcome routeEach(DirectBuffer buffer, int end, CommandFramer framer, boolean asIs) {
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

    private Outcome routeAsIs(Command c) {
        CommandSpec spec = table.lookup(c);
        if (spec == null) {
            counters.unknown++;
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
                entries.multi();
                return Outcome.ROUTED;
            }
            case EXEC -> {
                entries.exec();
                return Outcome.ROUTED;
            }
            case KEYLESS -> {
                counters.unknown++;
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
        final ReadKeys readKeys = restorer.readKeys();
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
        for (int s = 0; s < map.shards().size(); s++) {
            entries.emit(s, db, c.buffer(), c.offset(), c.length());
        }
        if (swapped != null && !swapped.isEmpty() && restorer.canRead()) {
            restorer.rereadAfterSwap((int) c.argLong(1), (int) c.argLong(2), swapped);
        }
    }

    private Outcome routeByKeys(Command c, CommandSpec spec) {
        final int n = spec.search() == CommandSpec.Search.KEY_SPECS && spec.incompleteKeySpecs() ? translator.masterKeys(c, spec)
            : KeyPositions.of(c, spec, keys.args);
        if (n == KeyPositions.BAD_NUMKEYS) {
            return policy.untranslatable(c, "numkeys is not a number");
        }
        if (n == KeyPositions.NO_KEYS_DECLARED) {
            return policy.untranslatable(c, "a script with no declared keys: its shard cannot be known");
        }
        if (n == 0) {
            return Outcome.DROPPED;
        }
        keys.ensure(n);
        boolean same = true;
        int skipped = 0;
        for (int i = 0; i < n; i++) {
            final int arg = keys.args.arg(i);
            keys.shard(i, map.shardOf(keys.bytes(c, arg), 0, c.argLength(arg)));
            same &= keys.shard(i) == keys.shard(0);
            if (translator.held(c, i, arg)) {
                skipped++;
            }
        }
        if (skipped > 0) {
            return translator.alreadyRead(c, spec, n, skipped);
        }
        if (same && !(policy.translates() && Translator.readsOtherKeys(c, spec, n))) {
            final int shard = keys.shard(0);
            if (shard < 0) {
                counters.unclaimed++;
                return Outcome.DROPPED;
            }
            if (shardCommands.rewrites(shard)) {
                shardCommands.rewritten(shard, c, db);
            } else {
                entries.emit(shard, db, c.buffer(), c.offset(), c.length());
            }
            return Outcome.ROUTED;
        }
        if (spec.kind() == CommandSpec.Kind.SPLITTABLE) {
            shardCommands.split(c, spec, n, null, db);
            return Outcome.ROUTED;
        }
        if (c.nameIs(MSETNX)) {
            shardCommands.split(c, spec, n, MSET, db); // propagated only when it set every key: per shard, an MSET of its keys
            return Outcome.ROUTED;
        }
        return policy.route(c, spec, n);
    }
}
