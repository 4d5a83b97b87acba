package io.redisreplica.router.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The config's sizes and durations, written as Redis writes them ({@code 64mb}, {@code 30s}). */
public final class Units {
    private static final Pattern SIZE = Pattern.compile("(\\d+)(b|kb|mb|gb|tb)?");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Units() {
    }

    /**
     * {@code 123}, {@code 512kb}, {@code 64mb}, {@code 10gb}, {@code 2tb}: binary units; a size
     * that does not fit in a long is an error, not a wrapped number.
     *
     * @param where prefixes the error message (file and line), may be empty
     */
    public static long bytes(String text, String where) {
        final Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigException(where + "bad size '" + text + "' (expected a number with b, kb, mb, gb or tb)");
        }
        final String unit = m.group(2) == null ? "b" : m.group(2);
        final int shift = switch (unit) {
            case "kb" -> 10;
            case "mb" -> 20;
            case "gb" -> 30;
            case "tb" -> 40;
            default -> 0;
        };
        final long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw tooLarge(text, where, shift, unit);
        }
        if (n > Long.MAX_VALUE >> shift) {
            throw tooLarge(text, where, shift, unit);
        }
        return n << shift;
    }

    private static ConfigException tooLarge(String text, String where, int shift, String unit) {
        return new ConfigException(where + "size '" + text + "' is too large (at most " + (Long.MAX_VALUE >> shift) + unit + ")");
    }

    /**
     * {@code 500ms}, {@code 45s}, {@code 30m}, {@code 12h}, {@code 7d}: the config's durations, also
     * what the tools take for "that long ago". Positive, and small enough to count in milliseconds.
     *
     * @param where prefixes the error message (file and line), may be empty
     */
    public static Duration duration(String text, String where) {
        final Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches() || m.group(1).matches("0+")) {
            throw new ConfigException(where + "bad duration '" + text + "' (expected a positive number with ms, s, m, h or d)");
        }
        try {
            final long n = Long.parseLong(m.group(1));
            final Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            d.toMillis(); // durations are used in milliseconds: this one must fit
            return d;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(where + "duration '" + text + "' is too large (at most " + Long.MAX_VALUE / 86_400_000L + "d)");
        }
    }

    /**
     * A count of at least 1.
     *
     * @param what names the value in the error ({@code maxclients}, {@code sink s: batch})
     */
    static int positiveInt(String text, String where, String what) {
        try {
            final int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is wrong
        }
        throw new ConfigException(where + what + " '" + text + "' is not a positive whole number");
    }
}
