package io.redisreplica.router.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.redisreplica.journal.JournalContext;
import io.redisreplica.rdb.KeyRewriter;
import io.redisreplica.router.routing.KeyMatcher;
import io.redisreplica.router.routing.ShardKeyRewriter;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.router.tls.TlsSettings;

/**
 * The router's configuration as values, immutable once {@link ConfigParser} has read and checked
 * the file (see there and the README for the directives). Nothing here loads user code:
 * {@link Plugins#openValueRules(RouterConfig)} does that, when the router is wired.
 *
 * <p>Over 300 lines: the values of every directive with their accessors and defaults; the parsing
 * is ConfigParser's.
 */
public final class RouterConfig {
    private final String upstreamHost;
    private final int upstreamPort;
    private final String upstreamPassword;
    private final String upstreamUser;
    private final UpstreamSentinels sentinels;
    private final UpstreamDemoted upstreamDemoted;
    private final Path journalDir;
    private final JournalContext.Roll journalRoll;
    private final JournalContext.Sync journalSync;
    private final long journalMaxBytes;
    private final Duration journalMaxAge;
    private final long journalMinFree;
    private final Duration retentionInterval;
    private final Duration replicaStallTimeout;
    private final int replicaMaxFailures;
    private final Duration replicaFailureWindow;
    private final Duration replicaDropTime;
    private final Duration followerHoldTime;
    private final int maxClients;
    private final Duration handshakeTimeout;
    private final String adminHost;
    private final int adminPort;
    private final String adminHttpHost;
    private final int adminHttpPort;
    private final long protoMaxBulkLen;
    private final ShardMap shardMap;
    private final Set<String> droppedTypes;
    private final List<KeyMatcher> droppedValues;
    private final long largerThan;
    private final List<Map<String, String>> transforms;
    private final List<SinkConfig> sinks;
    private final int sinkMaxFailures;
    private final Map<String, List<ShardKeyRewriter.Step>> rewrites;
    private final Map<String, String> shardPasswords;
    private final Map<String, String> shardUsers;
    private final TlsSettings tls;
    private final boolean upstreamTls;
    private final boolean shardTlsAll;
    private final Set<String> shardTls;
    private final boolean adminTls;
    private final String adminUser;
    private final String adminPassword;
    private final boolean adminHealthOpen;

    RouterConfig(ConfigDraft d) {
        this.upstreamHost = d.upstreamHost;
        this.upstreamPort = d.upstreamPort;
        this.upstreamPassword = d.upstreamPassword;
        this.upstreamUser = d.upstreamUser;
        this.sentinels = d.sentinels == null ? null : d.sentinels.with(d.sentinelUser, d.sentinelPassword, d.sentinelTls);
        this.upstreamDemoted = d.upstreamDemoted;
        this.journalDir = d.journalDir;
        this.journalRoll = d.journal.rollCycle();
        this.journalSync = d.journal.sync();
        this.journalMaxBytes = d.journal.maxBytesPerShard();
        this.journalMaxAge = d.journal.maxAge();
        this.journalMinFree = d.journal.minFreeBytes();
        this.retentionInterval = d.retentionInterval;
        this.replicaStallTimeout = d.replicaStallTimeout;
        this.replicaMaxFailures = d.replicaMaxFailures;
        this.replicaFailureWindow = d.replicaFailureWindow;
        this.replicaDropTime = d.replicaDropTime;
        this.followerHoldTime = d.followerHoldTime;
        this.maxClients = d.maxClients;
        this.handshakeTimeout = d.handshakeTimeout;
        this.adminHost = d.adminHost;
        this.adminPort = d.adminPort;
        this.adminHttpHost = d.adminHttpHost;
        this.adminHttpPort = d.adminHttpPort;
        this.protoMaxBulkLen = d.protoMaxBulkLen;
        this.shardMap = d.shardMap;
        this.droppedTypes = Collections.unmodifiableSet(new LinkedHashSet<>(d.droppedTypes)); // sorted as the draft's
        this.droppedValues = List.copyOf(d.droppedValues);
        this.largerThan = d.largerThan;
        this.transforms = List.copyOf(d.transforms);
        this.sinks = List.copyOf(d.sinks);
        this.sinkMaxFailures = d.sinkMaxFailures;
        final Map<String, List<ShardKeyRewriter.Step>> steps = new LinkedHashMap<>();
        d.rewrites.forEach((shard, list) -> steps.put(shard, List.copyOf(list)));
        this.rewrites = Collections.unmodifiableMap(steps);
        this.shardPasswords = Map.copyOf(d.shardPasswords);
        this.shardUsers = Map.copyOf(d.shardUsers);
        this.tls = d.tls;
        this.upstreamTls = d.upstreamTls;
        this.shardTlsAll = d.shardTlsAll;
        this.shardTls = Set.copyOf(d.shardTls);
        this.adminTls = d.adminTls;
        this.adminUser = d.adminUser;
        this.adminPassword = d.adminPassword;
        this.adminHealthOpen = d.adminHealthOpen;
    }

