package io.redisreplica.tools;

import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The launcher's stdout: a UTF-8 {@link PrintWriter} for text that also hands its byte stream
 * to {@link JsonOut}, so JSON (rdb dump at hundreds of MB/s) is written as UTF-8 bytes
 * without a round trip through chars.
 */
final class StdoutWriter extends PrintWriter {
    private final OutputStream bytes;

    StdoutWriter(OutputStream bytes) {
        super(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), true);
        this.bytes = bytes;
    }

    /** The bytes under the writer: flush the writer first, so what it holds comes out before. */
    OutputStream bytes() {
        return bytes;
    }
}
