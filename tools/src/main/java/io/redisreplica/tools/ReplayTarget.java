package io.redisreplica.tools;

import java.io.IOException;

/**
 * Where a {@link ReplayEngine} applies the journal: a standalone server ({@link StandaloneReplay})
 * or a Redis Cluster ({@link ClusterReplay}). One lives for the engine's run: following, it keeps
 * its connections, its journal reader and what it knows of the target's checkpoints from round to
 * round.
 */
interface ReplayTarget extends AutoCloseable {
    /** Test hook: runs after a batch is sent, before its EXEC is known applied (a stop there must apply nothing twice). */
    interface BodySent {
        void sent(long reached) throws IOException;
    }

    /**
     * Replays from {@code requestedStart} (or the target's checkpoint, when further on) to the
     * journal's end as it is now; {@code tail}: on to whatever the reader finds, as the journal grows.
     */
    ReplayEngine.Result run(long requestedStart, boolean tail) throws IOException;

    /** Lets the reader go (the journal is about to be opened again): the next round opens one where it starts. */
    void releaseReader();

    /** The journal was opened again (after {@link #releaseReader}): what it applies from now on is on its current line. */
    void reopened();

    /** Forgets the target's checkpoint (it was emptied, or a round failed): the next round reads it again. */
    void forget();

    @Override
    void close();
}
