package io.redisreplica.router.shard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.KeyMatcher;
import io.redisreplica.router.routing.PrefixMatcher;
import io.redisreplica.router.routing.ShardKeyRewriter;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.router.routing.SlotMatcher;

/**
 * Per shard, one line that names everything deciding which of the master's keys the shard holds
 * and which bytes it holds for them; the checkpoint records it, and a start whose line differs
 * for a shard knows the shard's snapshot and journal were built by another rule. The line is a
 * sequence of {@code name="value"} components (Java-style escapes inside the quotes), written in
 * this order, a name repeated for each element of a list:
 *
 * <pre>
 * keys="regex=^a.*"          its own rule (regex=, prefix=, slots= in canonical ranges)
 * unclaimed="yes"            it takes the keys no shard claims ({@code unclaimed SHARD})
 * after="regex=^b"           the rule of an earlier shard that can claim the same keys (the
 *                            first shard that claims a key has it); sorted, as their union counts
 * unclaimed-by="prefix=u:"   for the unclaimed shard, the rules of the shards after it (sorted)
 * drop-key="regex=^tmp:"     drop key= rules (sorted: any one drops)
 * rewrite="strip-prefix=u:"  its rewrite steps, in order
 * drop-type="stream"         value rules: drop type=, value=, larger-than=, transform (in order,
 * drop-value="regex=..."     with its class and jar; other options by a hash of their value, so a
 * drop-larger-than="1024"    secret in them stays out of the checkpoint)
 * transform="class=C jar=J salt=sha256:1a2b3c4d5e6f"
 * </pre>
 *
 * An earlier shard counts unless both rules are slot ranges or both prefixes: the config refuses
 * those when they overlap. What does not decide keys or bytes is left out: the listen address,
 * passwords, sinks, journal settings. A transform's jar is named, not hashed: new code in the
 * same jar is not seen.
 */
public final class ShardFingerprint {
    private ShardFingerprint() {
    }

    /** Each shard's line, by name, in config order. */
    public static Map<String, String> of(RouterConfig config) {
        final Map<String, String> out = new LinkedHashMap<>();
        for (ShardMap.Shard shard : config.shardMap().shards()) {
            out.put(shard.name(), describe(config, shard));
        }
        return out;
    }

    static String describe(RouterConfig config, ShardMap.Shard shard) {
        final ShardMap map = config.shardMap();
        final StringBuilder sb = new StringBuilder();
        component(sb, "keys", rule(shard.matcher()));
        final boolean unclaimed = map.defaultShard() == shard.index();
        if (unclaimed) {
            component(sb, "unclaimed", "yes");
        }
        // what earlier shards claim is not this one's, in any order (a union): sorted
        map.shards().stream().filter(o -> o.index() < shard.index() && (unclaimed || canOverlap(o.matcher(), shard.matcher())))
            .map(o -> rule(o.matcher())).sorted().forEach(r -> component(sb, "after", r));
        if (unclaimed) {
            // a key no earlier shard and not its own rule claims is its own unless a later shard claims it
            map.shards().stream().filter(o -> o.index() > shard.index()).map(o -> rule(o.matcher())).sorted()
                .forEach(r -> component(sb, "unclaimed-by", r));
        }
        map.drops().stream().map(ShardFingerprint::rule).sorted().forEach(d -> component(sb, "drop-key", d));
        for (ShardKeyRewriter.Step step : config.rewriteSteps(shard.name())) {
            component(sb, "rewrite", describe(step));
        }
        config.droppedTypes().forEach(t -> component(sb, "drop-type", t));
        config.droppedValues().stream().map(ShardFingerprint::rule).sorted().forEach(d -> component(sb, "drop-value", d));
        if (config.largerThan() >= 0) {
            component(sb, "drop-larger-than", Long.toString(config.largerThan()));
        }
        for (Map<String, String> options : config.transforms()) {
            final StringBuilder t = new StringBuilder("class=").append(options.get("class"));
            if (options.containsKey("jar")) {
                t.append(" jar=").append(options.get("jar"));
            }
            new TreeMap<>(options).forEach((k, v) -> {
                if (!k.equals("class") && !k.equals("jar")) {
                    t.append(' ').append(k).append("=sha256:").append(sha256(v));
                }
            });
            component(sb, "transform", t.toString());
        }
        return sb.toString();
    }

    /** A rule as the matcher describes it; slot ranges in one canonical form ({@code 0-5,9}), however the config wrote them. */
    private static String rule(KeyMatcher matcher) {
        if (!(matcher instanceof SlotMatcher slots)) {
            return matcher.describe();
        }
        final StringBuilder sb = new StringBuilder("slots=");
        for (int from = slots.slots().nextSetBit(0); from >= 0; ) {
            final int to = slots.slots().nextClearBit(from) - 1;
            sb.append(sb.length() > 6 ? "," : "").append(from).append(from == to ? "" : "-" + to);
            from = slots.slots().nextSetBit(to + 1);
        }
        return sb.toString();
    }

    /** Whether an earlier shard's rule can claim a key the later one claims too. */
    private static boolean canOverlap(KeyMatcher earlier, KeyMatcher later) {
        return !(earlier instanceof SlotMatcher && later instanceof SlotMatcher)
            && !(earlier instanceof PrefixMatcher && later instanceof PrefixMatcher);
    }

    private static String describe(ShardKeyRewriter.Step step) {
        if (step instanceof ShardKeyRewriter.StripPrefix s) {
            return "strip-prefix=" + new String(s.prefix(), StandardCharsets.UTF_8);
        }
        if (step instanceof ShardKeyRewriter.AddPrefix a) {
            return "add-prefix=" + new String(a.prefix(), StandardCharsets.UTF_8);
        }
        final ShardKeyRewriter.Replace r = (ShardKeyRewriter.Replace) step;
        return "regex=" + r.regex().pattern() + " replace=" + r.replacement();
    }

    private static void component(StringBuilder sb, String name, String value) {
        if (!sb.isEmpty()) {
            sb.append(' ');
        }
        sb.append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    /**
     * A line's components, values unescaped, a repeated name's values in order; a line that does
     * not parse (written by another version) is one component named {@code ?}.
     */
    static Map<String, List<String>> components(String line) {
        try {
            return parse(line);
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return Map.of("?", List.of(line));
        }
    }

    private static Map<String, List<String>> parse(String line) {
        final Map<String, List<String>> out = new LinkedHashMap<>();
        int i = 0;
        while (i < line.length()) {
            final int eq = line.indexOf("=\"", i);
            if (eq < 0) {
                return Map.of("?", List.of(line));
            }
            final String name = line.substring(i, eq);
            final StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\' && j + 1 < line.length()) {
                    c = line.charAt(++j);
                    if (c == 'x' && j + 2 < line.length()) {
                        c = (char) Integer.parseInt(line.substring(j + 1, j + 3), 16);
                        j += 2;
                    }
                }
                value.append(c);
            }
            if (j >= line.length() || name.isEmpty() || name.indexOf(' ') >= 0) {
                return Map.of("?", List.of(line));
            }
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value.toString());
            i = j + 1;
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
        }
        return out;
    }

    private static String sha256(String value) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
