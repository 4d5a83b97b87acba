package io.redisreplica.router.routing;

import io.redisreplica.resp.Command;

/**
 * The keys of the master command being routed and each key's shard: reused arrays that grow
 * with the largest command, so a DEL of a million keys routes like a DEL of one. Shared by the
 * router and its translator; a command routed from inside another (a translation's source
 * effect, a restore) overwrites them, and the outer command reads what it left, as it always has.
 */
final class CommandKeys {
    /** The argument index of each key. */
    final KeyArgs args = new KeyArgs();
    private int[] shards = new int[64];
    private byte[] keyBuffer = new byte[256];

    /** Makes room for the shards of {@code n} keys. */
    void ensure(int n) {
        if (shards.length < n) {
            shards = new int[Math.max(n, shards.length * 2)];
        }
    }

    /** The shard of key {@code i} (negative: no shard claims it; {@link Integer#MIN_VALUE}: held by a read). */
    int shard(int i) {
        return shards[i];
    }

    void shard(int i, int value) {
        shards[i] = value;
    }

    /** The bytes of argument {@code arg} in a reused array (the shard map and the rewriters read byte[]). */
    byte[] bytes(Command c, int arg) {
        final int len = c.argLength(arg);
        if (keyBuffer.length < len) {
            keyBuffer = new byte[Math.max(len, keyBuffer.length * 2)];
        }
        c.buffer().getBytes(c.argOffset(arg), keyBuffer, 0, len);
        return keyBuffer;
    }
}
