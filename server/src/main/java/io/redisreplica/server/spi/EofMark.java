package io.redisreplica.server.spi;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The mark of a diskless transfer ({@code $EOF:<40 bytes>}): the replica reads the RDB until it
 * sees these 40 characters again. Random hex, as Redis's {@code getRandomHexChars} makes it.
 */
public final class EofMark {
    /** Characters in a mark (Redis's {@code RDB_EOF_MARK_SIZE}). */
    public static final int LENGTH = 40;
    private static final SecureRandom RANDOM = new SecureRandom();

    private EofMark() {
    }

    /**
     * A new mark. From the seeded generator's {@code nextBytes}, never {@code generateSeed}, which
     * reads /dev/random and can block on a fresh machine's low entropy after +FULLRESYNC was written.
     */
    public static String next() {
        final byte[] b = new byte[LENGTH / 2];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
