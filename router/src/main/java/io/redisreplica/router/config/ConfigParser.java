package io.redisreplica.router.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.PatternSyntaxException;

import io.redisreplica.journal.JournalContext;
import io.redisreplica.router.routing.KeyMatcher;
import io.redisreplica.router.routing.RegexMatcher;
import io.redisreplica.router.routing.ShardKeyRewriter;
import io.redisreplica.router.routing.ShardMap;

/**
 * Reads the router's config file into a {@link RouterConfig}: one directive per line, {@code #}
 * comments, values quoted as in redis.conf ({@link ConfigWords}). See the README for the full
 * reference.
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
 * Each directive is a row of one table (name, words, usage, handler), which also names them all
 * when a line starts with none of them. Every error names the file, the line and what is wrong: a
 * bad regex, overlapping slot ranges or prefixes, slots no shard claims when unclaimed keys would
 * be dropped, duplicate shard names or listen addresses, a missing or extra word, a value out of
 * range; the checks across lines run once the whole file is read.
 *
 * <p>Over 300 lines on purpose: the table and its handlers stay together, so one file shows each
 * directive's words, checks and messages.
 */
public final class ConfigParser {
    /** The names of shards and sinks (they name files in the journal directory). */
    static final String NAME = "[A-Za-z0-9_.-]{1,64}";
    /** The Redis types {@code drop type=} takes. */
    static final Set<String> DATA_TYPES = Set.of("string", "list", "set", "zset", "hash", "stream", "module");
    /** The largest {@code proto-max-bulk-len}: a command must fit in one Java array. */
    static final long MAX_PROTO_MAX_BULK_LEN = 1L << 30;
    /** The least {@code journal-min-free} takes: more than a journal file's mapped chunk and a piece. */
    static final long MIN_JOURNAL_FREE = 64L << 20;

