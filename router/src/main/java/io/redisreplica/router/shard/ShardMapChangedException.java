package io.redisreplica.router.shard;

/**
 * The config's shard map differs from the one the journal was built with and the change was not
 * accepted: the start is refused before anything is written. The message names the changed,
 * added and removed shards and what to do ({@link ShardMapChange#refusal}).
 */
public final class ShardMapChangedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ShardMapChange change;

    public ShardMapChangedException(String message, ShardMapChange change) {
        super(message);
        this.change = change;
    }

    public ShardMapChange change() {
        return change;
    }
}
