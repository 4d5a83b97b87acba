package io.redisreplica.router;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.journal.ShardJournal;
import io.redisreplica.router.downstream.Followers;
import io.redisreplica.router.downstream.VirtualMaster;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.router.sinks.SinkRunner;
import io.redisreplica.router.support.Agent;
import io.redisreplica.router.support.DistinctErrors;
import io.redisreplica.router.support.ErrorHandler;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.server.ReplicaStatus;

/**
 * Deletes journal files no holder needs, once per interval, on its own thread ({@code retention}):
 * the snapshot (a new replica starts there), every connected replica (from its acknowledged
 * offset; before its first ACK from where its stream started), every sink not dropped (from what
 * it delivered) and every {@code replay --follow} heard from within {@code follower-hold-time}
 * (from what its target applied, see {@link Followers}) hold the files they still read.
 * Past the size and age limits files go anyway: replicas that fell behind will need a full
 * resync, and when the snapshot itself fell behind, the upstream link is asked for a full sync to
 * make a new one. A failed pass is a transient fault: logged once per distinct error, counted,
 * and tried again at the next interval.
 */
final class Retention extends Agent {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final List<ShardRuntime> shards;
    private final List<VirtualMaster> masters;
    private final List<SinkRunner> sinks;
    private final UpstreamLink upstream;
    private final Followers followers;
    private final long intervalMillis;
    private final DistinctErrors failures;
    private final AtomicLong deleted = new AtomicLong();
    /** Counted down by {@link #wake()}: the wait between passes ends at once on close. */
    private final CountDownLatch closed = new CountDownLatch(1);

    Retention(List<ShardRuntime> shards, List<VirtualMaster> masters, List<SinkRunner> sinks, UpstreamLink upstream,
              Followers followers, long intervalMillis, ErrorHandler errors) {
        super("retention", errors, 5_000);
        this.shards = shards;
        this.masters = masters;
        this.sinks = sinks;
        this.upstream = upstream;
        this.followers = followers;
        this.intervalMillis = intervalMillis;
        this.failures = errors.distinct(LOG, "retention");
    }

    @Override
    protected void run() throws InterruptedException {
        while (!closed.await(intervalMillis, TimeUnit.MILLISECONDS)) {
            try {
                applyOnce();
            } catch (RuntimeException e) {
                failures.record("retention pass failed, next in " + intervalMillis + " ms", e);
            }
        }
    }

    @Override
    protected void wake() {
        closed.countDown();
    }

    /** One pass over every shard (the loop's step; tests call it directly). */
    void applyOnce() {
        for (int i = 0; i < shards.size(); i++) {
            final ShardRuntime shard = shards.get(i);
            final Map<String, Long> holders = new HashMap<>();
            if (shard.snapshotOffset() >= 0) {
                holders.put("snapshot", shard.snapshotOffset());
            }
            for (ReplicaStatus r : masters.get(i).replicas()) {
                final long holds = holds(r);
                if (holds >= 0) {
                    holders.put("replica " + r.address() + ":" + r.port(), holds);
                }
            }
            for (SinkRunner sink : sinks) {
                // a sink holds what it has yet to deliver until it is dropped; the size and age limits still apply
                if (sink.shard() == shard && sink.state() != SinkRunner.State.DROPPED) {
                    holders.put("sink " + sink.config().name(), Math.max(0, sink.delivered()));
                }
            }
            final long now = System.currentTimeMillis();
            holders.putAll(followers.holding(shard.name(), now));
            final ShardJournal.RetentionReport report = shard.journal().applyRetention(holders, now);
            deleted.addAndGet(report.filesDeleted());
            if (report.fellBehind().contains("snapshot")) {
                upstream.requestFullResync("shard " + shard.name() + ": its journal no longer reaches back to its snapshot");
            }
        }
    }

    /**
     * Where replica {@code r} holds the journal from: what it acknowledged; before its first ACK
     * where its stream started (the offset it continued from, or its snapshot's), not what was
     * written to it (that may end inside an entry in pieces, and nothing written is known to be
     * held before an ACK); a SYNC replica, which never ACKs, what was written to it (its status
     * says so); -1 for none: one that waits for a snapshot, or gets it, needs nothing before the
     * snapshot's offset, which "snapshot" holds.
     */
    static long holds(ReplicaStatus r) {
        return r.ackedOffset() >= 0 ? r.ackedOffset() : r.startOffset();
    }

    /** Journal files deleted since start. */
    long deleted() {
        return deleted.get();
    }

    /** Failed passes since start (each distinct failure logged once). */
    long failures() {
        return failures.total();
    }
}
