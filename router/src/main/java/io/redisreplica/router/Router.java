package io.redisreplica.router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.ShardJournal;

/**
 * The whole router: the journal, one {@link ShardRuntime} and {@link VirtualMaster} per shard,
 * and the {@link UpstreamLink} on its own thread. {@link #start} returns once the shards listen;
 * the initial sync proceeds in the background ({@link #upstream()} tells where it is).
 */
public final class Router implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final Journal journal;
    private final List<ShardRuntime> shards = new ArrayList<>();
    private final List<VirtualMaster> masters = new ArrayList<>();
    private final UpstreamLink upstream;
    private final Thread upstreamThread;
    private final AdminServer admin;
    private final long startedAt = System.currentTimeMillis();

    private Router(RouterConfig config, CrossShardPolicy policy) throws IOException {
        this.journal = Journal.open(new JournalContext().dir(config.journalDir()));
        boolean ok = false;
        try {
            final Path snapshots = config.journalDir().resolve("snapshots");
            Files.createDirectories(snapshots);
            final Checkpoint cp = journal.checkpoint();
            for (ShardMap.Shard s : config.shardMap().shards()) {
                final ShardJournal sj = journal.shard(s.name());
                final Checkpoint.ShardState saved = cp.shards().get(s.name());
                final long initial = saved == null ? 0 : Math.max(saved.snapshotOffset(), 0);
                final ShardRuntime runtime = new ShardRuntime(s, sj, sj.writer(initial), snapshots, config.shardPassword(s.name()));
                if (saved != null && Files.exists(runtime.snapshot())) {
                    runtime.restore(saved.replid(), saved.epoch(), saved.snapshotOffset());
                }
                shards.add(runtime);
            }
            for (ShardRuntime s : shards) {
                masters.add(new VirtualMaster(s));
            }
            this.upstream = new UpstreamLink(config, journal, shards, snapshots, policy);
            this.upstreamThread = new Thread(upstream, "upstream-" + config.upstreamHost() + ":" + config.upstreamPort());
            upstreamThread.setDaemon(true);
            upstreamThread.start();
            this.admin = config.adminPort() > 0 ? new AdminServer(this, config.adminHost(), config.adminPort()) : null;
            ok = true;
        } finally {
            if (!ok) {
                masters.forEach(VirtualMaster::close);
                journal.close();
            }
        }
    }

    public static Router start(RouterConfig config, CrossShardPolicy policy) {
        try {
            return new Router(config, policy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the router: " + e.getMessage(), e);
        }
    }

    /** Milliseconds since start. */
    public long uptimeMillis() {
        return System.currentTimeMillis() - startedAt;
    }

    public UpstreamLink upstream() {
        return upstream;
    }

    public List<ShardRuntime> shards() {
        return shards;
    }

    /** Live sessions of shard {@code index}. */
    List<DownstreamSession> sessions(int index) {
        return masters.get(index).sessions();
    }

    /** Replicas connected to shard {@code index} and where each is. */
    public List<String> replicas(int index) {
        final List<String> out = new ArrayList<>();
        for (DownstreamSession s : masters.get(index).sessions()) {
            out.add(s.peer() + " " + s.state() + " sent=" + s.sentOffset() + " acked=" + s.ackedOffset());
        }
        return out;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        upstream.stop();
        try {
            upstreamThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        masters.forEach(VirtualMaster::close);
        journal.close();
        LOG.info("router stopped");
    }
}
