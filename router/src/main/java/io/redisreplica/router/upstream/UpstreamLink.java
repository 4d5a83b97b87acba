package io.redisreplica.router.upstream;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.rdb.RdbSplitter;
import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CommandRouter;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.routing.RouterException;
import io.redisreplica.router.routing.ShardAppender;
import io.redisreplica.router.routing.ValueRules;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.support.DistinctErrors;

/**
 * The router's one connection to the master, as a replica: handshake, PSYNC from the journal's
 * checkpoint, the RDB split into one snapshot per shard on a full sync, then the command stream
 * framed, routed and journaled. It acknowledges to the master only what the journal has
 * committed, so the master's WAIT means "journaled". Reconnects with backoff and resumes with
 * PSYNC. Runs on its own thread; every state change is logged with its reason.
 */
public final class UpstreamLink implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamLink.class);
    private static final long ACK_INTERVAL_MS = 1000;
    private static final long KEEPALIVE_INTERVAL_MS = 10_000;
    /** How often the upstream position is checkpointed: bounds what a restart replays from the master's backlog. */
    private static final long CHECKPOINT_INTERVAL_MS = 200;

    /** Where the link is. */
    public enum State { CONNECTING, HANDSHAKE, FULL_SYNC, STREAMING, WAITING_TO_RETRY, STOPPED }

    private final RouterConfig config;
    private final Journal journal;
    private final List<ShardRuntime> shards;
    private final CommandRouter router;
    private final Path snapshotDir;
    private final byte[] keepAlive = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);

    private volatile State state = State.CONNECTING;
    private volatile boolean stopped;
    private volatile Socket socket;
    private volatile String replid = "?";
    private volatile long offset = -1;
    /** The master's selected db at {@link #offset}. */
    private int offsetDb;
    private volatile long fullSyncs;
    private volatile long partialSyncs;
    private volatile long syncBytes;
    private volatile String lastError = "";
    private long currentUpstream;
    /** Per shard: upstream offset up to which its journal already holds the replayed stream. */
    private final long[] skipUpTo;
    private long replaySkipped;
    private long bufferGrowths;

    /** Each shard's key rewriting (the RDB split and the command stream share them: both run on this thread), or null. */
    private final io.redisreplica.rdb.KeyRewriter[] rewriters;
    /** The value rules (type and value filters, transforms) for the RDB split and the stream alike, or null. */
    private final ValueRules valueRules;
    /** Adds what the router knows of its receivers to each checkpoint this link writes. */
    private final java.util.function.Consumer<Checkpoint> receivers;

    /** @param receivers adds the receivers' state to each checkpoint, on this link's thread (the checkpoint's one writer) */
    public UpstreamLink(RouterConfig config, Journal journal, List<ShardRuntime> shards, Path snapshotDir, CrossShardPolicy policy,
                 java.util.function.Consumer<Checkpoint> receivers) {
        this.config = config;
        this.receivers = receivers;
        this.journal = journal;
        this.shards = shards;
        this.rewriters = config.keyRewriters();
        this.valueRules = config.valueRules();
        this.sideConnection = new MasterSideConnection(config.upstreamHost(), config.upstreamPort(), config.upstreamUser(),
            config.upstreamPassword());
        this.router = CommandRouter.builder(config.shardMap(), policy, this::append).rewriters(rewriters).rules(valueRules)
            .reader(sideConnection).build();
        this.snapshotDir = snapshotDir;
        final Checkpoint cp = journal.checkpoint();
        this.replid = cp.upstreamReplid();
        // Resume from the checkpoint: every shard holds the stream up to it. Shards may hold more
        // (commands journaled after the last checkpoint); skipUpTo keeps them from twice.
        this.offset = cp.upstreamOffset();
        this.offsetDb = cp.upstreamDb();
        router.db(offsetDb); // a partial resync does not repeat the master's SELECT
        router.restoreReads(cp.reads());
        this.skipUpTo = new long[shards.size()];
        for (int i = 0; i < shards.size(); i++) {
            skipUpTo[i] = shards.get(i).journal().lastUpstreamOffset();
        }
    }

    /** Reads cross-shard destinations from the master; closed with the link. */
    private final MasterSideConnection sideConnection;

    /** The router's counters, for INFO. */
    public CommandRouter router() {
        return router;
    }

    /**
     * Journals one master command's part of a shard as one entry, stamped with the upstream
     * offset at its end. After a restart the link replays from the checkpoint, which all shards
     * are known to hold; a shard skips what its own journal already has (written before the crash
     * by a command that reached some shards and not others). Values read from the master are
     * always appended (see {@link ShardAppender}), stamped no lower than what the journal holds.
     */
    private boolean append(int shard, int db, boolean read, org.agrona.DirectBuffer bytes, int off, int len) {
        if (read) {
            shards.get(shard).writer().append(Math.max(currentUpstream, skipUpTo[shard]), db, 0, bytes, off, len);
            return true;
        }
        if (currentUpstream <= skipUpTo[shard]) {
            replaySkipped++;
            return false;
        }
        shards.get(shard).writer().append(currentUpstream, db, 0, bytes, off, len);
        return true;
    }

    /** How often the read buffer grew for a command longer than it (it shrinks back after each). */
    public long bufferGrowths() {
        return bufferGrowths;
    }

    /** Entries not journaled again during the replay after a restart, because their shard had them. */
    public long replaySkipped() {
        return replaySkipped;
    }

    public State state() {
        return state;
    }

    public String replid() {
        return replid;
    }

    /** Master offset covered by the journal. */
    public long offset() {
        return offset;
    }

    public long fullSyncs() {
        return fullSyncs;
    }

    public long partialSyncs() {
        return partialSyncs;
    }

    /** Bytes of RDB read in the current or last full sync. */
    public long syncBytes() {
        return syncBytes;
    }

    public String lastError() {
        return lastError;
    }

    private void state(State next, String reason) {
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

    /** Makes the next connection ask for a full sync (a new snapshot); drops the current one. */
    public void requestFullResync(String reason) {
        if (!fullResyncRequested) {
            LOG.warn("upstream: full resync requested: {}", reason);
        }
        fullResyncRequested = true;
        closeSocket();
    }

    private volatile boolean fullResyncRequested;

    public void stop() {
        stopped = true;
        final Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing to unblock the link's thread
            }
        }
    }

    /**
     * Replicates until stopped. A fault that may clear (the master unreachable or refusing, a
     * full or read-only disk, too many open files) is retried with backoff and jitter, logged once
     * per distinct error and then counted; the link resumes by itself when the cause clears. What
     * cannot be retried (the cross-shard policy {@code stop}) ends the link: {@link #failure()}
     * says why, and the process exits non-zero on it. An {@code Error} is left to the thread's
     * uncaught-exception handler, which stops the process.
     */
    @Override
    public void run() {
        long backoff = MIN_BACKOFF_MS;
        while (!stopped) {
            try {
                replicate();
                backoff = MIN_BACKOFF_MS;
            } catch (IOException | RuntimeException e) {
                if (stopped) {
                    break;
                }
                lastError = e.toString();
                if (e instanceof RouterException) {
                    failure = e.getMessage();
                    LOG.error("upstream link stopped: {}", e.getMessage(), e);
                    break;
                }
                failures++;
                if (state == State.FULL_SYNC) {
                    backoff = Math.max(backoff, FULL_SYNC_BACKOFF_MS); // each attempt costs the master a BGSAVE
                }
                errors.record("retrying in up to " + backoff + " ms", e);
                state(State.WAITING_TO_RETRY, e.getMessage() == null ? e.toString() : e.getMessage());
            } finally {
                closeSocket();
            }
            if (stopped) {
                break;
            }
            sleep(backoff / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
            backoff = Math.min(backoff >= FULL_SYNC_BACKOFF_MS ? 60_000 : MAX_BACKOFF_MS, backoff * 2);
        }
        sideConnection.close();
        if (failure == null) {
            try {
                writeCheckpoint(); // a clean stop resumes from exactly here
            } catch (RuntimeException e) {
                LOG.warn("upstream: last checkpoint not written: {}", e.toString());
            }
        }
        state(State.STOPPED, failure == null ? "stopped" : failure);
    }

    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5000;
    /** After a failed full sync (a disk too small for the snapshots, say): at least this long, up to a minute. */
    private static final long FULL_SYNC_BACKOFF_MS = 10_000;
    private final DistinctErrors errors = new DistinctErrors(LOG, "upstream");
    /** Attempts that failed since the link last streamed. */
    private volatile long failures;
    /** Why the link ended by itself, or null while it runs or after {@link #stop()}. */
    private volatile String failure;

    /** Why the link ended by itself (null while it runs, or when it was stopped): the process must exit non-zero. */
    public String failure() {
        return failure;
    }

    /** Errors since start, retries included (each distinct one was logged once). */
    public long errors() {
        return errors.total();
    }

    private boolean commandsLearned;
    /** The master only knows SYNC: it takes no ACKs and every reconnect is a full sync. */
    private boolean legacySync;

    private void replicate() throws IOException {
        state(State.CONNECTING, "connecting");
        if (!commandsLearned) {
            try {
                final int learned = MasterCommands.teach(router.table(), config.upstreamHost(), config.upstreamPort(),
                    config.upstreamUser(), config.upstreamPassword());
                LOG.info("upstream: learned {} commands from the master's COMMAND table", learned);
            } catch (IOException | RuntimeException e) {
                LOG.warn("upstream: master's COMMAND table not available ({}): using the built-in one", e.getMessage());
            }
            commandsLearned = true;
        }
        final Socket s = new Socket();
        socket = s;
        s.connect(new InetSocketAddress(config.upstreamHost(), config.upstreamPort()), 5000);
        s.setTcpNoDelay(true);
        s.setSoTimeout(60_000);
        final InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
        final OutputStream out = s.getOutputStream();
        state(State.HANDSHAKE, "connected");
        if (config.upstreamPassword() != null) {
            expectOk(config.upstreamUser() == null ? call(in, out, "AUTH", config.upstreamPassword())
                : call(in, out, "AUTH", config.upstreamUser(), config.upstreamPassword()), "AUTH");
        }
        final String pong = call(in, out, "PING");
        if (pong.startsWith("-") && !pong.startsWith("-NOAUTH")) {
            throw new IOException("master answered PING with " + pong);
        }
        if (pong.startsWith("-NOAUTH")) {
            throw new IOException("master requires a password: set upstream-password in the config");
        }
        final String portReply = call(in, out, "REPLCONF", "listening-port", Integer.toString(shards.get(0).shard().port()));
        if (portReply.startsWith("-")) {
            LOG.warn("master refused REPLCONF listening-port: {}", portReply);
        }
        final String capa = call(in, out, "REPLCONF", "capa", "eof", "capa", "psync2");
        if (capa.startsWith("-")) {
            LOG.info("master does not know REPLCONF capa ({}): disk-based sync only", capa);
        }
        if (fullResyncRequested) {
            fullResyncRequested = false;
            replid = "?";
            offset = -1;
        }
        // what an earlier connection journaled but did not get to commit is kept, not written twice
        for (int i = 0; i < shards.size(); i++) {
            shards.get(i).commit();
            skipUpTo[i] = Math.max(skipUpTo[i], shards.get(i).writer().lastUpstreamOffset());
        }
        router.db(offsetDb); // the stream comes again from the offset: so does its db
        final String psyncOffset = offset < 0 || "?".equals(replid) ? "-1" : Long.toString(offset + 1);
        final String reply = call(in, out, "PSYNC", offset < 0 ? "?" : replid, psyncOffset);
        final long startOffset;
        InputStream commands = in;
        if (reply.startsWith("+FULLRESYNC")) {
            final String[] f = reply.split(" ");
            commands = fullSync(in, out, f[1], Long.parseLong(f[2]));
            startOffset = offset;
        } else if (reply.startsWith("+CONTINUE")) {
            final String[] f = reply.split(" ");
            if (f.length > 1) {
                replid = f[1].trim();
            }
            partialSyncs++;
            LOG.info("upstream: partial resync accepted at offset {} (replid {})", offset + 1, replid);
            startOffset = offset;
        } else if (reply.startsWith("-ERR unknown command")) {
            // Redis before 2.8: SYNC, always a full sync, no replid, and no REPLCONF ACK
            LOG.info("upstream: master does not know PSYNC ({}): using SYNC", reply);
            legacySync = true;
            out.write(command("SYNC"));
            out.flush();
            commands = fullSync(in, out, "?", 0);
            startOffset = 0;
        } else {
            throw new IOException("master answered PSYNC with " + reply); // -LOADING, -NOMASTERLINK: retried
        }
        state(State.STREAMING, "replicating from offset " + startOffset);
        stream(commands, out, startOffset);
    }

    /** Splits the master's RDB into new shard snapshots; returns the stream where the commands continue. */
    private InputStream fullSync(InputStream in, OutputStream out, String newReplid, long masterOffset) throws IOException {
        state(State.FULL_SYNC, "FULLRESYNC " + newReplid + " " + masterOffset);
        final long start = System.nanoTime();
        Files.createDirectories(snapshotDir);
        final List<OutputStream> files = new ArrayList<>();
        final List<RdbWriter> writers = new ArrayList<>();
        final List<Path> temps = new ArrayList<>();
        final RdbSplitter.TransferSplit split;
        try {
            for (ShardRuntime shard : shards) {
                final Path temp = snapshotDir.resolve(shard.name() + ".rdb.tmp");
                temps.add(temp);
                files.add(new java.io.BufferedOutputStream(Files.newOutputStream(temp), 1 << 20));
                writers.add(new RdbWriter(files.get(files.size() - 1)));
            }
            final RdbSplitter splitter = new RdbSplitter().progress(64L << 20, at -> {
                syncBytes = at;
                LOG.info("full sync: {} MB of RDB split", at >> 20);
            });
            split = splitter.splitTransfer(in, writers, (db, key, len) -> config.shardMap().shardOf(key, 0, len), rewriters,
                valueRules);
            for (OutputStream f : files) {
                f.close(); // the last bytes reach the disk here: a full disk must fail the sync, not cut a snapshot short
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(files);
            for (Path temp : temps) {
                Files.deleteIfExists(temp); // a half-written snapshot is of no use, and may be what filled the disk
            }
            throw new IOException("full sync: writing the shard snapshots under " + snapshotDir + " failed after "
                + (syncBytes >> 20) + " MB of RDB (" + (snapshotDir.toFile().getUsableSpace() >> 20) + " MB free there): "
                + e.getMessage(), e);
        } finally {
            closeQuietly(files);
        }
        syncBytes = split.result().bytesRead();
        // the new snapshots replace the old ones only once all are complete, and only once the
        // checkpoint no longer vouches for the old ones: a crash amid the renames must not leave a
        // shard whose checkpointed epoch and offset describe another file's dataset
        withdrawSnapshots();
        for (int i = 0; i < shards.size(); i++) {
            final ShardRuntime shard = shards.get(i);
            Files.move(temps.get(i), shard.snapshot(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            shard.newEpoch(shard.commit());
        }
        router.reset();
        offsetDb = 0;
        java.util.Arrays.fill(skipUpTo, -1); // a new dataset: offsets start over, nothing to skip
        replid = newReplid; // "?" after a SYNC: the next connection asks for a full sync again
        offset = "?".equals(newReplid) ? -1 : masterOffset;
        currentUpstream = masterOffset;
        fullSyncs++;
        writeCheckpoint();
        LOG.info("full sync done: {} bytes, {} keys ({} per shard, {} dropped) in {} ms", syncBytes, split.result().totalKeys(),
            java.util.Arrays.toString(split.result().keysPerShard()), split.result().keysDropped(),
            (System.nanoTime() - start) / 1_000_000);
        if (split.transfer().diskless()) {
            ack(out, masterOffset); // a diskless master waits for the first ACK before it streams
        }
        return split.commands();
    }

    /** The read buffer's usual size; it grows for a longer command and shrinks back after it. */
    static final int READ_BUFFER = 1 << 20;

    /** Commands routed in the current stream read, counted to check the clock every 64 of them. */
    private long routedInChunk;

    private void stream(InputStream in, OutputStream out, long startOffset) throws IOException {
        socket.setSoTimeout(100);
        final RespDecoderContext limits = new RespDecoderContext()
            .maxBulkLength(config.protoMaxBulkLen()).maxCommandLength(config.maxCommandLength());
        final CommandFramer framer = new CommandFramer(limits);
        framer.position(startOffset);
        final long maxBuffer = (long) limits.maxCommandLength() + 1024;
        byte[] buf = new byte[READ_BUFFER];
        final UnsafeBuffer view = new UnsafeBuffer(buf);
        int pending = 0;
        long lastAck = 0;
        long lastKeepAlive = System.currentTimeMillis();
        long lastCheckpoint = 0;
        while (!stopped) {
            int n;
            try {
                if (pending == buf.length) {
                    if (buf.length >= maxBuffer) {
                        throw new RouterException("command at offset " + framer.position() + " is longer than " + limits.maxCommandLength()
                            + " bytes (twice proto-max-bulk-len " + config.protoMaxBulkLen() + "): raise proto-max-bulk-len");
                    }
                    // to the length the framer knows the command needs (its argument's declared length), at least double
                    buf = java.util.Arrays.copyOf(buf, (int) Math.min(Math.max(2L * buf.length, framer.needed()), maxBuffer));
                    view.wrap(buf);
                    bufferGrowths++;
                }
                n = in.read(buf, pending, buf.length - pending);
                if (n < 0) {
                    throw new IOException("master closed the connection at offset " + framer.position());
                }
            } catch (SocketTimeoutException idle) {
                n = 0;
            }
            pending += n;
            int at = 0;
            boolean getAck = false;
            int framed;
            try {
                while ((framed = framer.frame(view, at, pending - at)) > 0) {
                    final Command c = framer.command();
                    if (c.isInline() && !c.isEmpty()) {
                        // a master streams RESP arrays only: a text line is no command of its, and is never journaled
                        throw new io.redisreplica.resp.RespProtocolException("a text line where a command belongs: "
                            + c.argDisplay(0, 64), c.streamOffset());
                    }
                    at += framed;
                    currentUpstream = framer.position();
                    if (router.route(c) == CommandRouter.Outcome.GETACK) {
                        getAck = true;
                    }
                    if ((++routedInChunk & 63) == 0 && System.currentTimeMillis() - lastCheckpoint >= CHECKPOINT_INTERVAL_MS) {
                        // a long chunk (a backlog replayed after a restart, each cross-shard command a read
                        // of the master) commits and checkpoints as it goes: a restart must not replay it all
                        commit(framer);
                        writeCheckpoint();
                        lastCheckpoint = System.currentTimeMillis();
                    }
                }
            } catch (io.redisreplica.resp.RespProtocolException e) {
                // the same bytes come again after a reconnect: retrying cannot help. What came before them stands.
                commit(framer);
                writeCheckpoint();
                throw new RouterException("the master's stream cannot be read at offset " + framer.position() + ": " + e.getMessage()
                    + " (proto-max-bulk-len is " + config.protoMaxBulkLen() + ")");
            }
            System.arraycopy(buf, at, buf, 0, pending - at);
            pending -= at;
            if (buf.length > READ_BUFFER && pending <= READ_BUFFER / 2) {
                // a long command went through: let its array go rather than hold it for good
                buf = java.util.Arrays.copyOf(buf, READ_BUFFER);
                view.wrap(buf);
            }
            final long now = System.currentTimeMillis();
            if (now - lastKeepAlive >= KEEPALIVE_INTERVAL_MS) {
                lastKeepAlive = now;
                for (ShardRuntime shard : shards) {
                    shard.writer().append(currentUpstream, 0, io.redisreplica.journal.JournalEntryDescriptor.FLAG_NO_KEY,
                        keepAlive);
                }
            }
            if (at > 0 || getAck || now - lastAck >= ACK_INTERVAL_MS) {
                commit(framer);
            }
            if (!legacySync && (getAck || now - lastAck >= ACK_INTERVAL_MS)) {
                lastAck = now;
                ack(out, offset);
            }
            if (now - lastCheckpoint >= CHECKPOINT_INTERVAL_MS) {
                lastCheckpoint = now;
                writeCheckpoint();
            }
        }
    }

    /** Commits every shard's appended entries and moves the covered upstream offset to what they hold. */
    private void commit(CommandFramer framer) {
        for (ShardRuntime shard : shards) {
            shard.commit();
        }
        // inside a master's MULTI nothing of it is journaled yet: resume from before it
        offset = router.inTransaction() ? Math.max(offset, router.stableOffset()) : framer.position();
        offsetDb = router.inTransaction() ? router.stableDb() : router.db();
    }

    /** Checkpoints every shard as having no snapshot (offset -1): a start from it takes a full sync. */
    private void withdrawSnapshots() {
        final Checkpoint cp = journal.checkpoint();
        for (ShardRuntime shard : shards) {
            final Checkpoint.ShardState saved = cp.shards().get(shard.name());
            if (saved != null && saved.snapshotOffset() >= 0) {
                cp.shard(shard.name(), saved.replid(), saved.epoch(), -1);
            }
        }
        journal.writeCheckpoint(cp);
    }

    void writeCheckpoint() {
        final Checkpoint cp = journal.checkpoint();
        if (!"?".equals(replid)) {
            cp.upstream(replid, offset, offsetDb);
            cp.reads(router.openReads(offset)); // a restart from offset skips what those reads already hold
        }
        boolean allSnapshots = true;
        for (ShardRuntime shard : shards) {
            if (shard.snapshotOffset() >= 0) {
                cp.shard(shard.name(), shard.replid(), shard.epoch(), shard.snapshotOffset(), shard.journal().endOffset());
            } else {
                allSnapshots = false;
            }
        }
        if (allSnapshots) {
            // the map is recorded once every shard's snapshot was built by it; until then the old one
            // stays, so a restart before the rebuild is done still sees the change
            final java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
            shards.forEach(shard -> map.put(shard.name(), shard.fingerprint()));
            cp.shardMap(map);
        }
        receivers.accept(cp);
        journal.writeCheckpoint(cp);
    }

    private void ack(OutputStream out, long ackOffset) throws IOException {
        out.write(command("REPLCONF", "ACK", Long.toString(ackOffset)));
        out.flush();
    }

    private static byte[] command(String... args) {
        final StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** No handshake reply of a real master is near this long; a line that never ends must not exhaust the heap. */
    private static final int MAX_HANDSHAKE_LINE = 64 * 1024;

    /** Sends a handshake command and reads its one-line reply (newlines before it are keep-alives). */
    private static String call(InputStream in, OutputStream out, String... args) throws IOException {
        out.write(command(args));
        out.flush();
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                if (line.size() == 0) {
                    continue;
                }
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
            if (line.size() > MAX_HANDSHAKE_LINE) {
                throw new IOException("master answered " + args[0] + " with a line longer than " + MAX_HANDSHAKE_LINE + " bytes");
            }
        }
        if (b == -1) {
            throw new IOException("master closed the connection during " + args[0]);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static void expectOk(String reply, String what) throws IOException {
        if (!reply.startsWith("+OK")) {
            throw new IOException("master answered " + what + " with " + reply);
        }
    }

    private static void closeQuietly(List<OutputStream> files) {
        for (OutputStream f : files) {
            try {
                f.close();
            } catch (IOException ignored) {
                // already failing, or closed before
            }
        }
    }

    private void closeSocket() {
        final Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing or stopping
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
