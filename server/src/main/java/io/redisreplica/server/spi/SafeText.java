package io.redisreplica.server.spi;

/** Client-supplied text made safe for an error reply or a log line: printable ASCII only, bounded. */
public final class SafeText {
    public static final int MAX_LENGTH = 64;

    private SafeText() {
    }

    public static String of(String text) {
        return of(text, MAX_LENGTH);
    }

    /** Cut at {@code max} characters: for our own messages that quote a bounded part of the client's bytes. */
    public static String of(String text, int max) {
        final int n = Math.min(text.length(), max);
        final StringBuilder sb = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            final char c = text.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (text.length() > max) {
            sb.append("...");
        }
        return sb.toString();
    }
}
