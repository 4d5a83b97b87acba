package io.redisreplica.router.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import io.redisreplica.router.config.HostPort;

/**
 * One connection to the master, as the {@link UpstreamLink} sees it: two streams, a read
 * timeout and a close that may come from another thread (to wake the link). The socket one is
 * {@link SocketMasterConnection}; tests script a master over in-memory streams.
 */
interface MasterConnection extends AutoCloseable {
    /** Connects; a {@link #close()} from another thread meanwhile makes it fail at once. */
    void connect() throws IOException;

    InputStream input();

    OutputStream output();

    /** A read that waits longer than this throws {@link java.net.SocketTimeoutException}: the stream loop's tick. */
    void readTimeout(int millis) throws IOException;

    /** Ends the connection; a blocked read then fails. Safe from any thread, and more than once. */
    @Override
    void close();

    /** A new, not yet connected, connection to the master: one per attempt (and per node ROLE leads to). */
    @FunctionalInterface
    interface Connector {
        MasterConnection newConnection(HostPort address) throws IOException;
    }
}
