package io.redisreplica.router.upstream;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.client.MasterRole;
import io.redisreplica.router.config.HostPort;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.config.UpstreamDemoted;
import io.redisreplica.router.config.UpstreamSentinels;
import io.redisreplica.router.routing.RouterException;
import io.redisreplica.router.tls.SocketFactory;

/**
 * Which node the link replicates from. With {@code upstream-sentinel}, the node the sentinels name
 * (or the one a {@code +switch-master} just announced); with a fixed {@code upstream}, that address,
 * or the master it was found to follow. Each connection's {@code ROLE} is judged here before the
 * link announces itself as a replica: a sentinel's stale answer is asked again, a fixed upstream
 * that answers as a replica is followed, stopped on or stayed with ({@code upstream-demoted}).
 * Each change is logged once. Used on the link's thread; {@link #master()} and the sentinel fields
 * are published for INFO, {@link #switched} comes from the sentinel watcher's thread.
 */
public final class MasterLocator {
    private static final Logger LOG = LoggerFactory.getLogger(MasterLocator.class);
    /** Replicas of replicas followed in one attempt: a chain longer than this is a loop, or a topology to fix. */
    static final int MAX_HOPS = 4;

    private final HostPort configured;
    private final UpstreamDemoted demoted;
    private final UpstreamSentinels sentinels;
    /** How the sentinels are reached (plain or TLS), for the questions and the watcher; null without sentinels. */
    private final SentinelClients clients;
    private final SentinelAsk ask;
    /** A fixed upstream's master found by ROLE: where the next attempt goes, until it fails. */
    private HostPort followed;
    /** What the last attempt was told to connect to, and by which sentinel (null: no sentinels). */
    private HostPort named;
    private HostPort namedBy;
    /** The address a {@code +switch-master} announced: the next attempt's target. */
    private volatile HostPort switchedTo;
    private volatile HostPort master;
    private volatile String lastSentinel = "";
    /** The last "stay" and "follow" lines logged, so each is logged once per node and master. */
    private String lastJudgement = "";

    /** @throws IOException with {@code upstream-sentinel-tls}: a TLS file that does not load */
    MasterLocator(RouterConfig config) throws IOException {
        this.configured = new HostPort(config.upstreamHost(), config.upstreamPort());
        this.demoted = config.upstreamDemoted();
        this.sentinels = config.sentinels();
        this.clients = SentinelClients.of(config);
        this.ask = clients == null ? null : new SentinelAsk(clients);
    }

    /**
     * Where the config's master is now, for a tool that talks to it (status, compare, cutover):
     * with {@code upstream-sentinel}, the node the sentinels name (asked over TLS with the config's
     * files when {@code upstream-sentinel-tls} says so); else the {@code upstream} address.
     *
     * @throws IOException naming each sentinel and what it answered, when none named the master
     */
    public static HostPort current(RouterConfig config) throws IOException {
        return current(config, SentinelClients.of(config));
    }

    /**
     * {@link #current(RouterConfig)} with the sentinels asked through {@code sentinelSockets}: a
     * tool's, made from its {@code --tls}, {@code --cacert}, {@code --cert} and {@code --key} over
     * the config's files and {@code upstream-sentinel-tls}, as it reaches the master.
     *
     * @throws IOException naming each sentinel and what it answered, when none named the master
     */
    public static HostPort current(RouterConfig config, SocketFactory sentinelSockets) throws IOException {
        return current(config, SentinelClients.of(config, sentinelSockets));
    }

    private static HostPort current(RouterConfig config, SentinelClients clients) throws IOException {
        return clients == null ? new HostPort(config.upstreamHost(), config.upstreamPort()) : new SentinelAsk(clients).master().master();
    }

    /** The node replicated from (or last tried), for INFO: null before the first attempt. */
    HostPort master() {
        return master;
    }

    /** The sentinel that named the master last, for INFO ("" without sentinels or before). */
    String lastSentinel() {
        return lastSentinel;
    }

    UpstreamSentinels sentinels() {
        return sentinels;
    }

    /** How the sentinels are reached, for the watcher: null without {@code upstream-sentinel}. */
    SentinelClients sentinelClients() {
        return clients;
    }

    /** Where this attempt connects first. */
    HostPort target() throws IOException {
        if (sentinels == null) {
            return followed != null ? followed : configured;
        }
        final HostPort announced = switchedTo;
        if (announced != null) {
            switchedTo = null;
            return announced;
        }
        final SentinelAsk.Answer answer = ask.master();
        lastSentinel = answer.sentinel().toString();
        if (!answer.master().equals(named) || !answer.sentinel().equals(namedBy)) {
            LOG.info("upstream: sentinel {} names {} as master {}", answer.sentinel(), answer.master(), sentinels.masterName());
        }
        named = answer.master();
        namedBy = answer.sentinel();
        return answer.master();
    }

    /**
     * Whether to replicate from the node at {@code at}, given its ROLE.
     *
     * @return null to replicate from it, or the address to connect to instead (its master)
     * @throws IOException a sentinel named a node that is not the master: asked again after a backoff
     * @throws RouterException {@code upstream-demoted stop} and the node answers as a replica
     */
    HostPort judge(HostPort at, MasterRole role) throws IOException {
        if (!role.isReplica()) {
            if (role == MasterRole.UNKNOWN && !("unknown " + at).equals(lastJudgement)) {
                lastJudgement = "unknown " + at;
                LOG.info("upstream: {} does not answer ROLE (before Redis 2.8.12): taken as the master", at);
            }
            return null;
        }
        if (sentinels != null) {
            ask.passOver();
            throw new IOException("the sentinels named " + at + " as master " + sentinels.masterName() + ", but it answers ROLE as "
                + role + ": asking again");
        }
        final String judgement = demoted + " " + at + " " + role.master();
        switch (demoted) {
            case STOP -> throw new RouterException("upstream " + at + " answers ROLE as " + role + ": it is no longer the master "
                + "(demoted by a failover?), and upstream-demoted is stop. Point upstream at " + role.master()
                + ", or set upstream-demoted follow");
            case STAY -> {
                if (!judgement.equals(lastJudgement)) {
                    LOG.info("upstream: {} is {}: replicating from the replica (upstream-demoted stay)", at, role);
                }
                lastJudgement = judgement;
                return null;
            }
            default -> {
                if (!judgement.equals(lastJudgement)) {
                    LOG.warn("upstream: {} answers ROLE as {}: following it to its master (upstream-demoted follow)", at, role);
                }
                lastJudgement = judgement;
                followed = new HostPort(role.masterHost(), role.masterPort());
                return followed;
            }
        }
    }

    /** The link replicates from {@code at} from now on. */
    void connected(HostPort at) {
        final HostPort was = master;
        if (was != null && !was.equals(at)) {
            LOG.warn("upstream: the master moved: {} -> {}", was, at);
        }
        master = at;
    }

    /** {@code at} could not be reached: a followed master is forgotten, the next attempt starts at the configured address again. */
    void unreachable(HostPort at) {
        if (at.equals(followed)) {
            followed = null;
        }
    }

    /** A sentinel announced {@code +switch-master}: the next attempt connects to {@code to}. Any thread. */
    void switched(HostPort to) {
        switchedTo = to;
    }
}
