package io.redisreplica.router.routing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Claims keys a Java regex finds a match in, as the original one-regex-per-proxy tool did
 * ({@code ^a.*}). Keys are seen as Latin-1 characters (one char per byte), so any byte pattern
 * can be written; the matcher and the key view are reused, one set per thread.
 */
public final class RegexMatcher implements KeyMatcher {
    private final Pattern pattern;
    private final ThreadLocal<State> state;

    public RegexMatcher(Pattern pattern) {
        this.pattern = pattern;
        this.state = ThreadLocal.withInitial(() -> new State(pattern));
    }

    private static final class State {
        final ByteChars chars = new ByteChars();
        final Matcher matcher;

        State(Pattern pattern) {
            this.matcher = pattern.matcher("");
        }
    }

    @Override
    public boolean matches(byte[] key, int offset, int length) {
        final State s = state.get();
        s.chars.wrap(key, offset, length);
        return s.matcher.reset(s.chars).find();
    }

    @Override
    public String describe() {
        return "regex=" + pattern.pattern();
    }

    /** A byte range seen as Latin-1 characters, without copying. */
    static final class ByteChars implements CharSequence {
        private byte[] bytes;
        private int offset;
        private int length;

        ByteChars wrap(byte[] value, int from, int len) {
            this.bytes = value;
            this.offset = from;
            this.length = len;
            return this;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            return (char) (bytes[offset + index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new ByteChars().wrap(bytes, offset + start, end - start);
        }

        @Override
        public String toString() {
            return new String(bytes, offset, length, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
