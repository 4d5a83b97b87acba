package io.redisreplica.server.usage;

import java.io.IOException;

import io.redisreplica.server.JournalCursor;
import io.redisreplica.server.ReplicationBacklog;
import io.redisreplica.server.ReplicationSource;
import io.redisreplica.server.Snapshot;

/**
 * A {@link ReplicationBacklog} as a source through the API's interface only: the tests' sources
 * extend it and change the one thing they test (a growing snapshot, a new replid, failing cursors).
 */
class BacklogSource implements ReplicationSource {
    final ReplicationBacklog backlog;

    BacklogSource(ReplicationBacklog backlog) {
        this.backlog = backlog;
    }

    @Override
    public Snapshot snapshot() {
        return backlog.snapshot();
    }

    @Override
    public long firstOffset() {
        return backlog.firstOffset();
    }

    @Override
    public long endOffset() {
        return backlog.endOffset();
    }

    @Override
    public JournalCursor cursor(long offset) throws IOException {
        return backlog.cursor(offset);
    }
}
