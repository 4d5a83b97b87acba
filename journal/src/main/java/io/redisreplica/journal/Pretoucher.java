package io.redisreplica.journal;

/**
 * Takes the file system's work of a journal's first write to each page off the writer's thread
 * (issue 18): each {@link #round} touches, for every open shard, the pages just ahead of where its
 * writer will append, and makes the file of the cycle about to start, so the writer finds both
 * ready (how, and why it is safe beside the writer: {@code ShardPretouch}). It changes no byte a
 * reader sees: the files stay Chronicle's, read by every reader and {@code journal verify} as before;
 * touched pages ahead count in {@link ShardJournal#fileStats()}'s bytes on disk a little earlier.
 *
 * <p>It has no thread: its owner calls {@link #round} every few tens of milliseconds from a thread
 * of its own (the router's {@code pretouch} agent), never the writer's. A shard's failure is handed
 * to the caller and the other shards go on; the writer never depends on a round having run.
 */
public final class Pretoucher {
    /** Told about a shard whose round failed. */
    @FunctionalInterface
    public interface Failures {
        void failed(String shard, JournalException error);
    }

    private final Journal journal;
    private long pages;

    public Pretoucher(Journal journal) {
        this.journal = journal;
    }

    /**
     * Touches every open shard's next pages once; a shard that fails goes to {@code failures} and
     * starts over in the next round.
     *
     * @return pages touched in this round
     */
    public long round(Failures failures) {
        long touched = 0;
        for (ShardJournal shard : journal.openShards()) {
            try {
                touched += shard.pretouch();
            } catch (JournalException e) {
                failures.failed(shard.name(), e);
            }
        }
        pages += touched;
        return touched;
    }

    /** Pages touched since this was made (read by the thread that calls {@link #round}). */
    public long pages() {
        return pages;
    }
}
