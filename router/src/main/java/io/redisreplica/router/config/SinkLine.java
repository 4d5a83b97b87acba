package io.redisreplica.router.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A {@code sink} line: {@code sink NAME xadd|publish HOST:PORT STREAM|CHANNEL [options]},
 * {@code sink NAME command HOST:PORT WORD... [options]}, {@code sink NAME kafka bootstrap=HOST:PORT
 * topic=T [options]} ({@link KafkaSinkOptions}), or {@code sink NAME class=CLASS [jar=PATH]
 * [key=value ...]}. The shards it names are checked once every shard is read.
 */
final class SinkLine {
    static final String USAGE = "sink NAME xadd|publish|command HOST:PORT ... | sink NAME kafka bootstrap=HOST:PORT topic=T ..."
        + " | sink NAME class=CLASS jar=PATH";

    private SinkLine() {
    }

    /** @param words the line's words after {@code sink}, split quote-aware (ConfigWords) */
    static SinkConfig parse(String[] words, String where) {
        final String name = ConfigParser.word(words, 0, where, USAGE);
        if (!name.matches(ConfigParser.NAME)) {
            throw new ConfigException(where + "sink name '" + name + "' may only use letters, digits, '_', '.', '-'");
        }
        final String kindWord = ConfigParser.word(words, 1, where, USAGE);
        final boolean isClass = kindWord.startsWith("class=");
        final SinkConfig.Kind kind;
        try {
            kind = isClass ? SinkConfig.Kind.CLASS : SinkConfig.Kind.valueOf(kindWord.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + "sink " + name + ": '" + kindWord + "' is not xadd, publish, command, kafka or class=CLASS");
        }
        final boolean isKafka = kind == SinkConfig.Kind.KAFKA;
        final boolean keyValues = isClass || isKafka; // every word after the kind is key=value
        final HostPort target = keyValues ? null : HostPort.parse(ConfigParser.word(words, 2, where, USAGE), where);
        final Map<String, String> options = new LinkedHashMap<>();
        final List<String> args = new ArrayList<>();
        for (int i = isClass ? 1 : isKafka ? 2 : 3; i < words.length; i++) {
            final int eq = words[i].indexOf('=');
            final String key = eq > 0 ? words[i].substring(0, eq) : "";
            if (isClass ? eq > 0 : isKafka ? KafkaSinkOptions.takes(key) : SinkConfig.COMMON_OPTIONS.contains(key)
                || SinkConfig.REDIS_OPTIONS.contains(key)) {
                options.put(key, words[i].substring(eq + 1));
            } else if (isClass) {
                throw new ConfigException(where + "sink " + name + ": expected key=value, got '" + words[i] + "'");
            } else if (isKafka) {
                // the key only: the value of a mistyped key may be a secret (a JAAS line with its password)
                throw new ConfigException(where + "sink " + name + ": '" + (eq > 0 ? key + "=..." : words[i]) + "' is not one of "
                    + KafkaSinkOptions.WORDS);
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
                + "{type} {command} {shard} {offset} are filled in)");
        }
        if (isKafka) {
            KafkaSinkOptions.check(options, where + "sink " + name + ": ");
        }
        if (options.containsKey("password-file")) { // read now, so a missing file fails at start with its line
            options.put("password", Secrets.password(Secrets.FILE_FORM + options.remove("password-file"), where));
        }
        final String tls = options.getOrDefault("tls", "no");
        if (!tls.equals("yes") && !tls.equals("no")) {
            throw new ConfigException(where + "sink " + name + ": tls=" + tls + " is not yes or no");
        }
        final String values = options.getOrDefault("values", "no");
        if (!values.equals("yes") && !values.equals("no")) {
            throw new ConfigException(where + "sink " + name + ": values=" + values + " is not yes or no");
        }
        SinkConfig.kinds(options.get("kinds"), where + "sink " + name + ": "); // fails at start on a word it does not know
        final Set<String> shardNames = options.containsKey("shards")
            ? new LinkedHashSet<>(List.of(options.get("shards").split(","))) : Set.of();
        // a Kafka transaction per batch waits for the last one's commit markers: thousands of entries amortize it
        final int batch = Units.positiveInt(options.getOrDefault("batch", isKafka ? "2000" : "100"), where, "sink " + name + ": batch");
        return new SinkConfig(name, kind, target == null ? null : target.host(), target == null ? 0 : target.port(), List.copyOf(args),
            Collections.unmodifiableMap(options), Set.copyOf(shardNames), values.equals("yes"), batch);
    }
}
