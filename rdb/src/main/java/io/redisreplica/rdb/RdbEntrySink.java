package io.redisreplica.rdb;

/**
 * A sink that takes an entry's head (its expiry, LRU and LFU opcodes, type and key) apart from
 * its value, to write a head of its own: the value's bytes still reach {@link #write} unchanged.
 */
public interface RdbEntrySink extends RdbSink {
    /** The head as read, {@code raw[offset, offset + length)} (read-only, valid during the call); the entry's fields say what it holds. */
    void head(RdbEntry entry, byte[] raw, int offset, int length);
}
