package io.redisreplica.router.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.client.MasterHandshake;
import io.redisreplica.client.MasterRole;
import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.rdb.KeyRewriter;
import io.redisreplica.rdb.RdbSplitter;
import io.redisreplica.router.config.HostPort;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CommandRouter;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.routing.RouterException;
import io.redisreplica.router.routing.ValueRules;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.support.Agent;
import io.redisreplica.router.support.DistinctErrors;
import io.redisreplica.router.support.ErrorHandler;
import io.redisreplica.router.support.SpillFiles;
import io.redisreplica.router.tls.SocketFactory;

/**
 * The router's one connection to the master, as a replica, and its state machine (after Aeron's
 * {@code RecordingSession}): one thread drives every transition through {@link #state(State, String)},
 * others read the published {@link #state()}. Each attempt connects ({@link MasterHandshake}),
 * PSYNCs from the journal's checkpoint, splits a full sync's RDB into the shards' snapshots
 * ({@link FullSync}) and then streams ({@link StreamLoop}); it acknowledges to the master only what
 * the journal has committed, so the master's WAIT means "journaled".
 *
 * <p>Errors: a fault that may clear (the master unreachable or refusing, a full or read-only
 * disk, too many open files) is retried with backoff and jitter, logged once per distinct error
 * and then counted; the link resumes by itself when the cause clears. What retrying cannot fix
 * (a {@link RouterException}: the cross-shard policy {@code stop}, a stream that cannot be read)
 * and any {@code Error} go to the {@link ErrorHandler} as fatal, and the link stops.
 *
 * <p>Over 300 lines because the transitions, the retry loop (with the walk along ROLE to the node
 * to replicate from, and the check of a new master's fork point) and the figures INFO reads
 * belong together; each step it drives lives in its own class.
 */
