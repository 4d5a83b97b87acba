package io.redisreplica.rdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes every value of an RDB into a plain structure per "db/key": a String, a List of
 * Strings (list), a sorted List (set), a TreeMap field->value (hash), a TreeMap member->score
 * (zset), or a List of "ms-seq f v ..." (stream). Tests compare it with servers and oracles.
 */
final class DecodedValues implements RdbVisitor, RdbValueVisitor {
    final Map<String, Object> values = new TreeMap<>();

    static String key(long db, String key) {
        return db + "/" + key;
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private String name(RdbEntry e) {
        return key(e.db(), e.keyString());
    }

    @Override
    public RdbSink onEntry(RdbEntry entry) {
        values.remove(name(entry)); // a key written twice: the last one wins, as when Redis loads it
        return null;
    }

    @Override
    public RdbValueVisitor onValue(RdbEntry entry) {
        return this;
    }

    @Override
    public void onString(RdbEntry e, byte[] value) {
        values.put(name(e), s(value));
    }

    @SuppressWarnings("unchecked")
    private <T> T get(RdbEntry e, java.util.function.Supplier<T> create) {
        return (T) values.computeIfAbsent(name(e), k -> create.get());
    }

    @Override
    public void onListItem(RdbEntry e, byte[] item) {
        this.<List<String>>get(e, ArrayList::new).add(s(item));
    }

    @Override
    public void onSetMember(RdbEntry e, byte[] member) {
        final List<String> set = this.<List<String>>get(e, ArrayList::new);
        set.add(s(member));
        set.sort(null);
    }

    @Override
    public void onZsetMember(RdbEntry e, byte[] member, double score) {
        this.<Map<String, Double>>get(e, TreeMap::new).put(s(member), score);
    }

    @Override
    public void onHashField(RdbEntry e, byte[] field, byte[] value, long expireAtMs) {
        this.<Map<String, String>>get(e, TreeMap::new).put(s(field), s(value));
    }

    @Override
    public void onStreamEntry(RdbEntry e, long ms, long seq, byte[][] fv) {
        final StringBuilder sb = new StringBuilder(ms + "-" + seq);
        for (byte[] b : fv) {
            sb.append(' ').append(s(b));
        }
        this.<List<String>>get(e, ArrayList::new).add(sb.toString());
    }

    @Override
    public void onModuleValue(RdbEntry e, String module) {
        values.put(name(e), "module:" + module);
    }
}
