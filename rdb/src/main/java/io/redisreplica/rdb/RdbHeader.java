package io.redisreplica.rdb;

/** The 9-byte header: {@code REDIS0011} or {@code VALKEY080}. */
public record RdbHeader(int version, boolean valkey, byte[] raw) {
    /** Whether the file ends with a CRC64 (RDB 5 on, all Valkey). */
    public boolean hasChecksum() {
        return valkey || version >= 5;
    }

    @Override
    public String toString() {
        return (valkey ? "VALKEY" : "REDIS") + " rdb version " + version;
    }
}
