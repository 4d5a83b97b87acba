package io.redisreplica.router.upstream;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespError;
import io.redisreplica.router.config.HostPort;
import io.redisreplica.router.config.UpstreamSentinels;
import io.redisreplica.router.support.Agent;
import io.redisreplica.router.support.DistinctErrors;
import io.redisreplica.router.support.ErrorHandler;

/**
 * Listens for {@code +switch-master} on one sentinel at a time (each in turn when one fails), so a
 * failover moves the link at once instead of when its connection to the old master happens to
 * fail. A quiet subscription is checked with PING every {@link #PING_MS}; one that does not answer
 * is given up for the next sentinel. Announcements of other masters are ignored. Its own thread
 * ({@code sentinel-watch-NAME}); a sentinel that cannot be reached is retried with backoff and
 * logged once per distinct error: the link still asks the sentinels at each reconnect without it.
 */
final class SentinelWatcher extends Agent {
    private static final Logger LOG = LoggerFactory.getLogger(SentinelWatcher.class);
    static final int PING_MS = 2000;
    private static final String CHANNEL = "+switch-master";

    private final SentinelClients clients;
    private final UpstreamSentinels sentinels;
    /** Told (sentinel, new master) of each switch of our master. */
    private final BiConsumer<HostPort, HostPort> onSwitch;
    private final DistinctErrors retries;
    private final RetryBackoff backoff = new RetryBackoff();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile RespClient connection;
    /** {@code subscribed:HOST:PORT} or {@code connecting}, for INFO. */
    private volatile String state = "connecting";
    private volatile long switches;

    SentinelWatcher(SentinelClients clients, BiConsumer<HostPort, HostPort> onSwitch, ErrorHandler errors) {
        super("sentinel-watch-" + clients.sentinels().masterName(), errors, 5000);
        this.clients = clients;
        this.sentinels = clients.sentinels();
        this.onSwitch = onSwitch;
        this.retries = errors.distinct(LOG, "sentinel watch");
    }

    String state() {
        return state;
    }

    /** {@code +switch-master} messages of our master seen. */
    long switches() {
        return switches;
    }

    @Override
    protected void wake() {
        closed.countDown();
        final RespClient c = connection;
        if (c != null) {
            c.close();
        }
    }

    @Override
    protected void run() throws InterruptedException {
        int next = 0;
        while (!closing()) {
            final HostPort sentinel = sentinels.sentinels().get(next);
            try {
                listen(sentinel);
            } catch (IOException | RuntimeException e) {
                if (closing()) {
                    break;
                }
                state = "connecting";
                retries.record("sentinel " + sentinel + ": trying the next in up to " + backoff.current() + " ms", e);
            } finally {
                final RespClient c = connection;
                if (c != null) {
                    c.close();
                }
            }
            next = (next + 1) % sentinels.sentinels().size();
            if (closed.await(backoff.next(), TimeUnit.MILLISECONDS)) {
                break;
            }
        }
    }

    private void listen(HostPort sentinel) throws IOException {
        final RespClient c = clients.client(sentinel, PING_MS);
        connection = c;
        if (closing()) {
            return;
        }
        try {
            c.connect();
            c.pipeline().command("SUBSCRIBE", CHANNEL);
            c.flush();
        } catch (IOException e) {
            throw clients.withTlsHint(e); // AUTH's exchange, the first: a plain connection to a TLS port can end here
        }
        boolean pinged = false;
        boolean answered = false;
        while (!closing()) {
            final Object message;
            try {
                message = c.read();
            } catch (SocketTimeoutException quiet) {
                if (pinged) {
                    throw new IOException("sentinel " + sentinel + " did not answer PING within " + PING_MS + " ms");
                }
                c.pipeline().command("PING");
                c.flush();
                pinged = true;
                continue;
            } catch (IOException e) {
                throw answered ? e : clients.withTlsHint(e); // SUBSCRIBE's reply: a plain connection to a TLS port ends here
            }
            answered = true;
            pinged = false;
            if (!(message instanceof List<?> m) || m.size() < 3 || !(m.get(0) instanceof String kind)) {
                if (message instanceof RespError e) {
                    throw new IOException("sentinel " + sentinel + " refused SUBSCRIBE: " + e.message());
                }
                continue;
            }
            if (kind.equals("subscribe")) {
                if (!state.equals("subscribed:" + sentinel)) {
                    LOG.info("upstream: watching sentinel {} for +switch-master of {}", sentinel, sentinels.masterName());
                }
                state = "subscribed:" + sentinel;
                backoff.reset();
            } else if (kind.equals("message") && m.get(2) instanceof String text) {
                // "<name> <old-ip> <old-port> <new-ip> <new-port>"
                final String[] f = text.split(" ");
                if (f.length == 5 && f[0].equals(sentinels.masterName())) {
                    switches++;
                    final HostPort to = new HostPort(f[3], Integer.parseInt(f[4]));
                    LOG.warn("upstream: sentinel {}: +switch-master {} {}:{} -> {}", sentinel, f[0], f[1], f[2], to);
                    onSwitch.accept(sentinel, to);
                }
            }
        }
    }
}