    /** Every directive, in the order the README and the "unknown directive" error list them. */
    static final Map<String, Directive> DIRECTIVES = table(
        one("upstream", "upstream HOST:PORT", ConfigParser::upstream),
        one("upstream-user", "upstream-user NAME", (p, l) -> p.draft.upstreamUser = l.arg()),
        one("upstream-password", "upstream-password SECRET|password-file=PATH",
            (p, l) -> p.draft.upstreamPassword = Secrets.password(l.arg(), l.where())),
        one("upstream-tls", "upstream-tls yes|no", (p, l) -> p.draft.upstreamTls = SecurityLines.yesNo(l, "upstream-tls")),
        one("tls-cert-file", "tls-cert-file PATH", (p, l) -> p.draft.tlsCert = SecurityLines.file(l)),
        one("tls-key-file", "tls-key-file PATH", (p, l) -> p.draft.tlsKey = SecurityLines.file(l)),
        one("tls-ca-cert-file", "tls-ca-cert-file PATH", (p, l) -> p.draft.tlsCa = SecurityLines.file(l)),
        one("tls-client-cert-file", "tls-client-cert-file PATH", (p, l) -> p.draft.tlsClientCert = SecurityLines.file(l)),
        one("tls-client-key-file", "tls-client-key-file PATH", (p, l) -> p.draft.tlsClientKey = SecurityLines.file(l)),
        one("tls-auth-clients", "tls-auth-clients yes|no|optional", (p, l) -> SecurityLines.authClients(p.draft, l)),
        one("tls-verify-hostname", "tls-verify-hostname yes|no",
            (p, l) -> p.draft.tlsVerifyHostname = SecurityLines.yesNo(l, "tls-verify-hostname")),
                new Directive("upstream-sentinel", 2, "upstream-sentinel MASTER_NAME HOST:PORT[,HOST:PORT...]", ConfigParser::upstreamSentinel),
        one("upstream-sentinel-user", "upstream-sentinel-user NAME", (p, l) -> p.draft.sentinelUser = l.arg()),
        one("upstream-sentinel-password", "upstream-sentinel-password SECRET|password-file=PATH",
            (p, l) -> p.draft.sentinelPassword = Secrets.password(l.arg(), l.where())),
        one("upstream-sentinel-tls", "upstream-sentinel-tls yes|no", (p, l) -> SecurityLines.sentinelTls(p.draft, l)),
        one("upstream-demoted", "upstream-demoted follow|stop|stay", ConfigParser::upstreamDemoted),
        one("journal", "journal DIR", (p, l) -> p.draft.journalDir = Path.of(l.arg())),
        one("journal-roll", "journal-roll secondly|five_minutely|ten_minutely|half_hourly|hourly|daily", ConfigParser::journalRoll),
        one("journal-sync", "journal-sync none|commit", ConfigParser::journalSync),
        one("journal-max-bytes", "journal-max-bytes SIZE", (p, l) -> p.draft.journal.maxBytesPerShard(Units.bytes(l.arg(), l.where()))),
        one("journal-max-age", "journal-max-age DURATION", (p, l) -> p.draft.journal.maxAge(Units.duration(l.arg(), l.where()))),
        one("journal-min-free", "journal-min-free SIZE", ConfigParser::journalMinFree),
        one("retention-interval", "retention-interval DURATION", (p, l) -> p.draft.retentionInterval = Units.duration(l.arg(), l.where())),
        one("replica-stall-timeout", "replica-stall-timeout DURATION",
            (p, l) -> p.draft.replicaStallTimeout = Units.duration(l.arg(), l.where())),
        one("replica-max-failures", "replica-max-failures N",
            (p, l) -> p.draft.replicaMaxFailures = Units.positiveInt(l.arg(), l.where(), "replica-max-failures")),
        one("replica-failure-window", "replica-failure-window DURATION",
            (p, l) -> p.draft.replicaFailureWindow = Units.duration(l.arg(), l.where())),
        one("replica-drop-time", "replica-drop-time DURATION", (p, l) -> p.draft.replicaDropTime = Units.duration(l.arg(), l.where())),
        one("follower-hold-time", "follower-hold-time DURATION",
            (p, l) -> p.draft.followerHoldTime = Units.duration(l.arg(), l.where())),
        one("proto-max-bulk-len", "proto-max-bulk-len SIZE", ConfigParser::protoMaxBulkLen),
        one("maxclients", "maxclients N", (p, l) -> p.draft.maxClients = Units.positiveInt(l.arg(), l.where(), "maxclients")),
        one("handshake-timeout", "handshake-timeout DURATION", (p, l) -> p.draft.handshakeTimeout = Units.duration(l.arg(), l.where())),
        one("admin", "admin HOST:PORT", ConfigParser::admin),
        one("admin-tls", "admin-tls yes|no", (p, l) -> p.draft.adminTls = SecurityLines.yesNo(l, "admin-tls")),
        one("admin-user", "admin-user NAME", (p, l) -> p.draft.adminUser = l.arg()),
        one("admin-password", "admin-password SECRET|password-file=PATH",
            (p, l) -> p.draft.adminPassword = Secrets.password(l.arg(), l.where())),
        one("admin-health-open", "admin-health-open yes|no",
            (p, l) -> p.draft.adminHealthOpen = SecurityLines.yesNo(l, "admin-health-open")),
        one("admin-http", "admin-http HOST:PORT", ConfigParser::adminHttp),
        rest("shard", "shard NAME HOST:PORT regex=...|prefix=...|slots=...", ConfigParser::shard),
        new Directive("shard-password", 2, "shard-password SHARD SECRET|password-file=PATH (quote a secret with spaces: \"my secret\")",
            (p, l) -> p.draft.shardPasswords.put(l.args()[0], Secrets.password(l.args()[1], l.where()))),
        rest("shard-user", SecurityLines.SHARD_USER_USAGE, (p, l) -> SecurityLines.shardUser(p.draft, l)),
        one("shard-tls", "shard-tls yes|no|SHARD[,SHARD...]", (p, l) -> SecurityLines.shardTls(p.draft, l)),
        rest("rewrite", "rewrite SHARD strip-prefix=P|add-prefix=P|regex=R replace=S", ConfigParser::rewrite),
        rest("drop", "drop key=REGEX|value=REGEX|larger-than=SIZE|type=T[,T]", ConfigParser::drop),
        rest("transform", "transform class=CLASS [jar=PATH] [key=value ...]", ConfigParser::transform),
        rest("sink", SinkLine.USAGE, ConfigParser::sink),
        one("sink-max-failures", "sink-max-failures N",
            (p, l) -> p.draft.sinkMaxFailures = Units.positiveInt(l.arg(), l.where(), "sink-max-failures")),
        one("unclaimed", "unclaimed drop|SHARD", ConfigParser::unclaimed));

