package io.redisreplica.router.config;

/** A config file that cannot be used; the message names the file, the line and what is wrong. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
