package io.redisreplica.router;

import io.redisreplica.resp.Command;

/**
 * Where a command's keys are: the argument index of each, from its {@link CommandSpec} (Redis's
 * firstkey/lastkey/step triple, or a numkeys argument). One place for the router, which maps keys
 * to shards, and the replay tool, which maps them to cluster slots.
 */
public final class KeyPositions {
    /** The numkeys argument of an EVAL-like command is not a number. */
    public static final int BAD_NUMKEYS = -1;
    /** An EVAL-like command with numkeys 0 and no fixed key: nothing says where it belongs. */
    public static final int NO_KEYS_DECLARED = -2;

    private KeyPositions() {
    }

    /**
     * Fills {@code args} with the argument index of each key of {@code c}, in order.
     *
     * @return how many keys, or {@link #BAD_NUMKEYS} / {@link #NO_KEYS_DECLARED}
     * @throws RouterException when the command has more keys than {@code args} holds
     */
    public static int of(Command c, CommandSpec spec, int[] args) {
        final int argc = c.argCount();
        if (spec.kind() != CommandSpec.Kind.NUMKEYS) {
            final int last = spec.lastKey() < 0 ? argc + spec.lastKey() : Math.min(spec.lastKey(), argc - 1);
            return collect(c, spec.firstKey(), last, spec.step(), args, 0);
        }
        final long numKeys;
        try {
            numKeys = c.argLong(spec.numKeysAt());
        } catch (NumberFormatException e) {
            return BAD_NUMKEYS;
        }
        int n = spec.firstKey() > 0 ? collect(c, spec.firstKey(), spec.firstKey(), 1, args, 0) : 0;
        if (numKeys > 0) {
            n = collect(c, spec.numKeysAt() + 1, (int) Math.min(argc - 1, spec.numKeysAt() + numKeys), 1, args, n);
        }
        return n == 0 ? NO_KEYS_DECLARED : n;
    }

    private static int collect(Command c, int first, int last, int step, int[] args, int n) {
        for (int arg = first; arg <= last && arg < c.argCount(); arg += step) {
            if (n == args.length) {
                throw new RouterException("command with more than " + args.length + " keys: " + c);
            }
            args[n++] = arg;
        }
        return n;
    }
}
