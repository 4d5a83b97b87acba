package io.redisreplica.rdb;

import java.nio.charset.StandardCharsets;

/**
 * One key of an RDB, as a flyweight the reader refills for every entry: where it is, its db,
 * type, key, and the expiry/LRU/LFU opcodes that came before it. The value is not decoded.
 */
public final class RdbEntry {
    private long offset;
    private long db;
    private int type;
    private byte[] key;
    private int keyLength;
    private long expireAtMs;
    private long idle;
    private int freq;
    private long valueLength;

    void start(long offset, long db) {
        this.offset = offset;
        this.db = db;
        this.expireAtMs = -1;
        this.idle = -1;
        this.freq = -1;
        this.valueLength = 0;
    }

    void db(long value) {
        this.db = value;
    }

    /** An expiry, LRU or LFU opcode was read and its key has not come yet. */
    boolean hasPrefix() {
        return expireAtMs != -1 || idle != -1 || freq != -1;
    }

    void type(int value) {
        this.type = value;
    }

    void key(byte[] bytes, int length) {
        this.key = bytes;
        this.keyLength = length;
    }

    void expireAtMs(long value) {
        this.expireAtMs = value;
    }

    void idle(long value) {
        this.idle = value;
    }

    void freq(int value) {
        this.freq = value;
    }

    void valueLength(long value) {
        this.valueLength = value;
    }

    /** Offset of the entry's first byte (its first expiry/LRU/LFU opcode, or its type). */
    public long offset() {
        return offset;
    }

    public long db() {
        return db;
    }

    /** The RDB value type ({@link RdbConstants#TYPE_STRING} ...). */
    public int type() {
        return type;
    }

    /** The key's bytes, valid until the next entry; {@link #keyLength()} of them. */
    public byte[] key() {
        return key;
    }

    public int keyLength() {
        return keyLength;
    }

    /** Absolute expiry in Unix milliseconds, or -1 for none. */
    public long expireAtMs() {
        return expireAtMs;
    }

    /** LRU idle seconds, or -1. */
    public long idle() {
        return idle;
    }

    /** LFU counter, or -1. */
    public int freq() {
        return freq;
    }

    /** Bytes of the encoded value (known after the entry has been read). */
    public long valueLength() {
        return valueLength;
    }

    /** The key decoded as UTF-8 (allocates: for messages and tools). */
    public String keyString() {
        return new String(key, 0, keyLength, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "db " + db + " " + RdbConstants.typeName(type) + " key \"" + keyString() + "\" at offset " + offset;
    }
}
