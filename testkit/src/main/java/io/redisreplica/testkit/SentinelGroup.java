package io.redisreplica.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.net.ssl.SSLSocketFactory;

/**
 * Sentinels watching one master, as real {@code redis-server --sentinel} processes started by a
 * {@link RedisServers} (which stops them after the test). Timings are short so a failover takes a
 * few seconds: {@code down-after-milliseconds} 1000, {@code failover-timeout} 5000.
 *
 * <pre>{@code
 * SentinelGroup sentinels = SentinelGroup.start(redis, "m", master, 3);
 * sentinels.awaitWatching(replica.port());     // every sentinel knows its peers and the replica
 * sentinels.failover();                        // SENTINEL FAILOVER m
 * sentinels.awaitMaster(replica.port());       // every sentinel names the replica as the master
 * }</pre>
 */
public final class SentinelGroup {
    public static final long DOWN_AFTER_MS = 1000;
    public static final long FAILOVER_TIMEOUT_MS = 5000;
    /** A failover: down-after, an election, the promotion and the announcements, with room for a loaded machine. */
    private static final long FAILOVER_WAIT_MS = 60_000;

    private final String name;
    private final List<RedisServer> sentinels;

    private SentinelGroup(String name, List<RedisServer> sentinels) {
        this.name = name;
        this.sentinels = sentinels;
    }

    /** {@code count} sentinels (quorum: a majority) monitoring {@code master} as {@code name}. */
    public static SentinelGroup start(RedisServers redis, String name, RedisServer master, int count) {
        return start(redis, name, master, master.port(), count, Map.of(), null);
    }

    /**
     * {@code count} sentinels monitoring a TLS {@code master} ({@link RedisServers#startTls}) on its
     * {@link RedisServer#tlsPort()} as {@code name}, each with a {@code tls-port} of its own (its
     * {@link RedisServer#tlsPort()}) showing {@code certs.server()} and requiring client
     * certificates, and {@code tls-replication yes} (the master, its replicas and the other
     * sentinels over TLS). They name the master's, and a promoted replica's, TLS port; the plain
     * ports stay open for the checks of this class.
     */
    public static SentinelGroup startTls(RedisServers redis, String name, RedisServer master, int count, TlsCertificates certs) {
        return start(redis, name, master, master.tlsPort(), count, tlsConfig(certs), null);
    }

    /**
     * As {@link #startTls}, but the sentinels listen with TLS only ({@code port 0}, as an operator
     * who allows no plain port runs them): they announce their TLS ports to each other, and this
     * class's checks reach them over TLS with {@link TlsCertificates#clientSockets()}. Their
     * {@link RedisServer#port()} is their TLS port: {@link #addresses()} and {@link #tlsAddresses()} agree.
     */
    public static SentinelGroup startTlsOnly(RedisServers redis, String name, RedisServer master, int count, TlsCertificates certs) {
        return start(redis, name, master, master.tlsPort(), count, tlsConfig(certs), certs.clientSockets());
    }

    private static Map<String, String> tlsConfig(TlsCertificates certs) {
        final Map<String, String> tls = new LinkedHashMap<>(certs.redisConfig(certs.server()));
        tls.put("tls-replication", "yes");
        return tls;
    }

    private static SentinelGroup start(RedisServers redis, String name, RedisServer master, int masterPort, int count,
                                       Map<String, String> tls, SSLSocketFactory tlsOnly) {
        final List<RedisServer> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final Map<String, String> conf = new LinkedHashMap<>(tls);
            if (!tls.isEmpty() && tlsOnly == null) {
                conf.put("tls-port", Integer.toString(FreePort.find()));
            }
            conf.put("sentinel monitor", name + " " + master.host() + " " + masterPort + " " + (count / 2 + 1));
            conf.put("sentinel down-after-milliseconds", name + " " + DOWN_AFTER_MS);
            conf.put("sentinel failover-timeout", name + " " + FAILOVER_TIMEOUT_MS);
            conf.put("sentinel parallel-syncs", name + " 1");
            started.add(tlsOnly == null ? redis.startSentinel(master.binary(), conf)
                : redis.startTlsOnlySentinel(master.binary(), conf, tlsOnly));
        }
        return new SentinelGroup(name, started);
    }

    public String name() {
        return name;
    }

    public List<RedisServer> sentinels() {
        return sentinels;
    }

    /** {@code host:port,host:port,...} of their TLS ports ({@link #startTls}). */
    public String tlsAddresses() {
        return sentinels.stream().map(s -> s.host() + ":" + s.tlsPort()).collect(Collectors.joining(","));
    }

    /** {@code host:port,host:port,...}: the router's {@code upstream-sentinel} addresses. */
    public String addresses() {
        return sentinels.stream().map(s -> s.host() + ":" + s.port()).collect(Collectors.joining(","));
    }

    /** The master's port as {@code sentinel} names it ({@code SENTINEL get-master-addr-by-name}), -1 when it names none. */
    public int masterPort(RedisServer sentinel) {
        try (RedisClient c = sentinel.client()) {
            final Object reply = c.call("SENTINEL", "get-master-addr-by-name", name);
            return reply instanceof List<?> l && l.size() == 2 ? Integer.parseInt(text(l.get(1))) : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Until every sentinel knows the others and lists {@code replicaPort} as a replica that is up: a failover can then pick it. */
    public void awaitWatching(int replicaPort) {
        for (RedisServer s : sentinels) {
            Await.until("sentinel " + s.port() + " to know " + (sentinels.size() - 1) + " peers and the replica on " + replicaPort,
                () -> peers(s) >= sentinels.size() - 1 && replicaUp(s, replicaPort), FAILOVER_WAIT_MS);
        }
    }

    /** {@code SENTINEL FAILOVER name} on the first sentinel (retried while a previous failover still counts as in progress). */
    public void failover() {
        Await.until("SENTINEL FAILOVER " + name + " to be accepted", () -> {
            try (RedisClient c = sentinels.get(0).client()) {
                c.call("SENTINEL", "FAILOVER", name);
                return true;
            } catch (RedisClient.RedisErrorException e) {
                return false; // -INPROG, -NOGOODSLAVE while the sentinel still rates the replica
            }
        }, FAILOVER_WAIT_MS);
    }

    /** Until every sentinel names the master on {@code port}. */
    public void awaitMaster(int port) {
        for (RedisServer s : sentinels) {
            Await.until("sentinel " + s.port() + " to name the master on " + port, () -> masterPort(s) == port, FAILOVER_WAIT_MS);
        }
    }

    private int peers(RedisServer sentinel) {
        try (RedisClient c = sentinel.client()) {
            return ((List<?>) c.call("SENTINEL", "sentinels", name)).size();
        }
    }

    private boolean replicaUp(RedisServer sentinel, int port) {
        try (RedisClient c = sentinel.client()) {
            for (Object r : (List<?>) c.call("SENTINEL", "replicas", name)) {
                final Map<String, String> fields = fields((List<?>) r);
                if (Integer.toString(port).equals(fields.get("port")) && fields.getOrDefault("flags", "").equals("slave")
                    && "ok".equals(fields.get("master-link-status"))) {
                    return true;
                }
            }
            return false;
        }
    }

    private static Map<String, String> fields(List<?> flat) {
        final Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            m.put(text(flat.get(i)), text(flat.get(i + 1)));
        }
        return m;
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
