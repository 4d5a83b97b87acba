package io.redisreplica.router.upstream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.resp.RespWriter;

/** {@code REPLCONF ACK offset} to the master: the offset the journal holds, written without allocating. */
final class ReplconfAck {
    private static final byte[] REPLCONF = "REPLCONF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACK = "ACK".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
    private final RespWriter writer = new RespWriter();

    ReplconfAck(OutputStream out) {
        this.out = out;
    }

    void send(long offset) throws IOException {
        final int length = writer.wrap(buffer, 0).arrayHeader(3).bulk(REPLCONF).bulk(ACK).bulk(offset).length();
        out.write(buffer.byteArray(), 0, length);
        out.flush();
    }
}
