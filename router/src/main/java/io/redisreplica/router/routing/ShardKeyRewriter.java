package io.redisreplica.router.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.redisreplica.rdb.KeyRewriter;

/**
 * A shard's key rewriting, its config's {@code rewrite} lines applied in order: {@code
 * strip-prefix=P} (keys without it pass unchanged), {@code add-prefix=P}, {@code regex=R
 * replace=S} (Java's {@code $1} groups; the first match anywhere in the key is replaced, so anchor
 * R). Prefix steps work on bytes and allocate nothing; a regex step reads the key as ISO-8859-1,
 * one char per byte, so binary keys come out byte for byte and ASCII patterns match UTF-8 keys,
 * with a reused matcher (a replacement with groups still allocates a little inside the JDK).
 * One instance per thread: the result lives in {@link #bytes()} until the next call.
 */
public final class ShardKeyRewriter implements KeyRewriter {
    /** One rewrite step, as the config names it. */
    public sealed interface Step permits StripPrefix, AddPrefix, Replace {
    }

    public record StripPrefix(byte[] prefix) implements Step {
    }

    public record AddPrefix(byte[] prefix) implements Step {
    }

    public record Replace(Pattern regex, String replacement) implements Step {
    }

    private final List<Step> steps;
    /** Per step, its reused matcher (null for prefix steps): a regex step allocates nothing when it does not match. */
    private final Matcher[] matchers;
    private final RegexMatcher.ByteChars chars = new RegexMatcher.ByteChars();
    private final StringBuilder replaced = new StringBuilder(256);
    private byte[] out = new byte[256];
    private byte[] spare = new byte[256];

    public ShardKeyRewriter(List<Step> steps) {
        this.steps = List.copyOf(steps);
        this.matchers = new Matcher[this.steps.size()];
        for (int i = 0; i < matchers.length; i++) {
            if (this.steps.get(i) instanceof Replace r) {
                matchers[i] = r.regex().matcher("");
            }
        }
    }

    /** Parses one {@code rewrite} rule: strip-prefix=P, add-prefix=P or regex=R replace=S. */
    public static Step parse(String rule) {
        if (rule.startsWith("strip-prefix=")) {
            return new StripPrefix(bytes(rule.substring("strip-prefix=".length())));
        }
        if (rule.startsWith("add-prefix=")) {
            return new AddPrefix(bytes(rule.substring("add-prefix=".length())));
        }
        if (rule.startsWith("regex=")) {
            final int replace = rule.lastIndexOf(" replace=");
            if (replace < 0) {
                throw new IllegalArgumentException("regex=R needs replace=S after it");
            }
            final Pattern regex = Pattern.compile(rule.substring("regex=".length(), replace), Pattern.DOTALL);
            final String replacement = rule.substring(replace + " replace=".length());
            checkGroups(regex, replacement);
            return new Replace(regex, replacement);
        }
        throw new IllegalArgumentException("expected strip-prefix=P, add-prefix=P or regex=R replace=S, got '" + rule + "'");
    }

    /** A {@code $n} past the regex's groups fails at load, not on the first key that matches. */
    private static void checkGroups(Pattern regex, String replacement) {
        final int groups = regex.matcher("").groupCount();
        for (int i = 0; i < replacement.length(); i++) {
            final char c = replacement.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '$' && i + 1 < replacement.length() && Character.isDigit(replacement.charAt(i + 1))) {
                final int group = replacement.charAt(i + 1) - '0';
                if (group > groups) {
                    throw new IllegalArgumentException("replace=" + replacement + " refers to group $" + group + ", but regex "
                        + regex.pattern() + " has " + groups);
                }
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int rewrite(byte[] key, int offset, int length) {
        out = ensure(out, length);
        System.arraycopy(key, offset, out, 0, length);
        int len = length;
        for (int i = 0; i < steps.size(); i++) {
            final Step step = steps.get(i);
            if (step instanceof StripPrefix s) {
                if (startsWith(out, len, s.prefix())) {
                    System.arraycopy(out, s.prefix().length, out, 0, len - s.prefix().length);
                    len -= s.prefix().length;
                }
            } else if (step instanceof AddPrefix a) {
                spare = ensure(spare, a.prefix().length + len);
                System.arraycopy(a.prefix(), 0, spare, 0, a.prefix().length);
                System.arraycopy(out, 0, spare, a.prefix().length, len);
                len += a.prefix().length;
                swap();
            } else {
                final Matcher m = matchers[i].reset(chars.wrap(out, 0, len));
                if (m.find()) {
                    replaced.setLength(0);
                    m.appendReplacement(replaced, ((Replace) step).replacement());
                    m.appendTail(replaced);
                    len = latin1(replaced);
                }
            }
        }
        return len;
    }

    @Override
    public byte[] bytes() {
        return out;
    }

    /** Writes {@code text} (one char per byte, as read) into {@code out} by way of {@code spare}; returns its length. */
    private int latin1(CharSequence text) {
        spare = ensure(spare, text.length());
        for (int i = 0; i < text.length(); i++) {
            spare[i] = (byte) text.charAt(i);
        }
        swap();
        return text.length();
    }

    private void swap() {
        final byte[] t = out;
        out = spare;
        spare = t;
    }

    private static boolean startsWith(byte[] key, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ensure(byte[] b, int length) {
        return b.length >= length ? b : java.util.Arrays.copyOf(b, Math.max(length, b.length * 2));
    }

    /** The rules, for INFO and messages. */
    public String describe() {
        final List<String> parts = new ArrayList<>();
        for (Step step : steps) {
            if (step instanceof StripPrefix s) {
                parts.add("strip-prefix=" + new String(s.prefix(), StandardCharsets.UTF_8));
            } else if (step instanceof AddPrefix a) {
                parts.add("add-prefix=" + new String(a.prefix(), StandardCharsets.UTF_8));
            } else {
                final Replace r = (Replace) step;
                parts.add("regex=" + r.regex().pattern() + " replace=" + r.replacement());
            }
        }
        return String.join(", ", parts);
    }
}
