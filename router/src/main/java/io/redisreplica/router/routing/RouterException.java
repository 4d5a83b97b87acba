package io.redisreplica.router.routing;

/** The router cannot go on with the upstream stream as it is (a cross-shard command under STOP policy, ...). */
public final class RouterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RouterException(String message) {
        super(message);
    }
}
