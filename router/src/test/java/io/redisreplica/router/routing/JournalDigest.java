package io.redisreplica.router.routing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.config.RouterConfig;

/**
 * A seeded stream of master commands of every routing path (split, MULTI/EXEC, SELECT, cross-shard
 * moves and stores, scripts, FLUSHDB, SWAPDB, relative TTLs, values the rules edit) routed to three
 * shards, and the SHA-256 of everything the router hands the journal: each entry's shard, db, read
 * flag and bytes, each command's outcome and any error. Now and then the journal refuses an entry
 * (a replay), so the SELECT-again paths run too. The master's reads answer with seeded values at
 * offsets past the command, so skip windows open and close.
 */
final class JournalDigest {
    static final long NOW = 1_000_000L;

    final RouterConfig config;
    final MasterReader master;
    final ShardAppender appender;
    private final MessageDigest digest;
    private long appends;
    private long offset;

    JournalDigest(String extraConfig) {
        config = io.redisreplica.router.config.ConfigParser.parse("shard a 127.0.0.1:1 regex=^[ab]\nshard b 127.0.0.1:2 regex=^c\nshard d 127.0.0.1:3 regex=^zz\n"
            + extraConfig, "digest");
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        appender = (shard, db, read, bytes, off, len) -> {
            digest.update((byte) shard);
            digest.update((byte) db);
            digest.update((byte) (read ? 1 : 0));
            final byte[] b = new byte[len];
            bytes.getBytes(off, b);
            digest.update(b);
            return ++appends % 11 != 0;
        };
        final Random values = new Random(7);
        master = new MasterReader() {
            @Override
            public Read read(int[] dbs, byte[][] keys, boolean strings) {
                final byte[][] dumps = new byte[keys.length][];
                final long[] pttls = new long[keys.length];
                final byte[][] decoded = new byte[keys.length][];
                for (int i = 0; i < keys.length; i++) {
                    final int k = values.nextInt(4);
                    dumps[i] = k == 0 ? null : new byte[] {0, 'v', (byte) values.nextInt(100)};
                    pttls[i] = k == 0 ? -2 : k == 1 ? 5000 : -1;
                    decoded[i] = strings && k > 0 ? (k == 3 ? "drop-me" : "val" + values.nextInt(10)).getBytes(StandardCharsets.UTF_8) : null;
                }
                return new Read(offset + values.nextInt(3000), dumps, pttls, decoded, NOW);
            }

            @Override
            public int databases() {
                return 4;
            }

            @Override
            public void close() {
            }
        };
    }

    /** Routes {@code count} commands made from {@code seed}; returns the digest, in hex, and what the router counted. */
    String run(CommandRouter router, long seed, int count) {
        final ExpandableArrayBuffer stream = new ExpandableArrayBuffer(1 << 20);
        final RespWriter w = new RespWriter().wrap(stream, 0);
        final Random r = new Random(seed);
        boolean multi = false;
        for (int i = 0; i < count || multi; i++) {
            final int p = i < count ? r.nextInt(40) : 1;
            multi ^= p == 1;
            w.command(command(r, p, !multi));
        }
        final int end = w.position();
        final CommandFramer framer = new CommandFramer();
        int at = 0;
        int n;
        while ((n = framer.frame(stream, at, end - at)) > 0) {
            final Command c = framer.command();
            offset = c.streamOffset() + c.length();
            try {
                digest.update((byte) router.route(c).ordinal());
            } catch (RuntimeException e) {
                digest.update(String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
            }
            at += n;
        }
        router.publishCounts(); // the whole stream as one read
        final StringBuilder hex = new StringBuilder();
        for (byte b : digest.digest()) {
            hex.append(String.format("%02x", b));
        }
        return hex + " routed=" + router.routed() + " crossShard=" + router.crossShard() + " translated=" + router.translated()
            + " translatedKeys=" + router.translatedKeys() + " readSkipped=" + router.readSkipped() + " filtered=" + router.filtered()
            + " unclaimed=" + router.unclaimed() + " unknown=" + router.unknown() + " stableOffset=" + router.stableOffset();
    }

    private static String[] command(Random r, int p, boolean exec) {
        final String k = key(r);
        final String k2 = key(r);
        final String k3 = key(r);
        final String v = r.nextInt(10) == 0 ? "drop-me" : "v" + r.nextInt(1000);
        return switch (p) {
            case 0 -> new String[] {"SELECT", String.valueOf(r.nextInt(4))};
            case 1 -> new String[] {exec ? "EXEC" : "MULTI"};
            case 2 -> new String[] {"DEL", k, k2, k3};
            case 3 -> new String[] {"MSET", k, v, k2, v + "x", k3, "drop-me"};
            case 4 -> new String[] {"MSETNX", k, v, k2, v};
            case 5 -> new String[] {"RENAME", k, k2};
            case 6 -> new String[] {"SET", k, v, "EX", "100"};
            case 7 -> new String[] {"EXPIRE", k, "50"};
            case 8 -> new String[] {"HSET", k, "f", v, "g", "drop-me"};
            case 9 -> new String[] {"RPUSH", k, v, "drop-me"};
            case 10 -> new String[] {"ZADD", k, "1", v};
            case 11 -> new String[] {"SADD", k, v};
            case 12 -> new String[] {"SMOVE", k, k2, v};
            case 13 -> new String[] {"LMOVE", k, k2, r.nextBoolean() ? "LEFT" : "RIGHT", "RIGHT"};
            case 14 -> new String[] {"SUNIONSTORE", k, k2, k3};
            case 15 -> new String[] {"COPY", k, k2, "DB", String.valueOf(r.nextInt(4))};
            case 16 -> new String[] {"EVAL", "redis.call('SELECT', 1); redis.call('SET', KEYS[1], 1)", "2", k, k2};
            case 17 -> new String[] {"FLUSHDB"};
            case 18 -> new String[] {"SWAPDB", "0", "1"};
            case 19 -> new String[] {"PING"};
            case 20 -> new String[] {"REPLCONF", "GETACK", "*"};
            case 21 -> new String[] {"MOVE", k, String.valueOf(r.nextInt(4))};
            case 22 -> new String[] {"INCR", k};
            case 23 -> new String[] {"SORT", k, "BY", "w*", "STORE", k2};
            case 24 -> new String[] {"SETEX", k, "100", v};
            case 25 -> new String[] {"UNLINK", k, k2};
            case 26 -> new String[] {"RPOPLPUSH", k, k2};
            case 27 -> new String[] {"EVAL", "return 1", "0"};
            default -> new String[] {"SET", k, v};
        };
    }

    /** Keys of shard a (a:, b:), shard b (c:) and none (d:). */
    private static String key(Random r) {
        return (char) ('a' + r.nextInt(4)) + ":" + r.nextInt(30);
    }
}
