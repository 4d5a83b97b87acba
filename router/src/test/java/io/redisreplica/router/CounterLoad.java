package io.redisreplica.router;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;

/**
 * A write load through one client: INCR of counters and RPUSH of numbered sequences, in pipelined
 * batches, so a lost or repeated command shows as a wrong count or a gap in a list. It writes to
 * the master it is told, and {@link #pause()} stops it between two batches: a failover test
 * moves the writes to the new master as an application does once its sentinel client learns of it.
 */
final class CounterLoad implements AutoCloseable {
    private static final int KEYS = 200;
    private static final int BATCH = 20;

    private final Thread thread;
    private final AtomicLong written = new AtomicLong();
    private volatile RedisServer master;
    private volatile boolean paused;
    /** Set by the writer while it waits in a pause: nothing is in flight then. */
    private volatile boolean idle;
    private volatile boolean stopped;
    private volatile RuntimeException failure;

    CounterLoad(RedisServer master) {
        this.master = master;
        this.thread = new Thread(this::run, "counter-load");
        thread.setDaemon(true);
        thread.start();
    }

    /** Commands acknowledged by the master so far. */
    long written() {
        return written.get();
    }

    /** Returns once no write is in flight and none will be sent until {@link #resume}. */
    void pause() {
        paused = true;
        io.redisreplica.testkit.Await.until("the load to pause", () -> idle || failure != null);
        check();
    }

    /** Writes to {@code to} from now on. */
    void resume(RedisServer to) {
        check();
        master = to;
        paused = false;
    }

    /** Waits until {@code more} further commands were acknowledged. */
    void awaitMore(long more) {
        final long target = written() + more;
        io.redisreplica.testkit.Await.until(more + " more writes", () -> written() >= target || failure != null, 60_000);
        check();
    }

    private void check() {
        if (failure != null) {
            throw failure;
        }
    }

    private void run() {
        long n = 0;
        RedisClient client = null;
        RedisServer at = null;
        try {
            while (!stopped) {
                if (paused) {
                    idle = true;
                    Thread.sleep(5);
                    continue;
                }
                idle = false;
                if (at != master) {
                    if (client != null) {
                        client.close();
                    }
                    at = master;
                    client = at.client();
                }
                final List<Object[]> batch = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++, n++) {
                    final long k = n % KEYS;
                    batch.add((n & 1) == 0 ? new Object[] {"INCR", "counter:" + k} : new Object[] {"RPUSH", "seq:" + k, n});
                }
                for (Object reply : client.pipeline(batch)) {
                    if (reply instanceof RuntimeException e) {
                        throw e;
                    }
                }
                written.addAndGet(BATCH);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
