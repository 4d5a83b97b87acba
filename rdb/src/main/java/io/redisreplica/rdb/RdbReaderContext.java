package io.redisreplica.rdb;

import java.util.concurrent.Executor;

/** Settings of {@link RdbReader}. */
public final class RdbReaderContext {
    private int bufferSize = 64 * 1024;
    private int maxRecordBytes = 64 * 1024 * 1024;
    private boolean verifyChecksum = true;
    private Executor checksumExecutor;

    public int bufferSize() {
        return bufferSize;
    }

    /** The read buffer: what the reader holds of the stream at most, besides a key. */
    public RdbReaderContext bufferSize(int value) {
        this.bufferSize = value;
        return this;
    }

    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /**
     * Largest record held in memory (in errors: max-record-bytes): a key with the expiry/LRU/LFU
     * opcodes before it, a whole AUX, FUNCTION or MODULE_AUX record, a decoded element. Values are
     * never held. A larger one fails the read with an {@link RdbFormatException} naming its
     * offset, whatever {@link #bufferSize} is.
     */
    public RdbReaderContext maxRecordBytes(int value) {
        this.maxRecordBytes = value;
        return this;
    }

    public boolean verifyChecksum() {
        return verifyChecksum;
    }

    public RdbReaderContext verifyChecksum(boolean value) {
        this.verifyChecksum = value;
        return this;
    }

    public Executor checksumExecutor() {
        return checksumExecutor;
    }

    /**
     * Where the CRC64 is computed: null (the default) on the reading thread; an executor (one
     * thread is enough, blocks are chained) frees the reader of it, for a reader that has a second
     * core and the CRC on its critical path (rdb dump). The caller owns and shuts down the executor.
     */
    public RdbReaderContext checksumExecutor(Executor value) {
        this.checksumExecutor = value;
        return this;
    }

    RdbReaderContext conclude() {
        if (bufferSize < 64) {
            throw new IllegalArgumentException("bufferSize must be >= 64, was " + bufferSize);
        }
        if (maxRecordBytes < 1024) {
            throw new IllegalArgumentException("maxRecordBytes must be >= 1024, was " + maxRecordBytes);
        }
        return this;
    }
}
