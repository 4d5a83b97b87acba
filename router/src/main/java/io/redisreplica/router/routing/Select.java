package io.redisreplica.router.routing;

import org.agrona.MutableDirectBuffer;

import io.redisreplica.resp.RespWriter;

/** The SELECT the router puts before a shard's commands when the shard's journal is in another db. */
final class Select {
    private Select() {
    }

    /** Writes {@code SELECT db} at {@code at}; returns its length. */
    static int write(RespWriter writer, MutableDirectBuffer buffer, int at, int db) {
        return writer.wrap(buffer, at).arrayHeader(2).bulk("SELECT").bulk(db).length();
    }
}
