package io.redisreplica.tools;

import java.util.Set;
import java.util.regex.Pattern;

import io.redisreplica.rdb.RdbConstants;
import io.redisreplica.rdb.RdbEntry;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;

/**
 * Writes one JSON line per entry of an RDB ({@code rdb dump}), each value element as it is
 * decoded: a value of any size streams through, nothing of it is held. Entries the filters leave
 * out are stepped over without decoding their value. Called by {@link DumpHandOff}'s writing
 * thread, in the order the reader found things.
 */
final class RdbDumper {
    // field names encoded once: written as bytes, millions of times
    private static final SerializableString DB = new SerializedString("db");
    private static final SerializableString KEY = new SerializedString("key");
    // members after the key, written past the generator as pre-encoded ",name:" runs (see header)
    private static final byte[] EXPIRE_AT_MS = ascii(",\"expire_at_ms\":");
    private static final byte[] IDLE = ascii(",\"idle\":");
    private static final byte[] FREQ = ascii(",\"freq\":");
    private static final byte[] OFFSET = ascii(",\"offset\":");
    private static final byte[] VALUE_BYTES = ascii(",\"value_bytes\":");
    private static final SerializableString VALUE = new SerializedString("value");
    private static final SerializableString ID = new SerializedString("id");
    private static final SerializableString FIELDS = new SerializedString("fields");
    private static final SerializableString MODULE = new SerializedString("module");
    private final JsonOut out;
    private final JsonGenerator json;
    private final boolean values;
    private final Pattern key;
    private final Set<String> types;
    private final Set<Long> dbs;
    /** Its value's JSON was started (a container, or a string or module written whole). */
    private boolean valueStarted;

    /**
     * @param key only keys it finds in, or null for all
     * @param types only these data types (empty: all)
     * @param dbs only these dbs (empty: all)
     */
    RdbDumper(JsonOut out, boolean values, Pattern key, Set<String> types, Set<Long> dbs) {
        this.out = out;
        this.json = out.json();
        this.values = values;
        this.key = key;
        this.types = types;
        this.dbs = dbs;
    }

    /**
     * By RDB type byte: {@code ,"type":"...","encoding":"..."}, encoded once (a look-up per entry,
     * not a hash).
     */
    private static final byte[][] TYPE_AND_ENCODING = new byte[256][];
    /** By RDB type byte: the value is a JSON array (not a string or a module object). */
    private static final boolean[] ARRAY_VALUE = new boolean[256];

    static {
        for (int t = 0; t < 256; t++) {
            final String type = RdbConstants.dataType(t);
            TYPE_AND_ENCODING[t] = ascii(",\"type\":\"" + type + "\",\"encoding\":\"" + RdbConstants.typeName(t) + "\"");
            ARRAY_VALUE[t] = !type.equals("string") && !type.equals("module");
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Whether the entry passes the filters: its line is written, and its value decoded unless --no-values. */
    boolean selects(RdbEntry e) {
        return (dbs.isEmpty() || dbs.contains(e.db()))
            && (types.isEmpty() || types.contains(RdbConstants.dataType(e.type())))
            && (key == null || key.matcher(e.keyString()).find());
    }

    /** Whether the values are written (not --no-values): the reader decodes them only then. */
    boolean values() {
        return values;
    }

    /** An entry's line up to its value: every field but the value and its length. */
    void header(long db, byte[] k, int keyLength, int type, long expireAtMs, long idle, int freq, long offset) {
        valueStarted = false;
        json.writeStartObject();
        json.writeName(DB);
        json.writeNumber(db);
        json.writeName(KEY);
        out.bytes(k, 0, keyLength);
        // The fixed members after the key go past the generator as pre-encoded bytes: after a value
        // inside an object its state is the same before and after whole ",name:value" pairs, and
        // as a generator call each (a check of the state per name and per value) they were a quarter
        // of the writing thread's time. The bytes are the ones jackson wrote (names are ASCII).
        final int t = type & 0xff;
        final JsonBuffer raw = out.pairsAfterValue();
        raw.raw(TYPE_AND_ENCODING[t]);
        if (expireAtMs >= 0) {
            raw.raw(EXPIRE_AT_MS);
            raw.decimal(expireAtMs);
        }
        if (idle >= 0) {
            raw.raw(IDLE);
            raw.decimal(idle);
        }
        if (freq >= 0) {
            raw.raw(FREQ);
            raw.decimal(freq);
        }
        raw.raw(OFFSET);
        raw.decimal(offset);
        if (!values) {
            return;
        }
        json.writeName(VALUE);
        if (ARRAY_VALUE[t]) {
            json.writeStartArray();
            valueStarted = true;
        } // else written whole by string / moduleValue
    }

    void string(byte[] v) {
        out.bytes(v);
        valueStarted = true;
    }

    /** A list item or a set member. */
    void element(byte[] item) {
        out.bytes(item);
    }

    void zsetMember(byte[] member, double score) {
        json.writeStartArray();
        out.bytes(member);
        if (Double.isFinite(score)) {
            json.writeNumber(score);
        } else {
            json.writeString(Double.isNaN(score) ? "nan" : score > 0 ? "inf" : "-inf"); // Redis's own words for them
        }
        json.writeEndArray();
    }

    void hashField(byte[] field, byte[] v, long expireAtMs) {
        json.writeStartArray();
        out.bytes(field);
        out.bytes(v);
        if (expireAtMs >= 0) {
            json.writeNumber(expireAtMs);
        }
        json.writeEndArray();
    }

    void streamEntry(long ms, long seq, byte[][] fv) {
        json.writeStartObject();
        json.writeName(ID);
        json.writeString(Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq));
        json.writeName(FIELDS);
        json.writeStartArray(); // pairs, not an object: a stream entry may repeat a field name
        for (int i = 0; i + 1 < fv.length; i += 2) {
            json.writeStartArray();
            out.bytes(fv[i]);
            out.bytes(fv[i + 1]);
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    void moduleValue(String module) {
        json.writeStartObject();
        json.writeName(MODULE);
        json.writeString(module);
        json.writeEndObject();
        valueStarted = true;
    }

    /** The end of an entry's line: its value closed (null when nothing was decoded), its length. */
    void end(int type, long valueLength) {
        if (values) {
            if (!valueStarted) {
                json.writeNull();
            } else if (ARRAY_VALUE[type & 0xff]) {
                json.writeEndArray();
            }
        }
        final JsonBuffer raw = out.pairsAfterValue();
        raw.raw(VALUE_BYTES);
        raw.decimal(valueLength);
        json.writeEndObject();
        out.endLine();
    }
}
