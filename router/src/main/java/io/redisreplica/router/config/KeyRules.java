package io.redisreplica.router.config;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.redisreplica.router.routing.ClusterSlots;
import io.redisreplica.router.routing.KeyMatcher;
import io.redisreplica.router.routing.PrefixMatcher;
import io.redisreplica.router.routing.RegexMatcher;
import io.redisreplica.router.routing.ShardMap;
import io.redisreplica.router.routing.SlotMatcher;

/**
 * The key rules of the config ({@code regex=}, {@code prefix=}, {@code slots=} of a shard line,
 * the regexes of {@code drop}) as matchers, and the checks across shard lines: no slot or prefix
 * claimed twice, no slot unclaimed while unclaimed keys are dropped.
 */
final class KeyRules {
    private KeyRules() {
    }

    /**
     * A regex as a rule finds it: anywhere in the key, {@code .} matching any byte.
     *
     * @param where names the line and rule in errors ({@code FILE:LINE: shard a})
     */
    static Pattern regex(String regex, String where) {
        if (regex.isEmpty()) {
            throw new ConfigException(where + ": empty regex (it would match every key; write .* if that is meant)");
        }
        try {
            return Pattern.compile(regex, Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(where + ": bad regex '" + regex + "': " + e.getDescription() + " near index " + e.getIndex());
        }
    }

    /** The keys a shard claims: {@code regex=R}, {@code prefix=P} or {@code slots=N-M,K}. */
    static KeyMatcher shardKeys(String shard, String keys, String where) {
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

    /**
     * No slot claimed by two shards, no prefix that is another's start, and with no default
     * shard, no slot left unclaimed when every shard claims slots.
     *
     * @param lines each shard's line, for the error
     */
    static void checkOverlaps(List<ShardMap.Shard> shards, Map<String, Integer> lines, String source, int defaultShard) {
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
}
