package io.redisreplica.router.routing;

import io.redisreplica.resp.Command;

/**
 * Where a command's keys are: the argument index of each, from its {@link CommandSpec} (Redis's
 * firstkey/lastkey/step triple, a numkeys argument, or a keyword search: SORT ... STORE,
 * GEORADIUS ... STORE/STOREDIST, XREADGROUP ... STREAMS). One place for the router, which maps
 * keys to shards, and the tools, which map them to cluster slots. No limit on the count.
 */
public final class KeyPositions {
    /** The numkeys argument of an EVAL-like command is not a number. */
    public static final int BAD_NUMKEYS = -1;
    /** An EVAL-like command with numkeys 0 and no fixed key: nothing says where it belongs. */
    public static final int NO_KEYS_DECLARED = -2;

    private static final byte[] STORE = ascii("STORE");
    private static final byte[] STOREDIST = ascii("STOREDIST");
    private static final byte[] STREAMS = ascii("STREAMS");
    private static final byte[] BY = ascii("BY");
    private static final byte[] GET = ascii("GET");
    private static final byte[] LIMIT = ascii("LIMIT");

    private KeyPositions() {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Fills {@code keys} with the argument index of each key of {@code c}, in order.
     *
     * @return how many keys, or {@link #BAD_NUMKEYS} / {@link #NO_KEYS_DECLARED}
     */
    public static int of(Command c, CommandSpec spec, KeyArgs keys) {
        keys.clear();
        final int argc = c.argCount();
        if (spec.search() == CommandSpec.Search.KEY_SPECS) {
            final java.util.List<KeySpec> specs = spec.keySpecs();
            for (int i = 0; i < specs.size(); i++) {
                specs.get(i).collect(c, keys, i > 0); // a later spec may find a key an earlier one found
            }
            return keys.count();
        }
        if (spec.kind() != CommandSpec.Kind.NUMKEYS) {
            final int last = spec.lastKey() < 0 ? argc + spec.lastKey() : Math.min(spec.lastKey(), argc - 1);
            collect(c, spec.firstKey(), last, spec.step(), keys);
            switch (spec.search()) {
                case STORE_KEYWORD -> storeKeyword(c, spec.searchFrom(), keys);
                case SORT -> sortStore(c, keys);
                case STREAMS -> streams(c, spec.searchFrom(), keys);
                default -> {
                }
            }
            return keys.count();
        }
        final long numKeys;
        try {
            numKeys = c.argLong(spec.numKeysAt());
        } catch (NumberFormatException e) {
            return BAD_NUMKEYS;
        }
        if (spec.firstKey() > 0) {
            collect(c, spec.firstKey(), spec.firstKey(), 1, keys);
        }
        if (numKeys > 0) {
            collect(c, spec.numKeysAt() + 1, (int) Math.min(argc - 1, spec.numKeysAt() + numKeys), 1, keys);
        }
        return keys.count() == 0 ? NO_KEYS_DECLARED : keys.count();
    }

    private static void collect(Command c, int first, int last, int step, KeyArgs keys) {
        for (int arg = first; arg <= last && arg < c.argCount() && arg > 0; arg += step) {
            keys.add(arg);
        }
    }

    /** GEORADIUS key lon lat radius unit ... [STORE key] [STOREDIST key]: both may be given, the last wins in Redis. */
    private static void storeKeyword(Command c, int from, KeyArgs keys) {
        for (int arg = from; arg < c.argCount() - 1; arg++) {
            if (c.argEqualsIgnoreCase(arg, STORE) || c.argEqualsIgnoreCase(arg, STOREDIST)) {
                keys.add(++arg);
            }
        }
    }

    /** SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination]. */
    private static void sortStore(Command c, KeyArgs keys) {
        for (int arg = 2; arg < c.argCount(); arg++) {
            if (c.argEqualsIgnoreCase(arg, LIMIT)) {
                arg += 2;
            } else if (c.argEqualsIgnoreCase(arg, BY) || c.argEqualsIgnoreCase(arg, GET)) {
                arg++;
            } else if (c.argEqualsIgnoreCase(arg, STORE) && arg + 1 < c.argCount()) {
                keys.add(++arg);
            }
        }
    }

    /** XREAD/XREADGROUP ... STREAMS key [key ...] id [id ...]. */
    private static void streams(Command c, int from, KeyArgs keys) {
        for (int arg = from; arg < c.argCount(); arg++) {
            if (c.argEqualsIgnoreCase(arg, STREAMS)) {
                final int n = (c.argCount() - arg - 1) / 2;
                for (int k = 1; k <= n; k++) {
                    keys.add(arg + k);
                }
                return;
            }
        }
    }
}
