package io.redisreplica.server.impl;

import java.io.IOException;

import io.redisreplica.server.JournalCursor;

/**
 * The application's source failed (its snapshot or its journal could not be read): reported to
 * its listener, unlike an I/O error of the replica's link, which is an ordinary end of a session.
 * {@link #call} and {@link #marking} mark a source's failures so.
 */
final class SourceFailure extends IOException {
    private static final long serialVersionUID = 1L;

    SourceFailure(Exception cause) {
        super("the replication source failed: " + cause, cause);
    }

    /** A call of the source's. */
    @FunctionalInterface
    interface Call<T> {
        T get() throws IOException;
    }

    /** Runs a source call, its failure marked as the source's (reported), not the replica's link's (an ordinary end). */
    static <T> T call(Call<T> call) throws SourceFailure {
        try {
            return call.get();
        } catch (IOException | RuntimeException e) {
            throw new SourceFailure(e);
        }
    }

    /** {@code cursor} with its failures marked as the source's; no allocation per read. */
    static JournalCursor marking(JournalCursor cursor) {
        return new Marking(cursor);
    }

    private record Marking(JournalCursor cursor) implements JournalCursor {
        @Override
        public int read(byte[] dst, int offset, int length) throws IOException {
            try {
                return cursor.read(dst, offset, length);
            } catch (IOException | RuntimeException e) {
                throw new SourceFailure(e);
            }
        }

        @Override
        public void await(long timeoutMillis) throws InterruptedException {
            cursor.await(timeoutMillis);
        }
    }
}
