package io.redisreplica.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A replica made of a bare socket that asks for a full resync ({@code PSYNC ? -1}), reads the
 * whole snapshot and then says nothing, as a real replica loading a large RDB does (its first
 * {@code REPLCONF ACK} comes once it has loaded), or one hung while loading. It announces no
 * {@code capa eof}, so a master sends it a {@code $len} snapshot. {@link #ack} speaks for it.
 */
public final class SilentReplica implements AutoCloseable {
    private final Socket socket;
    private final String replid;
    private final long snapshotBytes;

    private SilentReplica(Socket socket, String replid, long snapshotBytes) {
        this.socket = socket;
        this.replid = replid;
        this.snapshotBytes = snapshotBytes;
    }

    /**
     * Connects to the master on {@code port}, announces {@code listeningPort}, and returns once it
     * has read {@code +FULLRESYNC} and the whole snapshot (10 s at most for each read).
     */
    public static SilentReplica fullResync(int port, int listeningPort) throws IOException {
        final Socket socket = new Socket("127.0.0.1", port);
        try {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("REPLCONF listening-port " + listeningPort + "\r\nPSYNC ? -1\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            // ISO-8859-1: one char per byte, so skip() counts the snapshot's bytes
            final BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            expect(in.readLine(), "+OK");
            final String fullResync = in.readLine();
            expect(fullResync, "+FULLRESYNC ");
            String bulk = in.readLine();
            while (bulk != null && bulk.isEmpty()) {
                bulk = in.readLine(); // a master's keep-alive newlines while it prepares the snapshot
            }
            expect(bulk, "$");
            final long length = Long.parseLong(bulk.substring(1));
            long skipped = 0;
            while (skipped < length) {
                final long n = in.skip(length - skipped);
                if (n <= 0) {
                    throw new IOException("the snapshot ended after " + skipped + " of " + length + " bytes");
                }
                skipped += n;
            }
            return new SilentReplica(socket, fullResync.split(" ")[1], length);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static void expect(String line, String prefix) throws IOException {
        if (line == null || !line.startsWith(prefix)) {
            throw new IOException("expected " + prefix.trim() + "..., got " + line);
        }
    }

    /** The replication id its {@code +FULLRESYNC} named. */
    public String replid() {
        return replid;
    }

    /** The length of the snapshot it read. */
    public long snapshotBytes() {
        return snapshotBytes;
    }

    /** Sends {@code REPLCONF ACK offset}: it has loaded, or claims to have. */
    public void ack(long offset) throws IOException {
        socket.getOutputStream().write(("REPLCONF ACK " + offset + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
