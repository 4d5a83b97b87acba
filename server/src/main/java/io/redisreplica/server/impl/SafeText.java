package io.redisreplica.server.impl;

/** Client-supplied text made safe for an error reply or a log line: printable ASCII only, bounded. */
final class SafeText {
    static final int MAX_LENGTH = 64;

    private SafeText() {
    }

    static String of(String text) {
        final int n = Math.min(text.length(), MAX_LENGTH);
        final StringBuilder sb = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            final char c = text.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (text.length() > MAX_LENGTH) {
            sb.append("...");
        }
        return sb.toString();
    }
}
