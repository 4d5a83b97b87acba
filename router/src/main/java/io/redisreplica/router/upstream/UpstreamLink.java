package io.redisreplica.router.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.rdb.KeyRewriter;
import io.redisreplica.rdb.RdbSplitter;
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
 * <p>Over 300 lines because the transitions, the retry loop and the figures INFO reads belong
 * together; each step it drives lives in its own class.
 */
public final class UpstreamLink extends Agent {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamLink.class);
    private static final long JOIN_MS = 5000;

    /** Where the link is: written by the link's thread only, published for INFO. */
    public enum State { CONNECTING, HANDSHAKE, FULL_SYNC, STREAMING, WAITING_TO_RETRY, STOPPED }

    private final RouterConfig config;
    private final List<ShardRuntime> shards;
    private final MasterConnection.Connector connector;
    private final UpstreamPosition position;
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

    private volatile State state = State.CONNECTING;
    private volatile MasterConnection connection;
    private volatile boolean fullResyncRequested;
    private volatile long fullSyncs;
    private volatile long partialSyncs;
    private volatile String lastError = "";
    /** When the master's connection last gave bytes, -1 before the first. */
    private volatile long lastReadMillis = -1;
    /** Attempts that failed since the link last streamed. */
    private volatile long failures;
    private boolean commandsLearned;
    /** The master only knows SYNC: it takes no ACKs and every reconnect is a full sync. */
    private boolean legacySync;

    /**
     * @param valueRules the config's value rules with their transforms opened (for this link's thread alone), or null
     * @param receivers adds the receivers' state to each checkpoint, on this link's thread (the checkpoint's one writer)
     */
    public UpstreamLink(RouterConfig config, ValueRules valueRules, Journal journal, List<ShardRuntime> shards, Path snapshotDir,
                        CrossShardPolicy policy, Consumer<Checkpoint> receivers, ErrorHandler errors) {
        this(config, valueRules, journal, shards, snapshotDir, policy, receivers, errors,
            SocketMasterConnection.to(config.upstreamHost(), config.upstreamPort()));
    }

    UpstreamLink(RouterConfig config, ValueRules valueRules, Journal journal, List<ShardRuntime> shards, Path snapshotDir,
                 CrossShardPolicy policy, Consumer<Checkpoint> receivers, ErrorHandler errors, MasterConnection.Connector connector) {
        super("upstream-" + config.upstreamHost() + ":" + config.upstreamPort(), errors, JOIN_MS);
        this.config = config;
        this.shards = shards;
        this.connector = connector;
        // the RDB split and the command stream share the rewriters and rules: both run on this thread
        final KeyRewriter[] rewriters = config.keyRewriters();
        this.sideConnection = new MasterSideConnection(config.upstreamHost(), config.upstreamPort(), config.upstreamUser(),
            config.upstreamPassword());
        // commands and transactions past the heap limit wait in files on the journal's disk until journaled
        final SpillFiles spill = new SpillFiles(config.journalDir().resolve("spill"), SpillFiles.DEFAULT_HEAP_LIMIT);
        this.position = new UpstreamPosition(journal, shards, receivers, appender -> CommandRouter.builder(config.shardMap(), policy, appender)
            .rewriters(rewriters).rules(valueRules).reader(sideConnection).spill(spill).build());
        this.router = position.router();
        this.fullSync = new FullSync(config.shardMap(), shards, snapshotDir, position, rewriters, valueRules);
        this.stream = new StreamLoop(shards, position, config.protoMaxBulkLen(), config.maxCommandLength(), spill);
        this.retries = errors.distinct(LOG, "upstream");
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

    public String lastError() {
        return lastError;
    }

    /** Faults retried since start (each distinct one was logged once); {@code errors()} is the agent's error handler. */
    public long retriedFaults() {
        return retries.total();
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
        closeConnection();
    }

    /** Replicates until closed, or until a fault that retrying cannot fix. */
    @Override
    protected void run() {
        boolean clean = false;
        String reason = "failed";
        try {
            clean = retryUntilClosed();
            reason = clean ? "stopped" : failure();
        } catch (Error | RuntimeException e) {
            lastError = e.toString();
            reason = e.toString();
            throw e; // to the error handler, as fatal
        } finally {
            sideConnection.close();
            if (clean) {
                try {
                    position.writeCheckpoint(); // a clean stop resumes from exactly here
                } catch (RuntimeException e) {
                    LOG.warn("upstream: last checkpoint not written: {}", e.toString());
                }
            }
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

    /** One attempt: connect, handshake, sync, stream until the connection ends. */
    private void replicate() throws IOException {
        state(State.CONNECTING, "connecting");
        learnCommands();
        final MasterConnection c = connector.newConnection();
        connection = c;
        if (closing()) {
            return; // close() came before this connection was published: its wake did not see it
        }
        c.connect(); // a close() meanwhile closes it, so a connect that hangs ends at once
        final InputStream in = new ReadClock(c.input(), now -> lastReadMillis = now);
        final MasterHandshake handshake = new MasterHandshake(in, c.output());
        final ReplconfAck ack = new ReplconfAck(c.output());
        state(State.HANDSHAKE, "connected");
        handshake.greet(config.upstreamUser(), config.upstreamPassword(), shards.get(0).shard().port());
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
            position.continued(f.length > 1 ? f[1].trim() : null);
            partialSyncs++;
            LOG.info("upstream: partial resync accepted at offset {} (replid {})", position.offset() + 1, position.replid());
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
        state(State.STREAMING, "replicating from offset " + startOffset);
        stream.run(c, commands, legacySync ? null : ack, startOffset, this::closing);
    }

    /** Once: the master's own COMMAND table, so commands of modules or a newer Redis route by their real keys. */
    private void learnCommands() {
        if (commandsLearned) {
            return;
        }
        try {
            final int learned = MasterCommands.teach(router.table(), config.upstreamHost(), config.upstreamPort(),
                config.upstreamUser(), config.upstreamPassword());
            LOG.info("upstream: learned {} commands from the master's COMMAND table", learned);
        } catch (IOException | RuntimeException e) {
            LOG.warn("upstream: master's COMMAND table not available ({}): using the built-in one", e.getMessage());
        }
        commandsLearned = true;
    }

    /** New snapshots from the master's RDB; returns the stream where the commands continue. */
    private InputStream fullSync(InputStream in, ReplconfAck ack, String newReplid, long masterOffset) throws IOException {
        state(State.FULL_SYNC, "FULLRESYNC " + newReplid + " " + masterOffset);
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
                LOG.info("upstream {}:{}: {} -> {} ({}), after {} failed attempts", config.upstreamHost(), config.upstreamPort(),
                    state, next, reason, failures);
                failures = 0;
            } else if (failures == 0 || next == State.FULL_SYNC || next == State.STOPPED) {
                LOG.info("upstream {}:{}: {} -> {} ({})", config.upstreamHost(), config.upstreamPort(), state, next, reason);
            }
        }
        state = next;
    }

    /** Waits out a backoff; true when {@link #close()} came meanwhile. */
    private boolean awaitClose(long millis) {
        try {
            return closed.await(millis, TimeUnit.MILLISECONDS);
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
