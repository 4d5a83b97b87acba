package io.redisreplica.server.impl;

import io.redisreplica.server.spi.Loop;

/** A loop of the server: a {@link Loop} whose escaping throwables go to the server's {@link Errors}. */
public abstract class Agent extends Loop {
    private final Errors errors;

    protected Agent(String name, Errors errors, long joinMillis) {
        super(name, errors::fatal, joinMillis);
        this.errors = errors;
    }

    protected final Errors errors() {
        return errors;
    }
}
