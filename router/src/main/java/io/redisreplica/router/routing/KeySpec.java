package io.redisreplica.router.routing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import io.redisreplica.resp.Command;

/**
 * One key specification of a Redis 7 command ({@code COMMAND INFO}, element 8): where the search
 * for its keys begins (a fixed index, or the argument after a keyword searched from
 * {@code startfrom}, backwards when negative) and how the keys are found from there (a range, or
 * a count argument). A command of a module or of a newer Redis that the built-in table does not
 * know routes by these, exactly as the master finds its keys ({@code getKeysUsingKeySpecs} in
 * Redis's db.c).
 *
 * @param index the first key's argument for an index search, 0 for a keyword search, -1 for a
 *     search of a type this router does not know (then {@code incomplete})
 * @param keyword the upper-case keyword for a keyword search, or null
 * @param startFrom where a keyword search starts: positive from the start, negative from the end
 * @param find how the keys follow the search's result
 * @param incomplete the master says these specs may not find every key ({@code incomplete} flag):
 *     only the master itself can say which ({@code COMMAND GETKEYS})
 */
public record KeySpec(int index, byte[] keyword, int startFrom, Find find, boolean incomplete) {
    /** How the keys follow the begin search's result. */
    public sealed interface Find permits Range, KeyNum {
    }

    /**
     * Keys from the begin search to {@code lastKey} (relative to it when 0 or more; from the end
     * when negative, or, with {@code limit}, a 1/limit share of what follows), every {@code keyStep}.
     */
    public record Range(int lastKey, int keyStep, int limit) implements Find {
    }

    /** A count at {@code keyNumIdx} (relative to the search's result), keys from {@code firstKey} after it, every {@code keyStep}. */
    public record KeyNum(int keyNumIdx, int firstKey, int keyStep) implements Find {
    }

    /**
     * Adds the argument index of each key this spec finds in {@code c} to {@code keys} (skipping
     * ones already there when {@code dedupe}): nothing when the spec does not apply to this
     * invocation (keyword absent, count not a number), as the master itself would find.
     */
    void collect(Command c, KeyArgs keys, boolean dedupe) {
        final int argc = c.argCount();
        int first = 0;
        if (keyword == null) {
            if (index < 1) {
                return; // a search this router does not know: marked incomplete, the master's GETKEYS finds them
            }
            first = index;
        } else {
            final int start = startFrom > 0 ? startFrom : argc + startFrom;
            final int end = startFrom > 0 ? argc - 1 : 0;
            for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
                if (i >= argc || i < 1) {
                    break;
                }
                if (c.argEqualsIgnoreCase(i, keyword)) {
                    first = i + 1;
                    break;
                }
            }
            if (first == 0) {
                return; // keyword not given
            }
        }
        final int last;
        final int step;
        if (find instanceof Range r) {
            step = r.keyStep();
            if (r.lastKey() >= 0) {
                last = first + r.lastKey();
            } else if (r.limit() == 0) {
                last = argc + r.lastKey();
            } else {
                last = first + ((argc - first) / r.limit() + r.lastKey());
            }
        } else {
            final KeyNum k = (KeyNum) find;
            step = k.keyStep();
            if (k.keyNumIdx() >= argc - first) {
                return;
            }
            final long numKeys;
            try {
                numKeys = c.argLong(first + k.keyNumIdx());
            } catch (NumberFormatException e) {
                return;
            }
            if (numKeys < 0) {
                return;
            }
            first += k.firstKey();
            last = (int) Math.min(Integer.MAX_VALUE, first + numKeys - 1);
        }
        if (last >= argc || last < first || first >= argc || step < 1) {
            return; // out of bounds: the master would have refused the command
        }
        for (int i = first; i <= last; i += step) {
            if (!dedupe || !keys.contains(i)) {
                keys.add(i);
            }
        }
    }

    /**
     * A key spec from its RESP2 form in {@code COMMAND}'s reply: a flat list of names and values
     * ({@code flags [...] begin_search [type index spec [index 1]] find_keys [type range spec
     * [lastkey 0 keystep 1 limit 0]]}).
     *
     * @return the spec, or null for one this router cannot evaluate (an unknown search type), or
     *     one that names no key ({@code not_key})
     * @throws IllegalArgumentException when the reply is not shaped as Redis documents it
     */
    public static KeySpec parse(List<?> fields) {
        final List<?> flags = list(field(fields, "flags"));
        boolean incomplete = false;
        for (Object f : flags) {
            final String flag = String.valueOf(f).toLowerCase(Locale.ROOT);
            if (flag.equals("not_key")) {
                return null;
            }
            incomplete |= flag.equals("incomplete");
        }
        final List<?> begin = list(field(fields, "begin_search"));
        final List<?> beginSpec = list(field(begin, "spec"));
        final String beginType = String.valueOf(field(begin, "type"));
        final List<?> find = list(field(fields, "find_keys"));
        final List<?> findSpec = list(field(find, "spec"));
        final Find how = switch (String.valueOf(field(find, "type"))) {
            case "range" -> new Range(integer(findSpec, "lastkey"), integer(findSpec, "keystep"), integer(findSpec, "limit"));
            case "keynum" -> new KeyNum(integer(findSpec, "keynumidx"), integer(findSpec, "firstkey"), integer(findSpec, "keystep"));
            default -> null;
        };
        if (how == null) {
            return new KeySpec(-1, null, 0, new Range(0, 1, 0), true); // "unknown": only the master's GETKEYS knows
        }
        return switch (beginType) {
            case "index" -> new KeySpec(integer(beginSpec, "index"), null, 0, how, incomplete);
            case "keyword" -> new KeySpec(0,
                String.valueOf(field(beginSpec, "keyword")).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8),
                integer(beginSpec, "startfrom"), how, incomplete);
            default -> new KeySpec(-1, null, 0, how, true);
        };
    }

    private static Object field(List<?> fields, String name) {
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (name.equalsIgnoreCase(String.valueOf(fields.get(i)))) {
                return fields.get(i + 1);
            }
        }
        throw new IllegalArgumentException("key spec without " + name + ": " + fields);
    }

    private static List<?> list(Object value) {
        if (value instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException("key spec field is not a list: " + value);
    }

    private static int integer(List<?> fields, String name) {
        final Object v = field(fields, name);
        if (v instanceof Long l) {
            return l.intValue();
        }
        throw new IllegalArgumentException("key spec field " + name + " is not an integer: " + v);
    }

    @Override
    public String toString() {
        return (keyword == null ? "index " + index : "keyword " + new String(keyword, StandardCharsets.UTF_8) + " from " + startFrom)
            + " " + find + (incomplete ? " incomplete" : "");
    }
}
