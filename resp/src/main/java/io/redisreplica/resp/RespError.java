package io.redisreplica.resp;

/**
 * An error reply as a value: what {@link RespObjectBuilder} puts where an error stands inside an
 * aggregate (one failed command in an EXEC reply), and what a client may queue for a pipelined
 * command that failed, so one error does not hide the replies around it.
 */
public record RespError(String message) {
}
