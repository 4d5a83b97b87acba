package io.redisreplica.tools;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import io.redisreplica.rdb.RdbConstants;
import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbHeader;
import io.redisreplica.rdb.RdbVisitor;

/** What an RDB holds: header, AUX fields, keys and value bytes per db and type, expiries. */
public final class RdbStats implements RdbVisitor {
    /** Keys and value bytes of one (db, encoding). */
    public static final class Count {
        long keys;
        long valueBytes;
        long withExpiry;

        public long keys() {
            return keys;
        }

        public long valueBytes() {
            return valueBytes;
        }

        public long withExpiry() {
            return withExpiry;
        }
    }

    private RdbHeader header;
    private final Map<String, byte[]> aux = new TreeMap<>();
    private final Map<Long, Map<String, Count>> perDb = new TreeMap<>();
    private long keys;
    private long checksum;
    private int functions;
    private int moduleAux;

    public RdbHeader header() {
        return header;
    }

    /** AUX fields by name, their values as stored (bytes: a value need not be text). */
    public Map<String, byte[]> aux() {
        return aux;
    }

    /** db -> encoding name ({@code hash_listpack}) -> count. */
    public Map<Long, Map<String, Count>> perDb() {
        return perDb;
    }

    public long keys() {
        return keys;
    }

    /** The CRC64 the file stores (verified against the bytes read, or the read fails), 0 when it stores none. */
    public long checksum() {
        return checksum;
    }

    public int functions() {
        return functions;
    }

    public int moduleAux() {
        return moduleAux;
    }

    @Override
    public void onHeader(RdbHeader value) {
        this.header = value;
    }

    @Override
    public void onAux(byte[] key, byte[] value) {
        aux.put(new String(key, StandardCharsets.UTF_8), value);
    }

    @Override
    public void onRecord(int opcode, byte[] raw, int offset, int length) {
        if (opcode == RdbConstants.OPCODE_FUNCTION2 || opcode == RdbConstants.OPCODE_FUNCTION_PRE_GA) {
            functions++;
        } else if (opcode == RdbConstants.OPCODE_MODULE_AUX) {
            moduleAux++;
        }
    }

    @Override
    public void onEntryEnd(RdbEntry entry) {
        final Count c = perDb.computeIfAbsent(entry.db(), d -> new TreeMap<>())
            .computeIfAbsent(RdbConstants.typeName(entry.type()), t -> new Count());
        c.keys++;
        c.valueBytes += entry.valueLength();
        if (entry.expireAtMs() >= 0) {
            c.withExpiry++;
        }
        keys++;
    }

    @Override
    public void onEnd(long stored, long computed) {
        checksum = stored;
    }
}
