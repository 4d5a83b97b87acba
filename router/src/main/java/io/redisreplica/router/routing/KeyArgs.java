package io.redisreplica.router.routing;

import java.util.Arrays;

/**
 * The argument indexes of a command's keys, in order: a reused, growing array, so a DEL of a
 * million keys routes like a DEL of one (Redis sets no limit on the keys of a command).
 */
public final class KeyArgs {
    private int[] args = new int[64];
    private int count;

    public KeyArgs clear() {
        count = 0;
        return this;
    }

    public void add(int arg) {
        if (count == args.length) {
            args = Arrays.copyOf(args, args.length * 2);
        }
        args[count++] = arg;
    }

    /** How many keys. */
    public int count() {
        return count;
    }

    /** The argument index of key {@code i}. */
    public int arg(int i) {
        return args[i];
    }

    /** Whether argument {@code arg} is one of the keys. */
    public boolean contains(int arg) {
        for (int i = 0; i < count; i++) {
            if (args[i] == arg) {
                return true;
            }
        }
        return false;
    }
}
