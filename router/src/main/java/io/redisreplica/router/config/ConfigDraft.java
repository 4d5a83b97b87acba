package io.redisreplica.router.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.redisreplica.journal.JournalContext;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.router.routing.KeyMatcher;
import io.redisreplica.router.routing.ShardKeyRewriter;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.router.tls.TlsSettings;

/**
 * What {@link ConfigParser} has read so far, with the defaults of the lines a file leaves out;
 * {@link RouterConfig} copies it once the whole file is checked. Mutable, used on the parsing
 * thread only.
 */
final class ConfigDraft {
    String upstreamHost = "127.0.0.1";
    int upstreamPort = 6379;
    String upstreamPassword;
    String upstreamUser;
    /** {@code upstream-sentinel} and its credentials: null when the upstream is a fixed address. */
    UpstreamSentinels sentinels;
    String sentinelUser;
    String sentinelPassword;
    /** {@code upstream-sentinel-tls yes}: the sentinels are asked over TLS. */
    boolean sentinelTls;
    /** The line of {@code upstream-sentinel-tls}, 0 without one. */
    int sentinelTlsLine;
    UpstreamDemoted upstreamDemoted = UpstreamDemoted.FOLLOW;
    Path journalDir = Path.of("journal");
    /** Roll cycle, sync and retention limits; the directory is set from {@link #journalDir} when read. */
    final JournalContext journal = new JournalContext();
    Duration retentionInterval = Duration.ofMinutes(1);
    Duration replicaStallTimeout = Duration.ofSeconds(30);
    int replicaMaxFailures = 5;
    Duration replicaFailureWindow = Duration.ofMinutes(1);
    Duration replicaDropTime = Duration.ofMinutes(5);
    Duration followerHoldTime = Duration.ofHours(1);
    int maxClients = ClientLimits.DEFAULT_MAX_CLIENTS;
    Duration handshakeTimeout = Duration.ofMillis(ClientLimits.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    String adminHost = "127.0.0.1";
    int adminPort = -1;
    String adminHttpHost = "127.0.0.1";
    int adminHttpPort = -1;
    long protoMaxBulkLen = RespDecoderContext.DEFAULT_MAX_BULK_LENGTH;
    /** Set last, once every shard line and the unclaimed rule are read and checked. */
    ShardMap shardMap;
    final Set<String> droppedTypes = new TreeSet<>();
    final List<KeyMatcher> droppedValues = new ArrayList<>();
    long largerThan = -1;
    final List<Map<String, String>> transforms = new ArrayList<>();
    final List<SinkConfig> sinks = new ArrayList<>();
    int sinkMaxFailures = 20;
    final Map<String, List<ShardKeyRewriter.Step>> rewrites = new LinkedHashMap<>();
    final Map<String, String> shardPasswords = new HashMap<>();
    final Map<String, String> shardUsers = new HashMap<>();
    boolean upstreamTls;
    boolean shardTlsAll;
    /** The shards of {@code shard-tls A,B}; empty with {@code yes} or {@code no}. */
    final Set<String> shardTls = new TreeSet<>();
    int shardTlsLine;
    boolean adminTls;
    Path tlsCert;
    Path tlsKey;
    Path tlsCa;
    Path tlsClientCert;
    Path tlsClientKey;
    TlsSettings.ClientAuth tlsAuthClients = TlsSettings.ClientAuth.YES;
    boolean tlsVerifyHostname;
    String adminUser;
    String adminPassword;
    boolean adminHealthOpen;
    /** Set last, from the tls-* lines, when some end speaks TLS; else null. */
    TlsSettings tls;
}