public final class UpstreamLink extends Agent {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamLink.class);
    private static final long JOIN_MS = 5000;

    /** Where the link is: written by the link's thread only, published for INFO. */
    public enum State { CONNECTING, HANDSHAKE, FULL_SYNC, STREAMING, WAITING_TO_RETRY, STOPPED }

    private final RouterConfig config;
    private final List<ShardRuntime> shards;
    private final MasterConnection.Connector connector;
    private final SocketFactory sockets;
    private final UpstreamPosition position;
    /** Writes the stream's periodic checkpoints off this thread (issue 18); owned and closed by {@link #run}. */
    private final CheckpointWriter checkpoints;
    /** Touches the journal's pages ahead of this thread's appends (issue 18); owned and closed by {@link #run}. */
    private final JournalPretoucher pretoucher;
    private final CommandRouter router;
    private final FullSync fullSync;
    private final StreamLoop stream;
    /** Reads cross-shard destinations from the master; closed with the link. */
    private final MasterSideConnection sideConnection;
    private final DistinctErrors retries;
    /** The wait before the next attempt: back to its least once the link streams again (see {@link #state}). */
    private final RetryBackoff backoff = new RetryBackoff();
    /** Counted down by {@link #close()}: ends a backoff wait at once. */
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Which node to replicate from: the fixed address, the master it follows, or the sentinels' answer. */
    private final MasterLocator locator;
    /** Listens for {@code +switch-master} (with {@code upstream-sentinel} only; else null); runs while the link runs. */
    private final SentinelWatcher watcher;
    /** Set by a {@code +switch-master}: the backoff wait ends at once, and the next attempt goes to the new master. */
    private final Semaphore retryNow = new Semaphore(0);

    private volatile State state = State.CONNECTING;
    private volatile MasterConnection connection;
    private volatile boolean fullResyncRequested;
    private volatile long fullSyncs;
    private volatile long partialSyncs;
    private volatile String lastError = "";
    private volatile long lastErrorMillis = -1;
    /** When the master's connection last gave bytes, -1 before the first. */
    private volatile long lastReadMillis = -1;
    /** Attempts that failed since the link last streamed. */
    private volatile long failures;
    private boolean commandsLearned;
    /** The master's COMMAND table being read beside the handshake until the link learns it; null before and after. */
    private volatile CommandTableFetch commandFetch;
    /** The master only knows SYNC: it takes no ACKs and every reconnect is a full sync. */
    private boolean legacySync;

    /**
     * @param valueRules the config's value rules with their transforms opened (for this link's thread alone), or null
     * @param receivers adds the receivers' state to each checkpoint, on this link's thread (the checkpoint's one writer)
     */
    public UpstreamLink(RouterConfig config, ValueRules valueRules, Journal journal, List<ShardRuntime> shards, Path snapshotDir,
                        CrossShardPolicy policy, Consumer<Checkpoint> receivers, ErrorHandler errors) throws IOException {
        this(config, valueRules, journal, shards, snapshotDir, policy, receivers, errors, SocketMasterConnection.sockets(config));
    }

    private UpstreamLink(RouterConfig config, ValueRules valueRules, Journal journal, List<ShardRuntime> shards, Path snapshotDir,
                         CrossShardPolicy policy, Consumer<Checkpoint> receivers, ErrorHandler errors, SocketFactory sockets)
        throws IOException {
        this(config, valueRules, journal, shards, snapshotDir, policy, receivers, errors, SocketMasterConnection.connector(sockets),
            sockets);
    }

    UpstreamLink(RouterConfig config, ValueRules valueRules, Journal journal, List<ShardRuntime> shards, Path snapshotDir,
                 CrossShardPolicy policy, Consumer<Checkpoint> receivers, ErrorHandler errors, MasterConnection.Connector connector)
        throws IOException {
        this(config, valueRules, journal, shards, snapshotDir, policy, receivers, errors, connector, SocketFactory.plain());
    }

    /** @param sockets how the side connection and the COMMAND read connect to the master, as the link's own connections */
    UpstreamLink(RouterConfig config, ValueRules valueRules, Journal journal, List<ShardRuntime> shards, Path snapshotDir,
                 CrossShardPolicy policy, Consumer<Checkpoint> receivers, ErrorHandler errors, MasterConnection.Connector connector,
                 SocketFactory sockets) throws IOException {
        super(config.sentinels() != null ? "upstream-sentinel-" + config.sentinels().masterName()
            : "upstream-" + config.upstreamHost() + ":" + config.upstreamPort(), errors, JOIN_MS);
        this.config = config;
        this.shards = shards;
        this.connector = connector;
        // the RDB split and the command stream share the rewriters and rules: both run on this thread
        final KeyRewriter[] rewriters = config.keyRewriters();
        this.sockets = sockets;
        this.sideConnection = new MasterSideConnection(config.upstreamHost(), config.upstreamPort(), config.upstreamUser(),
            config.upstreamPassword(), sockets);
        // commands and transactions past the heap limit wait in files on the journal's disk until journaled
        final SpillFiles spill = new SpillFiles(config.journalDir().resolve("spill"), SpillFiles.DEFAULT_HEAP_LIMIT);
        this.checkpoints = new CheckpointWriter(journal, errors);
        this.pretoucher = new JournalPretoucher(journal, errors);
        this.position = new UpstreamPosition(journal, shards, receivers, appender -> CommandRouter.builder(config.shardMap(), policy, appender)
            .rewriters(rewriters).rules(valueRules).reader(sideConnection).spill(spill).build(), checkpoints);
        this.router = position.router();
        this.fullSync = new FullSync(config.shardMap(), shards, snapshotDir, position, rewriters, valueRules,
            config.journalContext().sync() == JournalContext.Sync.COMMIT);
        this.stream = new StreamLoop(shards, position, config.protoMaxBulkLen(), config.maxCommandLength(), spill);
        this.retries = errors.distinct(LOG, "upstream");
        this.locator = new MasterLocator(config);
        this.watcher = locator.sentinelClients() == null ? null : new SentinelWatcher(locator.sentinelClients(), this::masterSwitched,
            errors);
    }

    /** The node the link replicates from (or tries to), as {@code host:port}; "" before the first attempt. */
    public String master() {
        final HostPort m = locator.master();
        return m == null ? "" : m.toString();
    }

    /** {@code upstream-sentinel}'s state for INFO: null without sentinels. */
    public SentinelView sentinel() {
        if (watcher == null) {
            return null;
        }
        return new SentinelView(locator.sentinels().masterName(), locator.sentinels().sentinels().size(), locator.lastSentinel(),
            watcher.state(), watcher.switches());
    }

    /**
     * What INFO shows of the sentinels.
     *
     * @param lastAnswer the sentinel that named the master last
     * @param watch {@code subscribed:HOST:PORT} while a sentinel's {@code +switch-master} is listened to, else {@code connecting}
     * @param switches {@code +switch-master} announcements of the master seen
     */
    public record SentinelView(String masterName, int sentinels, String lastAnswer, String watch, long switches) {
    }

    /** From the watcher's thread: our master moved. The link leaves the old one and connects to {@code to} at once. */
    private void masterSwitched(HostPort sentinel, HostPort to) {
        locator.switched(to);
        if (!to.equals(locator.master()) || state != State.STREAMING) {
            closeConnection();
            retryNow.release();
        }
    }

    /** The router's counters, for INFO. */
    public CommandRouter router() {
        return router;
    }

    /** How often the read buffer grew for a command longer than it (it shrinks back after each). */
    public long bufferGrowths() {
        return stream.bufferGrowths();
    }

    /** Entries not journaled again during the replay after a restart, because their shard had them. */
    public long replaySkipped() {
        return position.replaySkipped();
    }

    public State state() {
        return state;
    }

    public String replid() {
        return position.replid();
    }

    /** Master offset covered by the journal. */
    public long offset() {
        return position.offset();
    }

    public long fullSyncs() {
        return fullSyncs;
    }

    public long partialSyncs() {
        return partialSyncs;
    }

    /** Bytes of RDB read in the current or last full sync. */
    public long syncBytes() {
        return fullSync.bytes();
    }

    /** Wall-clock millis of the last bytes read from the master (handshake, RDB or stream), -1 before any. */
    public long lastReadMillis() {
        return lastReadMillis;
    }

    /** The link's last fault, or the checkpoint writer's or the pretoucher's when that came later ("" before any). */
    public String lastError() {
        final long checkpointMillis = checkpoints.lastFailureMillis();
        final long pretouchMillis = pretoucher.lastFailureMillis();
        if (pretouchMillis > lastErrorMillis && pretouchMillis > checkpointMillis) {
            return pretoucher.lastFailure();
        }
        return checkpointMillis > lastErrorMillis ? checkpoints.lastFailure() : lastError;
    }

    /**
     * Faults retried since start (each distinct one was logged once), the checkpoint writer's
     * and the pretoucher's included: they work for the link's stream, and a checkpoint the
     * journal refuses is the link's fault to report, as when the link wrote it; {@code errors()}
     * is the agent's error handler.
     */
    public long retriedFaults() {
        return retries.total() + checkpoints.failures() + pretoucher.failures();
    }

    /** Pages of the journal's files touched ahead of this link's appends since start (issue 18). */
    public long pretouchedPages() {
        return pretoucher.pages();
    }

    /** Shard rounds of the pretoucher that failed since start (each distinct error logged once; also in {@link #retriedFaults()}). */
    public long pretouchFailures() {
        return pretoucher.failures();
    }

    /** Periodic checkpoints the journal refused since start (each retried by the next; also in {@link #retriedFaults()}). */
    public long checkpointFailures() {
        return checkpoints.failures();
    }

    /** Why the router stopped by itself (the error handler's first fatal error), or null: the process must exit non-zero. */
    public String failure() {
        return errors().failure();
    }

    /** Makes the next connection ask for a full sync (a new snapshot); drops the current one. Any thread. */
    public void requestFullResync(String reason) {
        if (!fullResyncRequested) {
            LOG.warn("upstream: full resync requested: {}", reason);
        }
        fullResyncRequested = true;
        closeConnection();
    }

    @Override
    protected void wake() {
        closed.countDown();
        retryNow.release();
        closeConnection();
        final CommandTableFetch fetch = commandFetch;
        if (fetch != null) {
            fetch.wakeToClose(); // a link waiting for the table in learnCommands() goes on to see it is closing
        }
    }

    /** Replicates until closed, or until a fault that retrying cannot fix. */
    @Override
    protected void run() {
        boolean clean = false;
        String reason = "failed";
        try {
            // started inside the try: a start that fails (no native thread) still closes what did start
            checkpoints.start();
            pretoucher.start();
            if (watcher != null) {
                watcher.start();
            }
            clean = retryUntilClosed();
            reason = clean ? "stopped" : failure();
        } catch (Error | RuntimeException e) {
            lastError = e.toString();
            lastErrorMillis = System.currentTimeMillis();
            reason = e.toString();
            throw e; // to the error handler, as fatal
        } finally {
            if (watcher != null) {
                watcher.close();
            }
            sideConnection.close();
            final CommandTableFetch fetch = commandFetch;
            if (fetch != null) {
                fetch.close();
            }
            pretoucher.close(); // joined before the journal closes: a round holds a shard's mapping
            if (clean) {
                try {
                    position.writeCheckpoint(); // a clean stop resumes from exactly here
                } catch (RuntimeException e) {
                    LOG.warn("upstream: last checkpoint not written: {}", e.toString());
                }
            }
            checkpoints.close(); // after the last one: nothing offered before it is written over it
            state(State.STOPPED, reason);
        }
    }

    /** @return true when closed, false when a fault that cannot be retried ended the link (the error handler has it) */
    private boolean retryUntilClosed() {
        while (!closing()) {
            try {
                replicate();
                backoff.reset();
            } catch (IOException | RuntimeException e) {
                if (closing()) {
                    break;
                }
                lastError = e.toString();
                lastErrorMillis = System.currentTimeMillis();
                if (e instanceof RouterException) {
                    errors().fatal(name(), e);
                    return false;
                }
                failures++;
                if (state == State.FULL_SYNC) {
                    backoff.fullSyncFailed(); // a disk too small for the snapshots, say
                }
                retries.record("retrying in up to " + backoff.current() + " ms", e);
                state(State.WAITING_TO_RETRY, e.getMessage() == null ? e.toString() : e.getMessage());
            } finally {
                closeConnection();
            }
            if (awaitClose(backoff.next())) {
                break;
            }
        }
        return true;
    }

    /** One attempt: connect (following ROLE where the locator says so), handshake, sync, stream until the connection ends. */
    private void replicate() throws IOException {
        state(State.CONNECTING, "connecting");
        retryNow.drainPermits();
        HostPort target = locator.target();
        MasterConnection c;
        MasterHandshake handshake;
        InputStream in;
        for (int hop = 0; ; hop++) {
            c = connector.newConnection(target);
            connection = c;
            if (closing()) {
                return; // close() came before this connection was published: its wake did not see it
            }
            try {
                c.connect(); // a close() meanwhile closes it, so a connect that hangs ends at once
            } catch (IOException e) {
                locator.unreachable(target);
                throw new IOException(target + ": " + e.getMessage(), e);
            }
            in = new ReadClock(c.input(), now -> lastReadMillis = now); // when the master last sent a byte, for INFO and /ready
            handshake = new MasterHandshake(in, c.output());
            state(State.HANDSHAKE, "connected to " + target);
            try {
                handshake.greet(config.upstreamUser(), config.upstreamPassword());
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("NOAUTH") && config.upstreamPassword() == null) {
                    throw new IOException(e.getMessage() + ": set upstream-password in the config", e);
                }
                if (!config.upstreamTls() && TlsPortHint.looksLikeTlsPort(e)) {
                    // how it ended in fixed words, not the cause's text: logged once per way, not per retry
                    throw new IOException("master " + target + " ended the plain connection at its first command: " + TlsPortHint.how(e)
                        + TlsPortHint.MASTER, e);
                }
                throw e;
            }
            final MasterRole role = handshake.role();
            final HostPort next = locator.judge(target, role);
            if (next == null) {
                if (role.offset() >= 0 && position.offset() >= 0) {
                    forkPoint(handshake, target);
                }
                break;
            }
            if (hop + 1 >= MasterLocator.MAX_HOPS) {
                throw new IOException("followed ROLE through " + MasterLocator.MAX_HOPS + " replicas without reaching a master (at "
                    + target + ")");
            }
            c.close();
            target = next;
        }
        locator.connected(target);
        sideConnection.moveTo(target.host(), target.port());
        fetchCommands(target);
        final ReplconfAck ack = new ReplconfAck(c.output());
        handshake.announce(shards.get(0).shard().port());
        if (fullResyncRequested) {
            fullResyncRequested = false;
            position.forget();
        }
        position.resume();
        final String reply = handshake.psync(position.psyncReplid(), position.psyncOffset());
        InputStream commands = in;
        final long startOffset;
        if (reply.startsWith("+FULLRESYNC")) {
            final String[] f = reply.split(" ");
            if (f.length < 3) {
                throw new IOException("master answered PSYNC with " + reply);
            }
            commands = fullSync(in, ack, f[1], Long.parseLong(f[2]));
            startOffset = position.offset();
        } else if (reply.startsWith("+CONTINUE")) {
            final String[] f = reply.split(" ");
            final String before = position.replid();
            position.continued(f.length > 1 ? f[1].trim() : null);
            partialSyncs++;
            LOG.info("upstream: partial resync with {} accepted at offset {} (replid {}{})", target, position.offset() + 1,
                position.replid(), before.equals(position.replid()) ? "" : ", was " + before);
            startOffset = position.offset();
        } else if (reply.startsWith("-ERR unknown command")) {
            // Redis before 2.8: SYNC, always a full sync, no replid, and no REPLCONF ACK
            LOG.info("upstream: master does not know PSYNC ({}): using SYNC", reply);
            legacySync = true;
            handshake.sync();
            commands = fullSync(in, ack, "?", 0);
            startOffset = 0;
        } else {
            throw new IOException("master answered PSYNC with " + reply); // -LOADING, -NOMASTERLINK: retried
        }
        learnCommands();
        state(State.STREAMING, "replicating from offset " + startOffset);
        stream.run(c, commands, legacySync ? null : ack, startOffset, this::closing);
    }

    /**
     * Whether the master is a promoted replica whose history forks from ours (its {@code replid2} is
     * ours) before the end the journal covers, where the old master went on alone (its own offset
     * may be past ours by then: its own pings and Sentinel's hellos). When the old master only sent
     * pings and publishes (Sentinel's hellos) after the fork, the position goes back to it and the PSYNC continues;
     * else the master answers with a full sync (the journal holds writes the new master lost).
     */
    private void forkPoint(MasterHandshake handshake, HostPort target) throws IOException {
        final Map<String, String> info = handshake.replicationInfo();
        final String replid2 = info.get("master_replid2");
        final long fork;
        try {
            fork = Long.parseLong(info.getOrDefault("second_repl_offset", "-1")) - 1;
        } catch (NumberFormatException e) {
            return;
        }
        if (!position.replid().equals(replid2) || fork < 0 || fork >= position.offset()) {
            return;
        }
        final long end = position.offset();
        if (position.rewind(fork)) {
            LOG.info("upstream: {} took over our history at offset {}, {} bytes before our end {}: only pings and publishes of "
                + "the old master came after it: continuing from there", target, fork, end - fork, end);
        } else {
            LOG.warn("upstream: {} took over our history at offset {}, {} bytes before our end {}, and the journal holds writes "
                + "of the old master after it that the new master never had: expect a full sync", target, fork, end - fork, end);
        }
    }

    /**
     * Once: starts reading the master's own COMMAND table, so commands of modules or a newer Redis
     * route by their real keys; read beside the PSYNC and the split, not before them (issue 18).
     */
    private void fetchCommands(HostPort master) {
        if (commandsLearned || commandFetch != null) {
            return; // learned, or being read (from the node of an earlier attempt: the same table)
        }
        final CommandTableFetch fetch = new CommandTableFetch(master, config.upstreamUser(), config.upstreamPassword(), sockets,
            errors());
        commandFetch = fetch;
        fetch.start();
        if (closing()) {
            fetch.close(); // close() came before the fetch was published: its wake did not see it
        }
    }

    /** Before the first command is routed: the table read by {@link #fetchCommands}, taught on this thread (its one writer). */
    private void learnCommands() {
        final CommandTableFetch fetch = commandFetch;
        if (commandsLearned || fetch == null) {
            return;
        }
        try {
            final int learned = fetch.teach(router.table());
            LOG.info("upstream: learned {} commands from the master's COMMAND table", learned);
        } catch (IOException | RuntimeException e) {
            if (!closing()) {
                LOG.warn("upstream: master's COMMAND table not available ({}): using the built-in one", e.getMessage());
            }
        } finally {
            commandsLearned = true;
            commandFetch = null;
            fetch.close();
        }
    }

    /** New snapshots from the master's RDB; returns the stream where the commands continue. */
    private InputStream fullSync(InputStream in, ReplconfAck ack, String newReplid, long masterOffset) throws IOException {
        state(State.FULL_SYNC, "FULLRESYNC " + newReplid + " " + masterOffset + " from " + locator.master());
        final long start = System.nanoTime();
        final RdbSplitter.TransferSplit split = fullSync.transfer(in);
        position.fullSynced(newReplid, masterOffset);
        fullSyncs++;
        position.writeCheckpoint();
        LOG.info("full sync done: {} bytes, {} keys ({} per shard, {} dropped) in {} ms", fullSync.bytes(), split.result().totalKeys(),
            Arrays.toString(split.result().keysPerShard()), split.result().keysDropped(), (System.nanoTime() - start) / 1_000_000);
        if (split.transfer().diskless()) {
            ack.send(masterOffset); // a diskless master waits for the first ACK before it streams
        }
        return split.commands();
    }

    /** Every transition, from the link's thread only, logged with its reason (retries quietly until one succeeds). */
    private void state(State next, String reason) {
        if (next == State.STREAMING) {
            backoff.reset(); // a link that streams again is well: a later fault waits the least, not what a failed full sync left
        }
        if (next != state) {
            if (next == State.STREAMING && failures > 0) {
                LOG.info("upstream {}: {} -> {} ({}), after {} failed attempts", where(), state, next, reason, failures);
                failures = 0;
            } else if (failures == 0 || next == State.FULL_SYNC || next == State.STOPPED) {
                LOG.info("upstream {}: {} -> {} ({})", where(), state, next, reason);
            }
        }
        state = next;
    }

    /** The node the link is at, or what names it, for its log lines. */
    private String where() {
        final HostPort m = locator.master();
        return m != null ? m.toString() : config.sentinels() != null ? "sentinel master " + config.sentinels().masterName()
            : config.upstreamHost() + ":" + config.upstreamPort();
    }

    /** Waits out a backoff, cut short by a {@code +switch-master}; true when {@link #close()} came meanwhile. */
    private boolean awaitClose(long millis) {
        try {
            retryNow.tryAcquire(millis, TimeUnit.MILLISECONDS);
            return closed.await(0, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void closeConnection() {
        final MasterConnection c = connection;
        if (c != null) {
            c.close();
        }
    }
}
