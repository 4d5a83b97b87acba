package io.redisreplica.journal;

/**
 * The journal cannot do what was asked: the directory is unwritable or locked, the disk is
 * (nearly) full, an entry is corrupt. The message says which journal, shard and offset. Nothing
 * already committed is lost; the caller stops acknowledging upstream until it is resolved.
 */
public final class JournalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
