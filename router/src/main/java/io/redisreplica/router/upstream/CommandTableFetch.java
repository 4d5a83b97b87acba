package io.redisreplica.router.upstream;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.redisreplica.resp.RespClient;
import io.redisreplica.router.config.HostPort;
import io.redisreplica.router.routing.CommandTable;
import io.redisreplica.router.support.Agent;
import io.redisreplica.router.support.ErrorHandler;
import io.redisreplica.router.tls.SocketFactory;

/**
 * The master's {@code COMMAND} reply, read on a connection and a thread of its own while the link
 * sends its PSYNC and splits the RDB (issue 18): read before the PSYNC, it delayed the master's
 * RDB by its round trip and the parsing of a few hundred KB (0.58 s on a loaded machine). The
 * table is only needed for the first command routed, so the link {@link #teach}es it on its own
 * thread (the table's one writer) just before it streams.
 *
 * <p>One request, then the thread ends; {@link #close()} closes the connection, so a read that
 * hangs ends at once. A fault is kept for {@link #teach} to report: the link then routes with the
 * built-in table, as before.
 */
final class CommandTableFetch extends Agent {
    private static final long JOIN_MS = 2000;

    private final HostPort master;
    private final String user;
    private final String password;
    private final SocketFactory sockets;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile RespClient client;
    private volatile List<?> reply;
    private volatile Exception failure;

    CommandTableFetch(HostPort master, String user, String password, SocketFactory sockets, ErrorHandler errors) {
        super("master-commands-" + master, errors, JOIN_MS);
        this.master = master;
        this.user = user;
        this.password = password;
        this.sockets = sockets;
    }

    @Override
    protected void run() {
        try (RespClient c = MasterCommands.open(master.host(), master.port(), user, password, sockets)) {
            client = c;
            if (!closing()) { // a close() before the client was published did not see it
                reply = MasterCommands.read(c);
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            done.countDown();
        }
    }

    @Override
    protected void wake() {
        final RespClient c = client;
        if (c != null) {
            c.close();
        }
        done.countDown();
    }

    /**
     * Waits for the reply and teaches it to {@code table}, on the caller's thread.
     *
     * @return how many commands the table learned
     * @throws IOException when the master gave no table (or {@link #close()} came first)
     */
    int teach(CommandTable table) throws IOException {
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the master's COMMAND table", e);
        }
        final List<?> r = reply;
        if (r == null) {
            final Exception e = failure;
            throw e == null ? new IOException("closed before the master's COMMAND table was read")
                : e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return MasterCommands.teach(table, r);
    }
}
