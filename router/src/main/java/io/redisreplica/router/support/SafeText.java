package io.redisreplica.router.support;

/** Client-supplied text made safe to put in an error reply or a log line: no CR, LF or other control bytes, bounded. */
public final class SafeText {
    static final int MAX_LENGTH = 64;

    private SafeText() {
    }

    /** Printable ASCII kept, anything else as '?', cut at {@value #MAX_LENGTH} characters with "...". */
    public static String of(String text) {
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
