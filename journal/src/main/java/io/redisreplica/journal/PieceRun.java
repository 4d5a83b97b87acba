package io.redisreplica.journal;

/**
 * What {@link EntryLocator#pieceRun} found after the first piece of an entry written in pieces.
 *
 * @param length the entry's length, when {@link Kind#COMPLETE}
 * @param resumeIndex where the next entry's first document is, when {@link Kind#ABANDONED}; else -1
 * @param pieces the pieces followed
 */
record PieceRun(Kind kind, long length, long resumeIndex, int pieces) {
    enum Kind {
        /** Every piece is there (and committed): {@code length} is the entry's. */
        COMPLETE,
        /** The last piece is not there yet (or not committed): wait. */
        INCOMPLETE,
        /** A document that does not continue the entry follows: skip to {@code resumeIndex}. */
        ABANDONED
    }

    static final PieceRun INCOMPLETE = new PieceRun(Kind.INCOMPLETE, 0, -1, 0);
}