    private final String source;
    private final ConfigDraft draft = new ConfigDraft();
    private final List<ShardMap.Shard> shards = new ArrayList<>();
    private final List<KeyMatcher> droppedKeys = new ArrayList<>();
    /** The line of each shard, of each shard's first rewrite and of each sink, for the checks across lines. */
    private final Map<String, Integer> shardLines = new HashMap<>();
    private final Map<String, Integer> rewriteLines = new HashMap<>();
    private final Map<String, Integer> sinkLines = new HashMap<>();
    private String unclaimed = "drop";
    private int unclaimedLine;
    private int adminLine;
    private int upstreamLine;
    private int sentinelLine;
    private int demotedLine;
    private int adminHttpLine;

    private ConfigParser(String source) {
        this.source = source;
    }

    /** Reads a config file (UTF-8; a comment may hold any bytes). */
    public static RouterConfig load(Path file) {
        return parse(ConfigText.read(file), file.toString());
    }

    /**
     * Parses config text.
     *
     * @param source named in error messages (a file name)
     * @throws ConfigException naming the source, the line and what is wrong
     */
    public static RouterConfig parse(String text, String source) {
        return parse(text, source, System::getenv);
    }

    /**
     * Parses config text, taking {@code ${NAME}} from {@code env} (comments are removed first, so
     * they may name variables that are not set).
     */
    public static RouterConfig parse(String text, String source, Function<String, String> env) {
        final ConfigParser parser = new ConfigParser(source);
        int number = 0;
        for (String raw : text.split("\n", -1)) {
            number++;
            final String line = Secrets.expand(ConfigText.stripComment(raw), env, source + ":" + number + ": ").trim();
            if (!line.isEmpty()) {
                parser.line(line, number);
            }
        }
        return parser.finish();
    }

    private void line(String line, int number) {
        final String where = source + ":" + number + ": ";
        final String name = line.split("\\s+", 2)[0];
        final Directive directive = DIRECTIVES.get(name);
        if (directive == null) {
            throw new ConfigException(where + "unknown directive '" + name + "' (expected " + String.join(", ", DIRECTIVES.keySet()) + ")");
        }
        final String rest = line.substring(name.length()).trim();
        final String[] args = directive.arity() == Directive.REST ? new String[0] : exactly(line, directive, where);
        directive.handler().accept(this, new Directive.Line(where, number, args, rest));
    }

    /** Exactly the directive's number of words after its name, quote-aware; fewer or more is an error. */
    private static String[] exactly(String line, Directive directive, String where) {
        final int count = directive.arity();
        final List<String> words = ConfigWords.split(line, where);
        if (words.size() - 1 < count) {
            throw new ConfigException(where + "missing argument: " + directive.usage());
        }
        if (words.size() - 1 > count) {
            // a password's words are not echoed: "shard-password a my secret" must not log the secret
            final String extra = directive.name().contains("password") ? "word " + (count + 2) : "'" + words.get(count + 1) + "'";
            throw new ConfigException(where + directive.name() + " takes " + count + (count == 1 ? " argument" : " arguments")
                + ", unexpected " + extra + " (expected: " + directive.usage() + ")");
        }
        return words.subList(1, count + 1).toArray(new String[0]);
    }

    /** Word {@code index} of a line read as {@link Directive#REST}; a missing one is an error showing the usage. */
    static String word(String[] words, int index, String where, String usage) {
        if (words.length <= index) {
            throw new ConfigException(where + "missing argument: " + usage);
        }
        return words[index];
    }

    private void upstream(Directive.Line line) {
        final HostPort hp = HostPort.parse(line.arg(), line.where());
        draft.upstreamHost = hp.host();
        draft.upstreamPort = hp.port();
        upstreamLine = line.number();
    }