    public String upstreamHost() {
        return upstreamHost;
    }

    public int upstreamPort() {
        return upstreamPort;
    }

    /** ACL user for AUTH (Redis 6+), or null for the default user. */
    public String upstreamUser() {
        return upstreamUser;
    }

    /** AUTH password for the master, or null. */
    public String upstreamPassword() {
        return upstreamPassword;
    }

    /** The sentinels that name the master ({@code upstream-sentinel}), or null when {@link #upstreamHost()} is the master. */
    public UpstreamSentinels sentinels() {
        return sentinels;
    }

    /** What the link does when a fixed upstream answers ROLE as a replica ({@code upstream-demoted}). */
    public UpstreamDemoted upstreamDemoted() {
        return upstreamDemoted;
    }

    public Path journalDir() {
        return journalDir;
    }

    /** Journal settings from the config (roll cycle, sync, retention limits) with the journal dir set; a new context each call. */
    public JournalContext journalContext() {
        return new JournalContext().dir(journalDir).rollCycle(journalRoll).sync(journalSync).maxBytesPerShard(journalMaxBytes)
            .maxAge(journalMaxAge).minFreeBytes(journalMinFree);
    }

    /** A replica behind that has not acknowledged progress for this long is PAUSED. */
    public Duration replicaStallTimeout() {
        return replicaStallTimeout;
    }

    /** Failures within {@link #replicaFailureWindow()} that drop a replica. */
    public int replicaMaxFailures() {
        return replicaMaxFailures;
    }

    public Duration replicaFailureWindow() {
        return replicaFailureWindow;
    }

    /** How long a dropped replica's syncs are refused. */
    public Duration replicaDropTime() {
        return replicaDropTime;
    }

    /** {@code follower-hold-time}: how long a {@code replay --follow} not heard from still holds journal retention. */
    public Duration followerHoldTime() {
        return followerHoldTime;
    }

    /** How often retention runs. */
    public Duration retentionInterval() {
        return retentionInterval;
    }

    /**
     * The longest argument the router takes from the master ({@code proto-max-bulk-len}, as the
     * master's own setting; Redis's default 512 MB).
     */
    public long protoMaxBulkLen() {
        return protoMaxBulkLen;
    }

    /**
     * The longest command the router takes from the master, and the longest transaction it
     * writes for one shard: twice {@link #protoMaxBulkLen()} (by default 1 GB, Redis's
     * {@code client-query-buffer-limit}, which bounds what a client can make a master execute),
     * below 2 GiB.
     */
    public int maxCommandLength() {
        return (int) Math.min(2 * protoMaxBulkLen, Integer.MAX_VALUE - (16 << 20));
    }

    /** Connections each listening port (every shard's, the admin port) takes at once. */
    public int maxClients() {
        return maxClients;
    }

    /** A shard-port connection must send SYNC/PSYNC within this (an HTTP request on the admin port: its headers). */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public String adminHost() {
        return adminHost;
    }

    public String adminHttpHost() {
        return adminHttpHost;
    }

