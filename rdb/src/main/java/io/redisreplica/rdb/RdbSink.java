package io.redisreplica.rdb;

/** Where raw RDB bytes go as they are read: an output file, a socket, a digest. */
@FunctionalInterface
public interface RdbSink {
    /** Takes a copy of (or consumes) the bytes; they are not valid after the call returns. */
    void write(byte[] bytes, int offset, int length);
}
