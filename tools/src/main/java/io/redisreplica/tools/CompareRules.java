package io.redisreplica.tools;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.redisreplica.rdb.KeyRewriter;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.KeyMatcher;
import io.redisreplica.router.routing.ShardKeyRewriter;
import io.redisreplica.router.routing.ShardMap;

/**
 * What a router config makes of a master's key, as {@code compare} expects to find it: the shard
 * that owns it ({@code drop key=} rules: none), its name there (the shard's {@code rewrite}
 * lines), and whether a value rule keeps it off every shard ({@code drop type=}, {@code drop
 * value=}, {@code drop larger-than=}). Backwards, the master keys a shard's key can come from:
 * prefix steps can be undone (a {@code strip-prefix} leaves two candidates), a {@code regex} step
 * cannot, so a shard that has one is not scanned for extra keys. {@code transform} lines are user
 * code whose output compare cannot predict: the caller refuses them.
 */
final class CompareRules {
    private final ShardMap map;
    private final KeyRewriter[] rewriters;
    private final List<List<ShardKeyRewriter.Step>> steps = new ArrayList<>();
    private final Set<String> droppedTypes;
    private final List<KeyMatcher> droppedValues;
    private final long largerThan;

    CompareRules(RouterConfig config) {
        this.map = config.shardMap();
        final KeyRewriter[] r = config.keyRewriters();
        this.rewriters = r != null ? r : new KeyRewriter[map.shards().size()];
        for (ShardMap.Shard shard : map.shards()) {
            steps.add(config.rewriteSteps(shard.name()));
        }
        this.droppedTypes = config.droppedTypes();
        this.droppedValues = config.droppedValues();
        this.largerThan = config.largerThan();
    }

    ShardMap map() {
        return map;
    }

    /** The index of the shard that owns a master key, or -1 when none takes it. */
    int owner(byte[] key) {
        return map.shardOf(key, 0, key.length);
    }

    /** A master key's name on shard {@code shard}. */
    byte[] shardKey(int shard, byte[] key) {
        final KeyRewriter r = rewriters[shard];
        if (r == null) {
            return key;
        }
        final int length = r.rewrite(key, 0, key.length); // first: the rewrite may swap the buffer bytes() returns
        return Arrays.copyOf(r.bytes(), length);
    }

    /** Whether a shard renames keys. */
    boolean renames(int shard) {
        return rewriters[shard] != null;
    }

    /** Whether string values must be read to judge keys ({@code drop value=}, {@code drop larger-than=}). */
    boolean judgesStrings() {
        return !droppedValues.isEmpty() || largerThan >= 0;
    }

    /** Why a value rule keeps a master key of this type off every shard, or null when it does not. {@code string} is its value, when judged. */
    String dropped(String type, byte[] string) {
        if (droppedTypes.contains(type)) {
            return "drop type=" + type;
        }
        if (string != null && largerThan >= 0 && string.length > largerThan) {
            return "drop larger-than=" + largerThan;
        }
        if (string != null) {
            for (KeyMatcher m : droppedValues) {
                if (m.matches(string, 0, string.length)) {
                    return "drop value=";
                }
            }
        }
        return null;
    }

    /**
     * The master keys owned by shard {@code shard} that it would hold as {@code shardKey} (usually
     * one, or none when no master key can become it); null when a regex step makes that unknowable.
     */
    List<byte[]> masterKeys(int shard, byte[] shardKey) {
        List<byte[]> candidates = List.of(shardKey);
        final List<ShardKeyRewriter.Step> s = steps.get(shard);
        for (int i = s.size() - 1; i >= 0; i--) {
            final List<byte[]> before = new ArrayList<>();
            for (byte[] k : candidates) {
                if (s.get(i) instanceof ShardKeyRewriter.AddPrefix a) {
                    if (startsWith(k, a.prefix())) {
                        before.add(Arrays.copyOfRange(k, a.prefix().length, k.length));
                    }
                } else if (s.get(i) instanceof ShardKeyRewriter.StripPrefix p) {
                    before.add(concat(p.prefix(), k)); // it had the prefix...
                    if (!startsWith(k, p.prefix())) {
                        before.add(k); // ...or passed unchanged, never having it
                    }
                } else {
                    return null;
                }
            }
            candidates = before;
        }
        final List<byte[]> owned = new ArrayList<>();
        for (byte[] k : candidates) {
            if (owner(k) == shard && Arrays.equals(shardKey(shard, k), shardKey)) {
                owned.add(k);
            }
        }
        return owned;
    }

    /** Whether a shard's keys can be traced back to the master's (no regex rewrite). */
    boolean traceable(int shard) {
        return steps.get(shard).stream().noneMatch(s -> s instanceof ShardKeyRewriter.Replace);
    }

    private static boolean startsWith(byte[] k, byte[] prefix) {
        return k.length >= prefix.length && Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        final byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
