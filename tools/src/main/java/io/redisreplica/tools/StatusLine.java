package io.redisreplica.tools;

import java.util.Locale;

import io.redisreplica.router.Router;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.server.ReplicaStatus;

/**
 * The line {@code run} logs every {@code --status-every} seconds, on the logger
 * {@value #LOGGER} (INFO), so it carries the log's timestamp and format and can be silenced or
 * routed on its own: the upstream link's state and offset, how long since the master last sent
 * a byte, the routing counters, and per shard its journal end, replicas (how many of them load
 * their snapshot: sent it all, no ACK yet), and the largest lag of its replicas in bytes and
 * seconds (-1 bytes: a replica that has not acknowledged yet).
 */
final class StatusLine {
    static final String LOGGER = "io.redisreplica.status";

    private StatusLine() {
    }

    static String of(Router router) {
        final long lastRead = router.upstream().lastReadMillis();
        final StringBuilder sb = new StringBuilder("upstream ").append(router.upstream().state().name().toLowerCase(Locale.ROOT))
            .append(" offset ").append(router.upstream().offset())
            .append(lastRead < 0 ? ", nothing read yet" : String.format(Locale.ROOT, ", last byte %.1f s ago",
                (System.currentTimeMillis() - lastRead) / 1000.0))
            .append(", routed ").append(router.upstream().router().routed())
            .append(", unclaimed ").append(router.upstream().router().unclaimed())
            .append(", cross-shard ").append(router.upstream().router().crossShard());
        for (int i = 0; i < router.shards().size(); i++) {
            final ShardRuntime s = router.shards().get(i);
            final long end = s.journal().endOffset();
            long lagBytes = 0;
            double lagMillis = 0;
            int replicas = 0;
            int loading = 0;
            for (ReplicaStatus r : router.replicas(i)) {
                replicas++;
                if (r.state() == ReplicaStatus.State.LOADING) {
                    loading++;
                }
                final long acked = r.ackedOffset();
                lagBytes = acked < 0 || lagBytes < 0 ? -1 : Math.max(lagBytes, end - acked);
                lagMillis = Math.max(lagMillis, r.lagMillis());
            }
            sb.append("; shard ").append(s.name()).append(" end ").append(end).append(", ").append(replicas)
                .append(replicas == 1 ? " replica" : " replicas");
            if (loading > 0) {
                sb.append(" (").append(loading).append(" loading)");
            }
            if (replicas > 0) {
                sb.append(String.format(Locale.ROOT, ", max lag %d bytes %.1f s", lagBytes, lagMillis / 1000));
            }
            sb.append(", resyncs full/partial ").append(s.fullResyncs()).append('/').append(s.partialResyncs());
        }
        return sb.toString();
    }
}
