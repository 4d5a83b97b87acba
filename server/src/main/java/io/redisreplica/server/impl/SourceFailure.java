package io.redisreplica.server.impl;

import java.io.IOException;

/**
 * The application's source failed (its snapshot or its journal could not be read): reported to
 * its listener, unlike an I/O error of the replica's link, which is an ordinary end of a session.
 */
final class SourceFailure extends IOException {
    private static final long serialVersionUID = 1L;

    SourceFailure(Exception cause) {
        super("the replication source failed: " + cause, cause);
    }
}