    private void upstreamSentinel(Directive.Line line) {
        final String name = line.args()[0];
        final List<HostPort> sentinels = new ArrayList<>();
        for (String address : line.args()[1].split(",")) {
            sentinels.add(HostPort.parse(address, line.where()));
        }
        draft.sentinels = new UpstreamSentinels(name, sentinels, null, null, false);
        sentinelLine = line.number();
    }

    private void upstreamDemoted(Directive.Line line) {
        try {
            draft.upstreamDemoted = UpstreamDemoted.valueOf(line.arg().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(line.where() + "upstream-demoted '" + line.arg() + "' is not follow, stop or stay");
        }
        demotedLine = line.number();
    }

    private void journalRoll(Directive.Line line) {
        try {
            draft.journal.rollCycle(JournalContext.Roll.valueOf(line.arg().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(line.where() + "journal-roll '" + line.arg() + "' is not one of secondly, five_minutely, "
                + "ten_minutely, half_hourly, hourly, daily");
        }
    }

    private void journalSync(Directive.Line line) {
        final String sync = line.arg();
        if (!sync.equals("none") && !sync.equals("commit")) {
            throw new ConfigException(line.where() + "journal-sync '" + sync + "' is not none or commit");
        }
        draft.journal.sync(sync.equals("commit") ? JournalContext.Sync.COMMIT : JournalContext.Sync.NONE);
    }

    private void journalMinFree(Directive.Line line) {
        final long minFree = Units.bytes(line.arg(), line.where());
        if (minFree < MIN_JOURNAL_FREE) {
            // the journal writes through memory maps: a page the full disk cannot back kills the JVM (SIGBUS)
            throw new ConfigException(line.where() + "journal-min-free must be at least 64mb, was " + minFree
                + ": below that a full disk can reach a memory-mapped write, which kills the process");
        }
        draft.journal.minFreeBytes(minFree);
    }

    private void protoMaxBulkLen(Directive.Line line) {
        final long limit = Units.bytes(line.arg(), line.where());
        if (limit < 1024 || limit > MAX_PROTO_MAX_BULK_LEN) {
            throw new ConfigException(line.where() + "proto-max-bulk-len must be 1kb..1gb, was " + limit);
        }
        draft.protoMaxBulkLen = limit;
    }

    private void admin(Directive.Line line) {
        final HostPort hp = HostPort.parse(line.arg(), line.where());
        draft.adminHost = hp.host();
        draft.adminPort = hp.port();
        adminLine = line.number();
    }

    private void adminHttp(Directive.Line line) {
        final HostPort hp = HostPort.parse(line.arg(), line.where());
        draft.adminHttpHost = hp.host();
        draft.adminHttpPort = hp.port();
        adminHttpLine = line.number();
    }

    private void shard(Directive.Line line) {
        final String where = line.where();
        final String[] words = line.words(3);
        final String name = word(words, 0, where, "shard NAME HOST:PORT regex=...|prefix=...|slots=...");
        if (!name.matches(NAME)) {
            throw new ConfigException(where + "shard name '" + name + "' may only use letters, digits, '_', '.', '-'");
        }
        if (name.equals("snapshots") || name.equals("sinks")) { // the journal directory's own subdirectories
            throw new ConfigException(where + "shard name '" + name + "' is reserved (the journal keeps its " + name + " there)");
        }
        if (shardLines.containsKey(name)) {
            throw new ConfigException(where + "shard " + name + " is already defined on line " + shardLines.get(name));
        }
        final HostPort listen = HostPort.parse(word(words, 1, where, "shard NAME HOST:PORT ..."), where);
        final KeyMatcher matcher = KeyRules.shardKeys(name, words.length > 2 ? words[2].trim() : "", where);
        for (ShardMap.Shard other : shards) {
            if (HostPort.clash(other.host(), other.port(), listen.host(), listen.port())) {
                throw new ConfigException(where + "shard " + name + " listens on " + listen + " like shard " + other.name());
            }
        }
        shardLines.put(name, line.number());
        shards.add(new ShardMap.Shard(shards.size(), name, listen.host(), listen.port(), matcher));
    }

    private void rewrite(Directive.Line line) {
        final String[] words = line.words(2);
        final String shard = word(words, 0, line.where(), DIRECTIVES.get("rewrite").usage());
        final String rule = words.length > 1 ? words[1].trim() : "";
        try {
            draft.rewrites.computeIfAbsent(shard, k -> new ArrayList<>()).add(ShardKeyRewriter.parse(rule));
        } catch (PatternSyntaxException e) {
            throw new ConfigException(line.where() + "rewrite " + shard + ": bad regex '" + e.getPattern() + "': "
                + e.getDescription() + " near index " + e.getIndex());
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new ConfigException(line.where() + "rewrite " + shard + ": " + e.getMessage());
        }
        rewriteLines.putIfAbsent(shard, line.number());
    }

    private void drop(Directive.Line line) {
        final String rule = line.rest();
        final String where = line.where();
        if (rule.startsWith("key=")) {
            droppedKeys.add(new RegexMatcher(KeyRules.regex(rule.substring(4), where + "drop")));
        } else if (rule.startsWith("value=")) {
            draft.droppedValues.add(new RegexMatcher(KeyRules.regex(rule.substring(6), where + "drop")));
        } else if (rule.startsWith("larger-than=")) {
            draft.largerThan = Units.bytes(rule.substring(12), where);
        } else if (rule.startsWith("type=")) {
            for (String type : rule.substring(5).split(",")) {
                if (!DATA_TYPES.contains(type)) {
                    throw new ConfigException(where + "drop type=" + type + ": not one of " + DATA_TYPES);
                }
                draft.droppedTypes.add(type);
            }
        } else {
            throw new ConfigException(where + "expected drop key=REGEX, value=REGEX, larger-than=SIZE or type=T[,T], got 'drop "
                + rule + "'");
        }
    }

    private void transform(Directive.Line line) {
        final Map<String, String> options = new LinkedHashMap<>();
        for (String word : line.words(0)) {
            final int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(line.where() + "transform: expected key=value, got '" + word + "'");
            }
            options.put(word.substring(0, eq), word.substring(eq + 1));
        }
        if (!options.containsKey("class")) {
            throw new ConfigException(line.where() + "transform needs class=CLASS (and jar=PATH unless the class is on the class path)");
        }
        draft.transforms.add(Collections.unmodifiableMap(options));
    }

    private void sink(Directive.Line line) {
        // quote-aware: a Kafka client setting such as sasl.jaas.config holds spaces and quotes
        final SinkConfig sink = SinkLine.parse(line.quotedWords(), line.where());
        if (sinkLines.containsKey(sink.name())) {
            throw new ConfigException(line.where() + "sink " + sink.name() + " is defined twice");
        }
        draft.sinks.add(sink);
        sinkLines.put(sink.name(), line.number());
    }

    private void unclaimed(Directive.Line line) {
        unclaimed = line.arg();
        unclaimedLine = line.number();
    }

    /** The checks across lines, then the shard map. */
    private RouterConfig finish() {
        if (shards.isEmpty()) {
            throw new ConfigException(source + ": no shard defined (add: shard NAME HOST:PORT regex=...)");
        }
        int defaultShard = -1;
        if (!unclaimed.equals("drop")) {
            if (!shardLines.containsKey(unclaimed)) {
                throw new ConfigException(source + ":" + unclaimedLine + ": unclaimed names shard '" + unclaimed
                    + "', which is not defined");
            }
            defaultShard = shards.stream().filter(s -> s.name().equals(unclaimed)).findFirst().orElseThrow().index();
        }
        KeyRules.checkOverlaps(shards, shardLines, source, defaultShard);
        if (sentinelLine > 0 && upstreamLine > 0) {
            throw new ConfigException(source + ":" + sentinelLine + ": upstream-sentinel and upstream (line " + upstreamLine
                + ") both name the master: keep one");
        }
        if (sentinelLine > 0 && demotedLine > 0) {
            throw new ConfigException(source + ":" + demotedLine + ": upstream-demoted applies to a fixed upstream; with "
                + "upstream-sentinel (line " + sentinelLine + ") the sentinels name the master");
        }
        if (sentinelLine == 0 && (draft.sentinelUser != null || draft.sentinelPassword != null)) {
            throw new ConfigException(source + ": upstream-sentinel-user/-password without upstream-sentinel");
        }
        if (sentinelLine == 0 && draft.sentinelTlsLine > 0) {
            throw new ConfigException(source + ":" + draft.sentinelTlsLine + ": upstream-sentinel-tls without upstream-sentinel "
                + "(it says how the sentinels are asked; upstream-tls is the master's)");
        }
        for (ShardMap.Shard s : shards) {
            if (HostPort.clash(draft.adminHost, draft.adminPort, s.host(), s.port())) {
                throw new ConfigException(source + ":" + adminLine + ": admin " + draft.adminHost + ":" + draft.adminPort
                    + " is the port of shard " + s.name() + " (line " + shardLines.get(s.name()) + ")");
            }
            if (HostPort.clash(draft.adminHttpHost, draft.adminHttpPort, s.host(), s.port())) {
                throw new ConfigException(source + ":" + adminHttpLine + ": admin-http " + draft.adminHttpHost + ":" + draft.adminHttpPort
                    + " is the port of shard " + s.name() + " (line " + shardLines.get(s.name()) + ")");
            }
        }
        if (draft.adminPort > 0 && HostPort.clash(draft.adminHttpHost, draft.adminHttpPort, draft.adminHost, draft.adminPort)) {
            throw new ConfigException(source + ":" + adminHttpLine + ": admin-http " + draft.adminHttpHost + ":" + draft.adminHttpPort
                + " is the admin port (line " + adminLine + "): the HTTP endpoints need a port of their own");
        }
        for (String named : draft.shardPasswords.keySet()) {
            if (!shardLines.containsKey(named)) {
                throw new ConfigException(source + ": shard-password names shard '" + named + "', which is not defined");
            }
        }
        final Set<String> tlsShards = new java.util.TreeSet<>(draft.shardTls);
        tlsShards.removeAll(shardLines.keySet());
        if (!tlsShards.isEmpty()) {
            throw new ConfigException(source + ":" + draft.shardTlsLine + ": shard-tls names shard(s) " + tlsShards
                + ", which are not defined (or write shard-tls yes for every shard)");
        }
        if (draft.adminUser != null && draft.adminPassword == null) {
            throw new ConfigException(source + ": admin-user needs admin-password");
        }
        draft.tls = SecurityLines.settings(draft, source);
        for (String named : draft.shardUsers.keySet()) {
            if (!draft.shardPasswords.containsKey(named)) {
                throw new ConfigException(source + ": shard-user names shard '" + named + "', which has no shard-password");
            }
        }
        for (Map.Entry<String, Integer> named : rewriteLines.entrySet()) {
            if (!shardLines.containsKey(named.getKey())) {
                throw new ConfigException(source + ":" + named.getValue() + ": rewrite names shard '" + named.getKey()
                    + "', which is not defined");
            }
        }
        for (SinkConfig sink : draft.sinks) {
            for (String named : sink.shards()) {
                if (!shardLines.containsKey(named)) {
                    throw new ConfigException(source + ":" + sinkLines.get(sink.name()) + ": sink " + sink.name() + " names shard '"
                        + named + "', which is not defined");
                }
            }
        }
        draft.shardMap = new ShardMap(shards, defaultShard, droppedKeys);
        return new RouterConfig(draft);
    }

    private static Directive one(String name, String usage, BiConsumer<ConfigParser, Directive.Line> handler) {
        return new Directive(name, 1, usage, handler);
    }

    private static Directive rest(String name, String usage, BiConsumer<ConfigParser, Directive.Line> handler) {
        return new Directive(name, Directive.REST, usage, handler);
    }

    private static Map<String, Directive> table(Directive... rows) {
        final Map<String, Directive> table = new LinkedHashMap<>();
        for (Directive d : rows) {
            table.put(d.name(), d);
        }
        return Collections.unmodifiableMap(table);
    }
}
