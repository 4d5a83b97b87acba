package io.redisreplica.router.downstream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client-mode receivers of the shards: each {@code replay --follow} reports, on the admin
 * port, the shard offset its target has applied ({@code FOLLOWER REPORT SHARD NAME OFFSET}, once a
 * second). Retention keeps the journal from that offset on, as it does for a connected replica, and
 * the admin port shows the follower's lag. A follower not heard from for {@code follower-hold-time}
 * stops holding retention (logged once, and once more when it reports again): a replay stopped for
 * good must not keep the journal forever. The size and age limits of the journal apply as always.
 *
 * <p>Admin client threads write reports (each a few volatile fields of one follower); retention
 * and the admin reports read them. Which follower is past its hold time is decided by retention
 * alone (the one writer of {@code released}). The registry lives in memory: after a restart of the
 * router a follower is known again from its next report.
 */
public final class Followers {
    private static final Logger LOG = LoggerFactory.getLogger(Followers.class);

    /** More followers than this per shard are refused: each costs a little memory and a line in every report. */
    public static final int MAX_PER_SHARD = 64;

    /**
     * One follower as last reported.
     *
     * @param addr the admin connection it last reported from
     * @param sinceReportMillis since its last report
     * @param holding it holds the journal from {@code applied} (not past {@code follower-hold-time})
     */
    public record Follower(String name, String addr, long applied, long sinceReportMillis, boolean holding) {
    }

    private static final class Entry {
        final String name;
        volatile String addr;
        volatile long applied;
        volatile long reportedAt;
        /** Past the hold time: written by retention only. */
        volatile boolean released;

        Entry(String name, String addr, long applied, long reportedAt) {
            this.name = name;
            this.addr = addr;
            this.applied = applied;
            this.reportedAt = reportedAt;
        }
    }

    private final long holdMillis;
    private final Map<String, Map<String, Entry>> byShard = new LinkedHashMap<>();

    /** @param holdMillis {@code follower-hold-time}: how long a silent follower still holds retention */
    public Followers(List<String> shards, long holdMillis) {
        this.holdMillis = holdMillis;
        for (String s : shards) {
            byShard.put(s, new ConcurrentHashMap<>());
        }
    }

    /** How long a silent follower still holds retention. */
    public long holdMillis() {
        return holdMillis;
    }

    /**
     * Records a report.
     *
     * @return null when recorded, else why not (for the admin reply)
     */
    public String report(String shard, String name, long applied, String addr, long now) {
        final Map<String, Entry> followers = byShard.get(shard);
        if (followers == null) {
            return "no shard " + shard + " (the router has " + byShard.keySet() + ")";
        }
        if (applied < 0) {
            return "offset " + applied + " is negative";
        }
        Entry e = followers.get(name);
        if (e == null) {
            synchronized (followers) {
                if (followers.size() >= MAX_PER_SHARD && !followers.containsKey(name)) {
                    // the cap must not keep a new follower out for the sake of ones gone for good: the
                    // longest silent of those past the hold time (which hold nothing) makes room
                    final Entry gone = longestSilentPastHold(followers, now);
                    if (gone == null) {
                        return "shard " + shard + " has " + MAX_PER_SHARD + " followers holding the journal already";
                    }
                    followers.remove(gone.name, gone);
                    LOG.info("shard {}: follower {} forgotten (silent for {} s, past follower-hold-time) to make room for {}",
                        shard, gone.name, (now - gone.reportedAt) / 1000, name);
                }
                e = followers.computeIfAbsent(name, n -> new Entry(n, addr, applied, now));
            }
            LOG.info("shard {}: follower {} reports from {} at offset {}: the journal is kept from there", shard, name, addr, applied);
        }
        // the time last: retention never sees a fresh report with the previous offset as current
        e.addr = addr;
        e.applied = applied;
        e.reportedAt = now;
        if (followers.get(name) != e) {
            // forgotten at the cap by another report between the look-up and the update: put back, as reported
            synchronized (followers) {
                followers.putIfAbsent(name, e);
            }
        }
        return null;
    }

    private Entry longestSilentPastHold(Map<String, Entry> followers, long now) {
        Entry gone = null;
        for (Entry e : followers.values()) {
            if (now - e.reportedAt > holdMillis && (gone == null || e.reportedAt < gone.reportedAt)) {
                gone = e;
            }
        }
        return gone;
    }

    /**
     * The offsets retention keeps for shard {@code shard}, by holder name; a follower silent for
     * longer than the hold time is left out, logged once when it goes and once when it comes back.
     * Called by retention only.
     */
    public Map<String, Long> holding(String shard, long now) {
        final Map<String, Long> holders = new LinkedHashMap<>();
        final Map<String, Entry> followers = byShard.get(shard);
        if (followers == null) {
            return holders;
        }
        for (Entry e : followers.values()) {
            final long silent = now - e.reportedAt;
            final boolean release = silent > holdMillis;
            if (release != e.released) {
                e.released = release;
                if (release) {
                    LOG.warn("shard {}: follower {} has not reported for {} s (follower-hold-time {} s): the journal is no longer kept "
                        + "for it from offset {}; past retention it needs a new snapshot load", shard, e.name, silent / 1000,
                        holdMillis / 1000, e.applied);
                } else {
                    LOG.info("shard {}: follower {} reports again, at offset {}: the journal is kept from there", shard, e.name, e.applied);
                }
            }
            if (!release) {
                holders.put("follower " + e.name, e.applied);
            }
        }
        return holders;
    }

    /** The followers of {@code shard} as last reported, by name. */
    public List<Follower> of(String shard, long now) {
        final List<Follower> list = new ArrayList<>();
        final Map<String, Entry> followers = byShard.get(shard);
        if (followers != null) {
            for (Entry e : followers.values()) {
                list.add(new Follower(e.name, e.addr, e.applied, Math.max(0, now - e.reportedAt), now - e.reportedAt <= holdMillis));
            }
            list.sort(java.util.Comparator.comparing(Follower::name));
        }
        return list;
    }
}
