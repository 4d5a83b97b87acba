package io.redisreplica.router.routing;

import java.util.List;
import java.util.Set;

import io.redisreplica.api.ValueTransform;
import io.redisreplica.rdb.EntryRules;
import io.redisreplica.rdb.RdbConstants;

/**
 * The config's value rules, for every shard alike: {@code drop type=...} keeps whole Redis types
 * off the shards, {@code drop value=REGEX} and {@code drop larger-than=SIZE} keep string keys
 * whose value matches or is larger, and {@code transform} lines rewrite string values in order.
 * The RDB splitter asks it about the snapshot's entries; the command router about the stream.
 * One instance per thread (transforms are user code that may keep state).
 */
public final class ValueRules implements EntryRules {
    private final Set<String> droppedTypes;
    private final KeyMatcher droppedValues;
    private final long largerThan;
    private final List<ValueTransform> transforms;

    /** Whether a transform looks at collection elements (overrides {@link ValueTransform#element}). */
    private final boolean elements;

    public ValueRules(Set<String> droppedTypes, KeyMatcher droppedValues, long largerThan, List<ValueTransform> transforms) {
        this.droppedTypes = Set.copyOf(droppedTypes);
        this.droppedValues = droppedValues;
        this.largerThan = largerThan;
        this.transforms = List.copyOf(transforms);
        this.elements = transforms.stream().anyMatch(ValueRules::transformsElements);
    }

    private static boolean transformsElements(ValueTransform t) {
        try {
            return t.getClass().getMethod("element", int.class, byte[].class, String.class, byte[].class, byte[].class)
                .getDeclaringClass() != ValueTransform.class;
        } catch (NoSuchMethodException e) {
            return true; // cannot tell: ask it
        }
    }

    @Override
    public boolean decodesElements() {
        return elements;
    }

    @Override
    public byte[] element(long db, byte[] key, int keyLength, String type, byte[] field, byte[] element) {
        return element((int) db, keyLength == key.length ? key : java.util.Arrays.copyOf(key, keyLength), type, field, element);
    }

    /** A collection element as the shards get it, or null to leave it out (see {@link ValueTransform#element}). */
    public byte[] element(int db, byte[] key, String type, byte[] field, byte[] element) {
        byte[] e = element;
        for (ValueTransform t : transforms) {
            e = t.element(db, key, type, field, e);
            if (e == null) {
                return null;
            }
        }
        return e;
    }

    /** Whether a Redis type (string, list, set, zset, hash, stream, module) is kept off every shard. */
    public boolean drops(String dataType) {
        return droppedTypes.contains(dataType);
    }

    @Override
    public boolean keeps(int rdbType) {
        return !droppedTypes.contains(RdbConstants.dataType(rdbType));
    }

    @Override
    public boolean decodesStrings() {
        return droppedValues != null || largerThan >= 0 || !transforms.isEmpty();
    }

    @Override
    public byte[] stringValue(long db, byte[] key, int keyLength, byte[] value) {
        return value((int) db, keyLength == key.length ? key : java.util.Arrays.copyOf(key, keyLength), value);
    }

    /** A string key's value as the shards get it, or null when the key is kept off them. */
    public byte[] value(int db, byte[] key, byte[] value) {
        if ((largerThan >= 0 && value.length > largerThan) || (droppedValues != null && droppedValues.matches(value, 0, value.length))) {
            return null;
        }
        byte[] v = value;
        for (ValueTransform t : transforms) {
            v = t.transform(db, key, v);
            if (v == null) {
                return null;
            }
        }
        return v;
    }
}