    /** The HTTP port of /metrics, /health and /ready ({@code admin-http}), or -1 when none was configured. */
    public int adminHttpPort() {
        return adminHttpPort;
    }

    /** The admin port, or -1 when none was configured. */
    public int adminPort() {
        return adminPort;
    }

    public ShardMap shardMap() {
        return shardMap;
    }

    /**
     * Each shard's key rewriting ({@code rewrite} lines), by shard index: null where a shard has
     * none, or null when none has. New instances on every call: a rewriter serves one thread.
     */
    public KeyRewriter[] keyRewriters() {
        if (rewrites.isEmpty()) {
            return null;
        }
        final KeyRewriter[] out = new KeyRewriter[shardMap.shards().size()];
        for (ShardMap.Shard shard : shardMap.shards()) {
            final List<ShardKeyRewriter.Step> steps = rewrites.get(shard.name());
            out[shard.index()] = steps == null ? null : new ShardKeyRewriter(steps);
        }
        return out;
    }

    /** Whether the config has value rules ({@code drop type|value|larger-than}, {@code transform}). */
    public boolean hasValueRules() {
        return !droppedTypes.isEmpty() || !droppedValues.isEmpty() || largerThan >= 0 || !transforms.isEmpty();
    }

    /** The event sinks, in config order. */
    public List<SinkConfig> sinks() {
        return sinks;
    }

    /** Failures in a row after which a sink is dropped. */
    public int sinkMaxFailures() {
        return sinkMaxFailures;
    }

    /** A shard's rewrite rules for INFO and logs, or null when it has none. */
    public String describeRewrites(String shard) {
        final List<ShardKeyRewriter.Step> steps = rewrites.get(shard);
        return steps == null ? null : new ShardKeyRewriter(steps).describe();
    }

    /** A shard's {@code rewrite} steps in order (empty when it has none), for its map fingerprint. */
    public List<ShardKeyRewriter.Step> rewriteSteps(String shard) {
        return rewrites.getOrDefault(shard, List.of());
    }

    /** {@code drop type=} types, sorted. */
    public Set<String> droppedTypes() {
        return droppedTypes;
    }

    /** {@code drop value=} rules, in config order. */
    public List<KeyMatcher> droppedValues() {
        return droppedValues;
    }

    /** {@code drop larger-than=} in bytes, or -1. */
    public long largerThan() {
        return largerThan;
    }

    /** {@code transform} lines' options (class, jar and the rest), in config order. */
    public List<Map<String, String>> transforms() {
        return transforms;
    }

    /** The user name a shard's replicas must AUTH as ({@code masteruser}), or null for {@code default}. */
    public String shardUser(String shard) {
        return shardUsers.get(shard);
    }

    /** The password a shard's replicas must AUTH with (their masterauth), or null for none. */
    public String shardPassword(String shard) {
        return shardPasswords.get(shard);
    }

    /** The {@code tls-*} files and choices, or null when no end speaks TLS. */
    public TlsSettings tls() {
        return tls;
    }

    /** Whether the link to the master (and its side connection) speaks TLS ({@code upstream-tls}). */
    public boolean upstreamTls() {
        return upstreamTls;
    }

    /** Whether a shard's port speaks TLS ({@code shard-tls}); its replicas then need {@code tls-replication yes}. */
    public boolean shardTls(String shard) {
        return shardTlsAll || shardTls.contains(shard);
    }

    /** Whether the admin port speaks TLS ({@code admin-tls}). */
    public boolean adminTls() {
        return adminTls;
    }

    /** The user the admin port's AUTH must name ({@code admin-user}), or null for {@code default}. */
    public String adminUser() {
        return adminUser;
    }

    /** The admin port's password ({@code admin-password}), or null: INFO and /metrics open to anyone who connects. */
    public String adminPassword() {
        return adminPassword;
    }

    /** Whether the health endpoint answers without the admin password ({@code admin-health-open}). */
    public boolean adminHealthOpen() {
        return adminHealthOpen;
    }
}
