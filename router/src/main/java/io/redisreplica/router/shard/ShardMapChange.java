package io.redisreplica.router.shard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the config's shard map differs from the one the journal recorded ({@link ShardFingerprint}
 * lines compared per shard name): shards whose line changed, shards the config adds, shards it
 * no longer has. A journal that recorded no map (a fresh one, or a checkpoint written before the
 * map was recorded) differs from nothing.
 */
public final class ShardMapChange {
    /** The option that accepts a change, as the {@code run} command spells it. */
    public static final String ACCEPT_OPTION = "--accept-shard-map-change";
    /** The option that deletes the journals of shards the config no longer has. */
    public static final String REMOVE_OPTION = "--remove-old-shards";

    private static final Map<String, String> LABELS = Map.ofEntries(
        Map.entry("keys", "its rule"),
        Map.entry("unclaimed", "taking the unclaimed keys"),
        Map.entry("after", "the rules of the shards before it"),
        Map.entry("unclaimed-by", "the rules of the shards after it"),
        Map.entry("drop-key", "the drop key= rules"),
        Map.entry("rewrite", "its rewrite rules"),
        Map.entry("drop-type", "the drop type= rules"),
        Map.entry("drop-value", "the drop value= rules"),
        Map.entry("drop-larger-than", "the drop larger-than= rule"),
        Map.entry("transform", "the transforms"));

    /** Changed shard name to what changed, in config order. */
    private final Map<String, String> changed;
    private final List<String> added;
    private final List<String> removed;

    private ShardMapChange(Map<String, String> changed, List<String> added, List<String> removed) {
        this.changed = changed;
        this.added = added;
        this.removed = removed;
    }

    /**
     * @param recorded each shard's recorded line, or null when the journal recorded no map
     * @param current  each shard's line from the config, in config order
     */
    public static ShardMapChange compare(Map<String, String> recorded, Map<String, String> current) {
        final Map<String, String> changed = new LinkedHashMap<>();
        final List<String> added = new ArrayList<>();
        final List<String> removed = new ArrayList<>();
        if (recorded != null) {
            current.forEach((name, line) -> {
                final String was = recorded.get(name);
                if (was == null) {
                    added.add(name);
                } else if (!was.equals(line)) {
                    changed.put(name, whatChanged(was, line));
                }
            });
            recorded.keySet().stream().filter(name -> !current.containsKey(name)).sorted().forEach(removed::add);
        }
        return new ShardMapChange(changed, added, removed);
    }

    public boolean isEmpty() {
        return changed.isEmpty() && added.isEmpty() && removed.isEmpty();
    }

    public Set<String> changed() {
        return changed.keySet();
    }

    public List<String> added() {
        return added;
    }

    public List<String> removed() {
        return removed;
    }

    /** Whether the shard needs a snapshot built by the config's rule: added or changed. */
    public boolean needsSnapshot(String shard) {
        return changed.containsKey(shard) || added.contains(shard);
    }

    /** What changed, one line per shard, indented. */
    public String details() {
        final StringBuilder sb = new StringBuilder();
        changed.forEach((name, what) -> sb.append("\n  changed: shard ").append(name).append(" (").append(what).append(')'));
        added.forEach(name -> sb.append("\n  added: shard ").append(name).append(" (no snapshot yet)"));
        removed.forEach(name -> sb.append("\n  removed: shard ").append(name).append(" (its journal is kept unless ")
            .append(REMOVE_OPTION).append(" is given)"));
        return sb.toString();
    }

    /** Whether the only change is shards the config no longer has: nothing to rebuild. */
    public boolean onlyRemovals() {
        return changed.isEmpty() && added.isEmpty() && !removed.isEmpty();
    }

    /** The refusal: what changed and what the operator can do. */
    public String refusal(java.nio.file.Path journal) {
        final String head = "the shard map differs from the one journal " + journal + " was built with; nothing was changed:" + details();
        if (onlyRemovals()) {
            return head + "\nNo shard needs a new snapshot: start with " + REMOVE_OPTION + " to delete the removed shards' journals,"
                + " or with " + ACCEPT_OPTION + " to keep them (left alone). Or start with the config the journal was built with.";
        }
        return head + "\nTo rebuild, start with " + ACCEPT_OPTION + ": the router takes a full sync of the master, every shard gets a new"
            + " snapshot (so each shard's replicas get a full resync) and added and changed shards hold their new keys; the"
            + " journals of removed shards are kept unless " + REMOVE_OPTION + " is given too. Or start with the config the"
            + " journal was built with.";
    }

    /** Per differing component: "label: OLD -> NEW". */
    static String whatChanged(String was, String now) {
        final Map<String, List<String>> before = ShardFingerprint.components(was);
        final Map<String, List<String>> after = ShardFingerprint.components(now);
        final Set<String> names = new java.util.LinkedHashSet<>(before.keySet());
        names.addAll(after.keySet());
        final List<String> parts = new ArrayList<>();
        for (String name : names) {
            final List<String> b = before.getOrDefault(name, List.of());
            final List<String> a = after.getOrDefault(name, List.of());
            if (!Objects.equals(b, a)) {
                parts.add(LABELS.getOrDefault(name, name) + ": " + show(b) + " -> " + show(a));
            }
        }
        return String.join("; ", parts);
    }

    private static String show(List<String> values) {
        final String joined = values.isEmpty() ? "none" : String.join(", ", values);
        return joined.length() > 200 ? joined.substring(0, 200) + "..." : joined;
    }
}
