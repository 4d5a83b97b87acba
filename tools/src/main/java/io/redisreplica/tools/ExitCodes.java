package io.redisreplica.tools;

/** Exit codes of every command, documented in the README and in {@code --help}. */
public final class ExitCodes {
    /** Done. */
    public static final int OK = 0;
    /** The check failed (journal verify found a problem). */
    public static final int CHECK_FAILED = 1;
    /** Bad command line (picocli's own usage error code). */
    public static final int USAGE = 2;
    /** Bad input: a corrupt RDB, an invalid config file, a journal that cannot be read. */
    public static final int BAD_INPUT = 3;
    /** An I/O or environment failure: file not writable, redis-server missing, port in use. */
    public static final int ENVIRONMENT = 4;
    /** {@code run} refused: the shard map differs from the journal's (pass --accept-shard-map-change to rebuild). */
    public static final int SHARD_MAP_CHANGED = 5;
    /**
     * The router stopped by itself on a fault it cannot recover from (the cross-shard policy
     * {@code stop}, an {@code Error} such as OutOfMemoryError in any thread): a supervisor should
     * restart it, after looking at the log's one ERROR line.
     */
    public static final int ROUTER_FAILED = 6;

    private ExitCodes() {
    }
}
