package io.redisreplica.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A point-in-time copy of the dataset as an RDB, with the replication position it stands at: a
 * replica that loads it has the replication id {@link #replid()} and the offset {@link #offset()},
 * and the command stream continues from that offset. What a full resync
 * ({@code +FULLRESYNC replid offset}) sends.
 *
 * <p>A descriptor only: the RDB is opened when a replica needs it, once per transfer, so a file
 * of any size costs no heap. The RDB's version must be one the replicas load (Redis refuses an
 * RDB newer than itself).
 *
 * <pre>{@code
 * Snapshot s = Snapshot.ofFile(Snapshot.newReplid(), 0, Path.of("dump.rdb"));
 * }</pre>
 */
public final class Snapshot {
    /** Opens the RDB's bytes from the start; called once per transfer, the stream is closed after it. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    /** Redis's replication ids are 40 characters ({@code CONFIG_RUN_ID_SIZE}); a replica rejects others. */
    public static final int REPLID_LENGTH = 40;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String replid;
    private final long offset;
    private final long size;
    private final Path file;
    private final Opener opener;

    private Snapshot(String replid, long offset, long size, Path file, Opener opener) {
        this.replid = checkReplid(replid);
        if (offset < 0) {
            throw new IllegalArgumentException("snapshot offset=" + offset + " (expected: >= 0)");
        }
        if (size < -1) {
            throw new IllegalArgumentException("snapshot size=" + size + " (expected: >= 0, or -1 when not known)");
        }
        this.offset = offset;
        this.size = size;
        this.file = file;
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /**
     * A snapshot in a file; its size is read now (the file must not change while it is the
     * snapshot: write a new file and give a new {@code Snapshot}).
     */
    public static Snapshot ofFile(String replid, long offset, Path file) throws IOException {
        return new Snapshot(replid, offset, Files.size(file), file, () -> Files.newInputStream(file));
    }

    /**
     * A snapshot from any source (a socket, an object store, bytes in memory).
     *
     * @param size the RDB's length in bytes, or -1 when not known: then it is sent with the
     *     diskless framing ({@code $EOF:mark}), which every replica that announces {@code capa eof}
     *     (Redis 2.8.18 and later) reads; an older replica is refused
     */
    public static Snapshot of(String replid, long offset, long size, Opener opener) {
        return new Snapshot(replid, offset, size, null, opener);
    }

    /** A new random replication id, as a Redis master makes one for a new history. */
    public static String newReplid() {
        final byte[] b = new byte[REPLID_LENGTH / 2];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public String replid() {
        return replid;
    }

    public long offset() {
        return offset;
    }

    /** The RDB's length in bytes, -1 when not known. */
    public long size() {
        return size;
    }

    /** The file, when the snapshot is one (sent with {@code transferTo}, without copies through the heap); else null. */
    public Path file() {
        return file;
    }

    /** Opens the RDB from its first byte. */
    public InputStream open() throws IOException {
        return opener.open();
    }

    static String checkReplid(String replid) {
        Objects.requireNonNull(replid, "replid");
        if (replid.length() != REPLID_LENGTH) {
            throw new IllegalArgumentException("replid of length " + replid.length() + " (expected: " + REPLID_LENGTH
                + " characters, as Redis's; Snapshot.newReplid() makes one)");
        }
        for (int i = 0; i < replid.length(); i++) {
            final char c = replid.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException("replid with a space or control character at index " + i
                    + " (expected: printable ASCII, as Redis's hex ids)");
            }
        }
        return replid;
    }

    @Override
    public String toString() {
        return "Snapshot[replid=" + replid + ", offset=" + offset + ", size=" + size + (file != null ? ", file=" + file : "") + "]";
    }
}
