package io.redisreplica.router.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.router.routing.KeyMatcher;
import io.redisreplica.router.routing.PrefixMatcher;
import io.redisreplica.router.routing.RegexMatcher;
import io.redisreplica.router.routing.ShardKeyRewriter;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.router.routing.SlotMatcher;
import io.redisreplica.router.routing.ValueRules;

/**
 * The router's configuration file: one directive per line, {@code #} comments. See the README
 * for the full reference.
 *
 * <pre>
 * upstream 127.0.0.1:6379
 * journal /var/lib/redis-replica/journal
 * admin 127.0.0.1:7100
 * shard a 127.0.0.1:7001 regex=^a.*
 * shard users 127.0.0.1:7002 prefix=user:
 * shard c 127.0.0.1:7003 slots=0-5460,9000
 * unclaimed drop            # or: unclaimed &lt;shard-name&gt;
 * </pre>
 *
 * Validation fails with the file, the line and what is wrong: a bad regex, overlapping slot
 * ranges or prefixes, slots no shard claims when unclaimed keys would be dropped, duplicate
 * shard names or listen addresses.
 */
public final class RouterConfig {
    private String upstreamHost = "127.0.0.1";
    private int upstreamPort = 6379;
    private String upstreamPassword;
    private String upstreamUser;
    private Path journalDir = Path.of("journal");
    private final io.redisreplica.journal.JournalContext journal = new io.redisreplica.journal.JournalContext();
    private java.time.Duration retentionInterval = java.time.Duration.ofMinutes(1);
    private java.time.Duration replicaStallTimeout = java.time.Duration.ofSeconds(30);
    private int replicaMaxFailures = 5;
    private java.time.Duration replicaFailureWindow = java.time.Duration.ofMinutes(1);
    private java.time.Duration replicaDropTime = java.time.Duration.ofMinutes(5);
    private int maxClients = ClientLimits.DEFAULT_MAX_CLIENTS;
    private java.time.Duration handshakeTimeout = java.time.Duration.ofMillis(ClientLimits.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    private String adminHost = "127.0.0.1";
    private int adminPort = -1;
    private long protoMaxBulkLen = io.redisreplica.resp.RespDecoderContext.DEFAULT_MAX_BULK_LENGTH;
    /** The largest {@code proto-max-bulk-len}: a command must fit in one Java array. */
    static final long MAX_PROTO_MAX_BULK_LEN = 1L << 30;
    private ShardMap shardMap;
    /** The Redis types {@code drop type=} takes. */
    static final Set<String> DATA_TYPES = Set.of("string", "list", "set", "zset", "hash", "stream", "module");
    private final Set<String> droppedTypes = new java.util.TreeSet<>();
    private final List<KeyMatcher> droppedValues = new ArrayList<>();
    private long largerThan = -1;
    private final List<Map<String, String>> transforms = new ArrayList<>();
    private final List<SinkConfig> sinks = new ArrayList<>();
    private int sinkMaxFailures = 20;
    private final Map<String, List<ShardKeyRewriter.Step>> rewrites = new java.util.LinkedHashMap<>();
    private final Map<String, String> shardPasswords = new HashMap<>();
    private final Map<String, String> shardUsers = new HashMap<>();

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

    public Path journalDir() {
        return journalDir;
    }

    /** Journal settings from the config (roll cycle, sync, retention limits), with the journal dir set. */
    public io.redisreplica.journal.JournalContext journalContext() {
        return journal.dir(journalDir);
    }

    /** A replica behind that has not acknowledged progress for this long is PAUSED. */
    public java.time.Duration replicaStallTimeout() {
        return replicaStallTimeout;
    }

    /** Failures within {@link #replicaFailureWindow()} that drop a replica. */
    public int replicaMaxFailures() {
        return replicaMaxFailures;
    }

    public java.time.Duration replicaFailureWindow() {
        return replicaFailureWindow;
    }

    /** How long a dropped replica's syncs are refused. */
    public java.time.Duration replicaDropTime() {
        return replicaDropTime;
    }

    /** How often retention runs. */
    public java.time.Duration retentionInterval() {
        return retentionInterval;
    }

    /**
     * The longest argument the router takes from the master ({@code proto-max-bulk-len}, as the
     * master's own setting; Redis's default 512 MB).
     */
    /** The least {@code journal-min-free} takes: more than a journal file's mapped chunk and a piece. */
    static final long MIN_JOURNAL_FREE = 64L << 20;

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
    public java.time.Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public String adminHost() {
        return adminHost;
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
    public io.redisreplica.rdb.KeyRewriter[] keyRewriters() {
        if (rewrites.isEmpty()) {
            return null;
        }
        final io.redisreplica.rdb.KeyRewriter[] out = new io.redisreplica.rdb.KeyRewriter[shardMap.shards().size()];
        for (ShardMap.Shard shard : shardMap.shards()) {
            final List<ShardKeyRewriter.Step> steps = rewrites.get(shard.name());
            out[shard.index()] = steps == null ? null : new ShardKeyRewriter(steps);
        }
        return out;
    }

    /**
     * The value rules ({@code drop type|value|larger-than}, {@code transform}), with transforms
     * loaded and opened anew (one set per thread), or null when the config has none.
     */
    public ValueRules valueRules() {
        if (droppedTypes.isEmpty() && droppedValues.isEmpty() && largerThan < 0 && transforms.isEmpty()) {
            return null;
        }
        final List<io.redisreplica.api.ValueTransform> loaded = new ArrayList<>();
        for (Map<String, String> options : transforms) {
            final io.redisreplica.api.ValueTransform t = Plugins.load(io.redisreplica.api.ValueTransform.class, options.get("class"),
                options.get("jar"), "transform " + options.get("class"));
            try {
                t.open(options);
            } catch (Exception e) {
                throw new IllegalArgumentException("transform " + options.get("class") + ": open failed: " + e.getMessage(), e);
            }
            loaded.add(t);
        }
        final List<KeyMatcher> values = List.copyOf(droppedValues);
        final KeyMatcher anyValue = values.isEmpty() ? null : new KeyMatcher() {
            @Override
            public boolean matches(byte[] key, int offset, int length) {
                for (KeyMatcher m : values) {
                    if (m.matches(key, offset, length)) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public String describe() {
                return "value";
            }
        };
        return new ValueRules(droppedTypes, anyValue, largerThan, loaded);
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
        return java.util.Collections.unmodifiableSet(droppedTypes);
    }

    /** {@code drop value=} rules, in config order. */
    public List<KeyMatcher> droppedValues() {
        return List.copyOf(droppedValues);
    }

    /** {@code drop larger-than=} in bytes, or -1. */
    public long largerThan() {
        return largerThan;
    }

    /** {@code transform} lines' options (class, jar and the rest), in config order. */
    public List<Map<String, String>> transforms() {
        return List.copyOf(transforms);
    }

    /** The user name a shard's replicas must AUTH as ({@code masteruser}), or null for {@code default}. */
    public String shardUser(String shard) {
        return shardUsers.get(shard);
    }

    /** The password a shard's replicas must AUTH with (their masterauth), or null for none. */
    public String shardPassword(String shard) {
        return shardPasswords.get(shard);
    }

    public static RouterConfig load(Path file) {
        final byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException("cannot read config " + file + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new ConfigException("cannot read config " + file + ": permission denied");
        } catch (IOException e) {
            throw new ConfigException("cannot read config " + file + ": " + (Files.isDirectory(file) ? "it is a directory" : e.toString()));
        }
        return parse(decode(bytes, file.toString()), file.toString());
    }

    /**
     * The file as UTF-8, line by line; a comment may hold any bytes (it is dropped before
     * decoding), anything else that is not UTF-8 is an error naming the line and column.
     */
    static String decode(byte[] bytes, String source) {
        final StringBuilder text = new StringBuilder(bytes.length);
        int lineNo = 0;
        // a byte order mark some editors write is not part of the first directive
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        while (start <= bytes.length) {
            lineNo++;
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int content = end;
            for (int i = start; i < end; i++) {
                if (bytes[i] == '#' && (i == start || bytes[i - 1] == ' ' || bytes[i - 1] == '\t')) {
                    content = i;
                    break;
                }
            }
            try {
                text.append(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes, start, content - start)));
            } catch (java.nio.charset.CharacterCodingException e) {
                int bad = start;
                while (bad < content && bytes[bad] >= 0) {
                    bad++;
                }
                throw new ConfigException(source + ":" + lineNo + ": not UTF-8: byte 0x"
                    + String.format("%02X", bytes[Math.min(bad, content - 1)] & 0xFF) + " near column " + (bad - start + 1)
                    + " (save the file as UTF-8; comments may hold any bytes)");
            }
            text.append('\n');
            start = end + 1;
        }
        return text.toString();
    }

    /**
     * Parses config text.
     *
     * @param source named in error messages (a file name)
     */
    public static RouterConfig parse(String text, String source) {
        final RouterConfig config = new RouterConfig();
        final List<ShardMap.Shard> shards = new ArrayList<>();
        final List<KeyMatcher> drops = new ArrayList<>();
        final Map<String, Integer> rewriteLines = new HashMap<>();
        final Map<String, Integer> sinkLines = new HashMap<>();
        final Map<String, Integer> lines = new HashMap<>();
        String unclaimed = "drop";
        int unclaimedLine = 0;
        int adminLine = 0;
        int lineNo = 0;
        for (String raw : text.split("\n", -1)) {
            lineNo++;
            final String line = stripComment(raw).trim();
            if (line.isEmpty()) {
                continue;
            }
            final String where = source + ":" + lineNo + ": ";
            final String[] words = line.split("\\s+", 4);
            switch (words[0]) {
                case "upstream" -> {
                    final HostPort hp = HostPort.parse(one(line, where, "upstream HOST:PORT"), where);
                    config.upstreamHost = hp.host();
                    config.upstreamPort = hp.port();
                }
                case "upstream-password" -> config.upstreamPassword = one(line, where, "upstream-password SECRET");
                case "upstream-user" -> config.upstreamUser = one(line, where, "upstream-user NAME");
                case "journal" -> config.journalDir = Path.of(one(line, where, "journal DIR"));
                case "journal-roll" -> {
                    final String roll = one(line, where, "journal-roll secondly|five_minutely|ten_minutely|half_hourly|hourly|daily");
                    try {
                        config.journal.rollCycle(io.redisreplica.journal.JournalContext.Roll.valueOf(roll.toUpperCase(java.util.Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(where + "journal-roll '" + roll + "' is not one of secondly, five_minutely, "
                            + "ten_minutely, half_hourly, hourly, daily");
                    }
                }
                case "journal-sync" -> {
                    final String sync = one(line, where, "journal-sync none|commit");
                    if (!sync.equals("none") && !sync.equals("commit")) {
                        throw new ConfigException(where + "journal-sync '" + sync + "' is not none or commit");
                    }
                    config.journal.sync(sync.equals("commit") ? io.redisreplica.journal.JournalContext.Sync.COMMIT
                        : io.redisreplica.journal.JournalContext.Sync.NONE);
                }
                case "journal-max-bytes" -> config.journal.maxBytesPerShard(bytes(one(line, where, "journal-max-bytes SIZE"), where));
                case "journal-max-age" -> config.journal.maxAge(duration(one(line, where, "journal-max-age DURATION"), where));
                case "journal-min-free" -> {
                    final long minFree = bytes(one(line, where, "journal-min-free SIZE"), where);
                    if (minFree < MIN_JOURNAL_FREE) {
                        // the journal writes through memory maps: a page the full disk cannot back kills the JVM (SIGBUS)
                        throw new ConfigException(where + "journal-min-free must be at least 64mb, was " + minFree
                            + ": below that a full disk can reach a memory-mapped write, which kills the process");
                    }
                    config.journal.minFreeBytes(minFree);
                }
                case "replica-max-failures" -> config.replicaMaxFailures = positiveInt(one(line, where, "replica-max-failures N"), where,
                    "replica-max-failures");
                case "maxclients" -> config.maxClients = positiveInt(one(line, where, "maxclients N"), where, "maxclients");
                case "handshake-timeout" -> config.handshakeTimeout = duration(one(line, where, "handshake-timeout DURATION"), where);
                case "replica-failure-window" -> config.replicaFailureWindow = duration(one(line, where, "replica-failure-window DURATION"), where);
                case "replica-drop-time" -> config.replicaDropTime = duration(one(line, where, "replica-drop-time DURATION"), where);
                case "replica-stall-timeout" -> config.replicaStallTimeout = duration(one(line, where, "replica-stall-timeout DURATION"), where);
                case "retention-interval" -> config.retentionInterval = duration(one(line, where, "retention-interval DURATION"), where);
                case "proto-max-bulk-len" -> {
                    final long limit = bytes(one(line, where, "proto-max-bulk-len SIZE"), where);
                    if (limit < 1024 || limit > MAX_PROTO_MAX_BULK_LEN) {
                        throw new ConfigException(where + "proto-max-bulk-len must be 1kb..1gb, was " + limit);
                    }
                    config.protoMaxBulkLen = limit;
                }
                case "admin" -> {
                    final HostPort hp = HostPort.parse(one(line, where, "admin HOST:PORT"), where);
                    config.adminHost = hp.host();
                    config.adminPort = hp.port();
                    adminLine = lineNo;
                }
                case "shard-user" -> {
                    final String[] pair = exactly(line, 2, where, "shard-user SHARD NAME");
                    config.shardUsers.put(pair[0], pair[1]);
                }
                case "shard-password" -> {
                    final String[] pair = exactly(line, 2, where, "shard-password SHARD SECRET (quote a secret with spaces: \"my secret\")");
                    config.shardPasswords.put(pair[0], pair[1]);
                }
                case "rewrite" -> {
                    final String shard = arg(words, 1, where, "rewrite SHARD strip-prefix=P|add-prefix=P|regex=R replace=S");
                    final String rule = line.substring(line.indexOf(shard, line.indexOf("rewrite") + 7) + shard.length()).trim();
                    try {
                        config.rewrites.computeIfAbsent(shard, k -> new ArrayList<>()).add(ShardKeyRewriter.parse(rule));
                    } catch (PatternSyntaxException e) {
                        throw new ConfigException(where + "rewrite " + shard + ": bad regex '" + e.getPattern() + "': "
                            + e.getDescription() + " near index " + e.getIndex());
                    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                        throw new ConfigException(where + "rewrite " + shard + ": " + e.getMessage());
                    }
                    rewriteLines.putIfAbsent(shard, lineNo);
                }
                case "sink" -> {
                    final SinkConfig sink = sink(line.split("\\s+"), where); // every word: options follow the target
                    if (config.sinks.stream().anyMatch(other -> other.name().equals(sink.name()))) {
                        throw new ConfigException(where + "sink " + sink.name() + " is defined twice");
                    }
                    config.sinks.add(sink);
                    sinkLines.put(sink.name(), lineNo);
                }
                case "sink-max-failures" -> {
                    config.sinkMaxFailures = positiveInt(one(line, where, "sink-max-failures N"), where, "sink-max-failures");
                }
                case "drop" -> {
                    final String rule = line.substring(line.indexOf("drop") + 4).trim();
                    if (rule.startsWith("key=")) {
                        drops.add(new RegexMatcher(regex(rule.substring(4), where + "drop")));
                    } else if (rule.startsWith("value=")) {
                        config.droppedValues.add(new RegexMatcher(regex(rule.substring(6), where + "drop")));
                    } else if (rule.startsWith("larger-than=")) {
                        config.largerThan = bytes(rule.substring(12), where);
                    } else if (rule.startsWith("type=")) {
                        for (String type : rule.substring(5).split(",")) {
                            if (!DATA_TYPES.contains(type)) {
                                throw new ConfigException(where + "drop type=" + type + ": not one of " + DATA_TYPES);
                            }
                            config.droppedTypes.add(type);
                        }
                    } else {
                        throw new ConfigException(where + "expected drop key=REGEX, value=REGEX, larger-than=SIZE or type=T[,T], got 'drop "
                            + rule + "'");
                    }
                }
                case "transform" -> {
                    final Map<String, String> options = new java.util.LinkedHashMap<>();
                    for (String word : line.split("\\s+")) {
                        final int eq = word.indexOf('=');
                        if (word.equals("transform")) {
                            continue;
                        }
                        if (eq <= 0) {
                            throw new ConfigException(where + "transform: expected key=value, got '" + word + "'");
                        }
                        options.put(word.substring(0, eq), word.substring(eq + 1));
                    }
                    if (!options.containsKey("class")) {
                        throw new ConfigException(where + "transform needs class=CLASS (and jar=PATH unless the class is on the class path)");
                    }
                    config.transforms.add(java.util.Collections.unmodifiableMap(options));
                }
                case "unclaimed" -> {
                    unclaimed = one(line, where, "unclaimed drop|SHARD");
                    unclaimedLine = lineNo;
                }
                case "shard" -> {
                    final String name = arg(words, 1, where, "shard NAME HOST:PORT regex=...|prefix=...|slots=...");
                    if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
                        throw new ConfigException(where + "shard name '" + name + "' may only use letters, digits, '_', '.', '-'");
                    }
                    if (name.equals("snapshots") || name.equals("sinks")) { // the journal directory's own subdirectories
                        throw new ConfigException(where + "shard name '" + name + "' is reserved (the journal keeps its " + name + " there)");
                    }
                    if (lines.containsKey(name)) {
                        throw new ConfigException(where + "shard " + name + " is already defined on line " + lines.get(name));
                    }
                    final HostPort listen = HostPort.parse(arg(words, 2, where, "shard NAME HOST:PORT ..."), where);
                    final String keys = line.substring(line.indexOf(words[2]) + words[2].length()).trim();
                    final KeyMatcher matcher = matcher(name, keys, where);
                    for (ShardMap.Shard other : shards) {
                        if (other.port() == listen.port() && samePort(other.host(), listen.host())) {
                            throw new ConfigException(where + "shard " + name + " listens on " + listen
                                + " like shard " + other.name());
                        }
                    }
                    lines.put(name, lineNo);
                    shards.add(new ShardMap.Shard(shards.size(), name, listen.host(), listen.port(), matcher));
                }
                default -> throw new ConfigException(where + "unknown directive '" + words[0]
                    + "' (expected upstream, upstream-user, upstream-password, journal, journal-roll, journal-sync, journal-max-bytes, "
                    + "journal-max-age, journal-min-free, retention-interval, replica-stall-timeout, replica-max-failures, "
                    + "replica-failure-window, replica-drop-time, proto-max-bulk-len, maxclients, handshake-timeout, admin, shard, shard-password, shard-user, rewrite, drop, transform, sink, "
                    + "sink-max-failures, unclaimed)");
            }
        }
        if (shards.isEmpty()) {
            throw new ConfigException(source + ": no shard defined (add: shard NAME HOST:PORT regex=...)");
        }
        int defaultShard = -1;
        if (!unclaimed.equals("drop")) {
            final Integer line = lines.get(unclaimed);
            if (line == null) {
                throw new ConfigException(source + ":" + unclaimedLine + ": unclaimed names shard '" + unclaimed
                    + "', which is not defined");
            }
            defaultShard = indexOf(shards, unclaimed);
        }
        checkOverlaps(shards, lines, source, defaultShard);
        for (ShardMap.Shard s : shards) {
            if (config.adminPort == s.port() && samePort(config.adminHost, s.host())) {
                throw new ConfigException(source + ":" + adminLine + ": admin " + config.adminHost + ":" + config.adminPort
                    + " is the port of shard " + s.name() + " (line " + lines.get(s.name()) + ")");
            }
        }
        for (String named : config.shardPasswords.keySet()) {
            if (!lines.containsKey(named)) {
                throw new ConfigException(source + ": shard-password names shard '" + named + "', which is not defined");
            }
        }
        for (String named : config.shardUsers.keySet()) {
            if (!config.shardPasswords.containsKey(named)) {
                throw new ConfigException(source + ": shard-user names shard '" + named + "', which has no shard-password");
            }
        }
        for (Map.Entry<String, Integer> named : rewriteLines.entrySet()) {
            if (!lines.containsKey(named.getKey())) {
                throw new ConfigException(source + ":" + named.getValue() + ": rewrite names shard '" + named.getKey()
                    + "', which is not defined");
            }
        }
        for (SinkConfig sink : config.sinks) {
            for (String named : sink.shards()) {
                if (!lines.containsKey(named)) {
                    throw new ConfigException(source + ":" + sinkLines.get(sink.name()) + ": sink " + sink.name() + " names shard '"
                        + named + "', which is not defined");
                }
            }
        }
        config.shardMap = new ShardMap(shards, defaultShard, drops);
        return config;
    }

    /**
     * {@code sink NAME xadd|publish HOST:PORT STREAM|CHANNEL [options]}, {@code sink NAME command
     * HOST:PORT WORD... [options]}, or {@code sink NAME class=CLASS [jar=PATH] [key=value ...]}.
     */
    private static SinkConfig sink(String[] words, String where) {
        final String usage = "sink NAME xadd|publish|command HOST:PORT ... | sink NAME class=CLASS jar=PATH";
        final String name = arg(words, 1, where, usage);
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new ConfigException(where + "sink name '" + name + "' may only use letters, digits, '_', '.', '-'");
        }
        final String kindWord = arg(words, 2, where, usage);
        final boolean isClass = kindWord.startsWith("class=");
        final SinkConfig.Kind kind;
        try {
            kind = isClass ? SinkConfig.Kind.CLASS : SinkConfig.Kind.valueOf(kindWord.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + "sink " + name + ": '" + kindWord + "' is not xadd, publish, command or class=CLASS");
        }
        final HostPort target = isClass ? null : HostPort.parse(arg(words, 3, where, usage), where);
        final Map<String, String> options = new java.util.LinkedHashMap<>();
        final List<String> args = new ArrayList<>();
        for (int i = isClass ? 2 : 4; i < words.length; i++) {
            final int eq = words[i].indexOf('=');
            final String key = eq > 0 ? words[i].substring(0, eq) : "";
            if (isClass ? eq > 0 : SinkConfig.COMMON_OPTIONS.contains(key) || SinkConfig.REDIS_OPTIONS.contains(key)) {
                options.put(key, words[i].substring(eq + 1));
            } else if (isClass) {
                throw new ConfigException(where + "sink " + name + ": expected key=value, got '" + words[i] + "'");
            } else {
                args.add(words[i]);
            }
        }
        if ((kind == SinkConfig.Kind.XADD || kind == SinkConfig.Kind.PUBLISH) && args.size() != 1) {
            throw new ConfigException(where + "sink " + name + ": " + kindWord + " takes one " + (kind == SinkConfig.Kind.XADD ? "stream"
                : "channel") + " after HOST:PORT, got " + args);
        }
        if (kind == SinkConfig.Kind.COMMAND && args.isEmpty()) {
            throw new ConfigException(where + "sink " + name + ": command needs the command's words after HOST:PORT ({key} {db} {event} "
                + "{command} {shard} {offset} are filled in)");
        }
        final String values = options.getOrDefault("values", "no");
        if (!values.equals("yes") && !values.equals("no")) {
            throw new ConfigException(where + "sink " + name + ": values=" + values + " is not yes or no");
        }
        final java.util.Set<String> shardNames = options.containsKey("shards")
            ? new java.util.LinkedHashSet<>(List.of(options.get("shards").split(","))) : java.util.Set.of();
        final int batch = positiveInt(options.getOrDefault("batch", "100"), where, "sink " + name + ": batch");
        return new SinkConfig(name, kind, target == null ? null : target.host(), target == null ? 0 : target.port(), List.copyOf(args),
            java.util.Collections.unmodifiableMap(options), java.util.Set.copyOf(shardNames), values.equals("yes"), batch);
    }

    private static int positiveInt(String text, String where, String what) {
        try {
            final int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is wrong
        }
        throw new ConfigException(where + what + " '" + text + "' is not a positive whole number");
    }

    private static Pattern regex(String regex, String where) {
        if (regex.isEmpty()) {
            throw new ConfigException(where + ": empty regex (it would match every key; write .* if that is meant)");
        }
        try {
            return Pattern.compile(regex, Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(where + ": bad regex '" + regex + "': " + e.getDescription() + " near index " + e.getIndex());
        }
    }

    private static KeyMatcher matcher(String shard, String keys, String where) {
        if (keys.startsWith("regex=")) {
            return new RegexMatcher(regex(keys.substring("regex=".length()), where + "shard " + shard));
        }
        if (keys.startsWith("prefix=")) {
            if (keys.length() == "prefix=".length()) {
                throw new ConfigException(where + "shard " + shard + ": empty prefix= (it would claim every key)");
            }
            return new PrefixMatcher(keys.substring("prefix=".length()));
        }
        if (keys.startsWith("slots=")) {
            final String ranges = keys.substring("slots=".length());
            final BitSet slots = new BitSet(ClusterSlots.SLOTS);
            for (String range : ranges.split(",")) {
                final String[] ends = range.trim().split("-", -1);
                try {
                    final int from = Integer.parseInt(ends[0]);
                    final int to = ends.length > 1 ? Integer.parseInt(ends[1]) : from;
                    if (ends.length > 2 || from < 0 || to >= ClusterSlots.SLOTS || from > to) {
                        throw new NumberFormatException();
                    }
                    slots.set(from, to + 1);
                } catch (NumberFormatException e) {
                    throw new ConfigException(where + "shard " + shard + ": bad slot range '" + range
                        + "' (expected N or N-M with 0 <= N <= M <= 16383)");
                }
            }
            return new SlotMatcher(slots, ranges);
        }
        throw new ConfigException(where + "shard " + shard + ": expected regex=..., prefix=... or slots=..., got '" + keys + "'");
    }

    private static void checkOverlaps(List<ShardMap.Shard> shards, Map<String, Integer> lines, String source, int defaultShard) {
        final BitSet claimed = new BitSet(ClusterSlots.SLOTS);
        boolean allSlots = true;
        for (ShardMap.Shard s : shards) {
            if (s.matcher() instanceof SlotMatcher slots) {
                final BitSet overlap = (BitSet) slots.slots().clone();
                overlap.and(claimed);
                if (!overlap.isEmpty()) {
                    final int slot = overlap.nextSetBit(0);
                    throw new ConfigException(source + ":" + lines.get(s.name()) + ": shard " + s.name() + " claims slot "
                        + slot + ", already claimed by shard " + owner(shards, slot).name());
                }
                claimed.or(slots.slots());
            } else {
                allSlots = false;
            }
            if (s.matcher() instanceof PrefixMatcher prefix) {
                for (ShardMap.Shard other : shards) {
                    if (other != s && other.matcher() instanceof PrefixMatcher p2 && other.index() < s.index()
                        && (p2.describe().startsWith(prefix.describe()) || prefix.describe().startsWith(p2.describe()))) {
                        throw new ConfigException(source + ":" + lines.get(s.name()) + ": shard " + s.name() + " ("
                            + prefix.describe() + ") overlaps shard " + other.name() + " (" + p2.describe() + ")");
                    }
                }
            }
        }
        if (allSlots && defaultShard < 0 && claimed.cardinality() < ClusterSlots.SLOTS) {
            final int from = claimed.nextClearBit(0);
            final int next = claimed.nextSetBit(from);
            final int to = (next < 0 ? ClusterSlots.SLOTS : next) - 1;
            throw new ConfigException(source + ": slots " + from + "-" + to + " are claimed by no shard (assign them, "
                + "or set 'unclaimed SHARD' to send them somewhere)");
        }
    }

    private static ShardMap.Shard owner(List<ShardMap.Shard> shards, int slot) {
        for (ShardMap.Shard s : shards) {
            if (s.matcher() instanceof SlotMatcher m && m.slots().get(slot)) {
                return s;
            }
        }
        throw new IllegalStateException("no owner of slot " + slot);
    }

    private static int indexOf(List<ShardMap.Shard> shards, String name) {
        for (ShardMap.Shard s : shards) {
            if (s.name().equals(name)) {
                return s.index();
            }
        }
        return -1;
    }

    /** {@code 123}, {@code 512kb}, {@code 64mb}, {@code 10gb}. */
    static long bytes(String text, String where) {
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(b|kb|mb|gb|tb)?").matcher(text.toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigException(where + "bad size '" + text + "' (expected a number with b, kb, mb, gb or tb)");
        }
        final String unit = m.group(2) == null ? "b" : m.group(2);
        final int shift = switch (unit) {
            case "kb" -> 10;
            case "mb" -> 20;
            case "gb" -> 30;
            case "tb" -> 40;
            default -> 0;
        };
        final long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new ConfigException(where + "size '" + text + "' is too large (at most " + (Long.MAX_VALUE >> shift) + unit + ")");
        }
        if (n > Long.MAX_VALUE >> shift) {
            throw new ConfigException(where + "size '" + text + "' is too large (at most " + (Long.MAX_VALUE >> shift) + unit + ")");
        }
        return n << shift;
    }

    /**
     * {@code 500ms}, {@code 45s}, {@code 30m}, {@code 12h}, {@code 7d}: the config's durations, also
     * what the tools take for "that long ago".
     *
     * @param where prefixes the error message (file and line), may be empty
     */
    public static java.time.Duration duration(String text, String where) {
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(text.toLowerCase(java.util.Locale.ROOT));
        if (!m.matches() || m.group(1).matches("0+")) {
            throw new ConfigException(where + "bad duration '" + text + "' (expected a positive number with ms, s, m, h or d)");
        }
        try {
            final long n = Long.parseLong(m.group(1));
            final java.time.Duration d = switch (m.group(2)) {
                case "ms" -> java.time.Duration.ofMillis(n);
                case "s" -> java.time.Duration.ofSeconds(n);
                case "m" -> java.time.Duration.ofMinutes(n);
                case "h" -> java.time.Duration.ofHours(n);
                default -> java.time.Duration.ofDays(n);
            };
            d.toMillis(); // durations are used in milliseconds: this one must fit
            return d;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(where + "duration '" + text + "' is too large (at most " + Long.MAX_VALUE / 86_400_000L + "d)");
        }
    }

    /** The one argument of a directive; quotes as in {@link ConfigWords}; a missing or extra word is an error. */
    private static String one(String line, String where, String usage) {
        return exactly(line, 1, where, usage)[0];
    }

    /** Exactly {@code count} arguments after the directive, quote-aware; fewer or more is an error. */
    private static String[] exactly(String line, int count, String where, String usage) {
        final List<String> words = ConfigWords.split(line, where);
        if (words.size() - 1 < count) {
            throw new ConfigException(where + "missing argument: " + usage);
        }
        if (words.size() - 1 > count) {
            // a password's words are not echoed: "shard-password a my secret" must not log the secret
            final String extra = words.get(0).contains("password") ? "word " + (count + 2) : "'" + words.get(count + 1) + "'";
            throw new ConfigException(where + words.get(0) + " takes " + count + (count == 1 ? " argument" : " arguments")
                + ", unexpected " + extra + " (expected: " + usage + ")");
        }
        return words.subList(1, count + 1).toArray(new String[0]);
    }

    private static String arg(String[] words, int index, String where, String usage) {
        if (words.length <= index) {
            throw new ConfigException(where + "missing argument: " + usage);
        }
        return words[index];
    }

    /** Whether two listeners on one port would clash: the same host, or either one listens on every address. */
    private static boolean samePort(String a, String b) {
        return a.equalsIgnoreCase(b) || wildcard(a) || wildcard(b) || (local(a) && local(b));
    }

    private static boolean wildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("*") || host.isEmpty();
    }

    private static boolean local(String host) {
        return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    private static String stripComment(String line) {
        // a '#' starts a comment only at the start of a line or after whitespace, so regexes may use it
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** A config file that cannot be used; the message names file, line and problem. */
    public static final class ConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ConfigException(String message) {
            super(message);
        }
    }

    record HostPort(String host, int port) {
        static HostPort parse(String text, String where) {
            final int colon = text.lastIndexOf(':');
            try {
                final int port = Integer.parseInt(text.substring(colon + 1));
                if (colon <= 0 || port <= 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return new HostPort(text.substring(0, colon), port);
            } catch (NumberFormatException e) {
                throw new ConfigException(where + "bad address '" + text + "' (expected HOST:PORT)");
            }
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
