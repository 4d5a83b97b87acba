package io.redisreplica.server.spi;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A listener's client slots ({@code maxclients}): the {@link AcceptLoop} takes one per connection
 * and the connection frees it when it ends; past the limit a connection is turned away and
 * counted. Lock-free; read by INFO and metrics.
 */
public final class ClientSlots {
    private final int maxClients;
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    public ClientSlots(int maxClients) {
        this.maxClients = maxClients;
    }

    /** Takes a slot; false (and counted) when {@code maxclients} are connected. */
    public boolean tryAcquire() {
        while (true) {
            final int now = connected.get();
            if (now >= maxClients) {
                refused.incrementAndGet();
                return false;
            }
            if (connected.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Frees a slot taken by {@link #tryAcquire()}. */
    public void release() {
        connected.decrementAndGet();
    }

    public int maxClients() {
        return maxClients;
    }

    /** Connections holding a slot now. */
    public int connected() {
        return connected.get();
    }

    /** Connections turned away because all slots were taken, since start. */
    public long refused() {
        return refused.get();
    }
}
