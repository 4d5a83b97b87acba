package io.redisreplica.router.routing;

import java.nio.charset.StandardCharsets;

import org.agrona.MutableDirectBuffer;

import io.redisreplica.resp.Command;
import io.redisreplica.resp.RespWriter;

/**
 * Rewrites a relative time to live as an absolute one, as Redis 7 masters already propagate it:
 * a replica that attaches to a shard later, or replays its journal, must expire the key when the
 * master does, not that many seconds after it read the command. Masters 2.8 to 6.2 send
 * EXPIRE/PEXPIRE/SETEX/PSETEX/SET EX|PX/GETEX EX|PX/RESTORE ttl as they were called.
 *
 * <ul>
 *   <li>{@code EXPIRE k s [opt]}, {@code PEXPIRE k ms [opt]} become {@code PEXPIREAT k when [opt]}
 *   <li>{@code SETEX k s v}, {@code PSETEX k ms v}, {@code SET k v EX s|PX ms ...} become
 *       {@code SET k v} and {@code PEXPIREAT k when}: PXAT needs a 6.2 replica, PEXPIREAT any
 *   <li>{@code GETEX k EX s|PX ms} becomes {@code PEXPIREAT k when}
 *   <li>{@code RESTORE k ttl v ...} without ABSTTL becomes {@code RESTORE k 0 v ...} and {@code PEXPIREAT k when}
 * </ul>
 *
 * "when" is the router's clock as the command is routed plus the relative time: the master's own
 * clock at execution is not in the stream, so a router behind the master by some seconds (a
 * backlog replayed after a restart) expires such keys that much later.
 */
final class AbsoluteTtl {
    private static final byte[] EXPIRE = ascii("EXPIRE");
    private static final byte[] PEXPIRE = ascii("PEXPIRE");
    private static final byte[] SETEX = ascii("SETEX");
    private static final byte[] PSETEX = ascii("PSETEX");
    private static final byte[] SET = ascii("SET");
    private static final byte[] GETEX = ascii("GETEX");
    private static final byte[] RESTORE = ascii("RESTORE");
    private static final byte[] EX = ascii("EX");
    private static final byte[] PX = ascii("PX");
    private static final byte[] NX = ascii("NX");
    private static final byte[] XX = ascii("XX");
    private static final byte[] GET = ascii("GET");
    private static final byte[] ABSTTL = ascii("ABSTTL");

    private final RespWriter writer = new RespWriter();

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Writes the absolute form of {@code c} into {@code out} from 0.
     *
     * @return the end of what was written, or 0 when {@code c} has no relative time to live
     */
    int convert(Command c, java.util.function.LongSupplier clock, MutableDirectBuffer out) {
        final int argc = c.argCount();
        if (argc < 3 || argc > 64) {
            return 0; // every form below has a key and a time; longer ones are none of them
        }
        final int nameLength = c.argLength(0);
        if (nameLength < 3 || nameLength > 7 || nameLength == 4 || nameLength == 3 && argc < 5) {
            return 0; // SET (with EX/PX: 5 arguments at least), SETEX, GETEX, EXPIRE, PSETEX, PEXPIRE, RESTORE only
        }
        final long nowMillis;
        try {
            if (!c.nameIs(EXPIRE) && !c.nameIs(PEXPIRE) && !c.nameIs(SETEX) && !c.nameIs(PSETEX) && !c.nameIs(SET)
                && !c.nameIs(GETEX) && !c.nameIs(RESTORE)) {
                return 0;
            }
            nowMillis = clock.getAsLong();
            if (c.nameIs(EXPIRE) || c.nameIs(PEXPIRE)) {
                final long when = nowMillis + (c.nameIs(EXPIRE) ? c.argLong(2) * 1000 : c.argLong(2));
                writer.wrap(out, 0).arrayHeader(argc).bulk("PEXPIREAT");
                arg(c, 1).bulk(when);
                for (int a = 3; a < argc; a++) {
                    arg(c, a);
                }
                return writer.position();
            }
            if ((c.nameIs(SETEX) || c.nameIs(PSETEX)) && argc == 4) {
                final long when = nowMillis + (c.nameIs(SETEX) ? c.argLong(2) * 1000 : c.argLong(2));
                writer.wrap(out, 0).arrayHeader(3).bulk("SET");
                arg(c, 1);
                arg(c, 3);
                return expireAt(c, when);
            }
            if (c.nameIs(SET)) {
                return set(c, nowMillis, out);
            }
            if (c.nameIs(GETEX)) {
                for (int a = 2; a + 1 < argc; a++) {
                    if (c.argEqualsIgnoreCase(a, EX) || c.argEqualsIgnoreCase(a, PX)) {
                        final long when = nowMillis + (c.argEqualsIgnoreCase(a, EX) ? c.argLong(a + 1) * 1000 : c.argLong(a + 1));
                        writer.wrap(out, 0);
                        return expireAt(c, when);
                    }
                }
                return 0;
            }
            if (c.nameIs(RESTORE) && argc >= 4) {
                return restore(c, nowMillis, out);
            }
        } catch (NumberFormatException e) {
            return 0; // the master would not have propagated it: let it pass as it is
        }
        return 0;
    }

    /** SET k v [EX s|PX ms] [NX|XX] [GET] ...: the master set it, so NX/XX/GET go; EX/PX become PEXPIREAT. */
    private int set(Command c, long nowMillis, MutableDirectBuffer out) {
        final int argc = c.argCount();
        int relativeAt = -1;
        for (int a = 3; a + 1 < argc; a++) {
            if (c.argEqualsIgnoreCase(a, EX) || c.argEqualsIgnoreCase(a, PX)) {
                relativeAt = a;
                break;
            }
        }
        if (relativeAt < 0) {
            return 0;
        }
        final long when = nowMillis + (c.argEqualsIgnoreCase(relativeAt, EX) ? c.argLong(relativeAt + 1) * 1000
            : c.argLong(relativeAt + 1));
        int kept = 3;
        for (int a = 3; a < argc; a++) {
            if (a == relativeAt || a == relativeAt + 1 || dropped(c, a)) {
                continue;
            }
            kept++;
        }
        writer.wrap(out, 0).arrayHeader(kept);
        arg(c, 0);
        arg(c, 1);
        arg(c, 2);
        for (int a = 3; a < argc; a++) {
            if (a == relativeAt || a == relativeAt + 1 || dropped(c, a)) {
                continue;
            }
            arg(c, a);
        }
        return expireAt(c, when);
    }

    private static boolean dropped(Command c, int a) {
        return c.argEqualsIgnoreCase(a, NX) || c.argEqualsIgnoreCase(a, XX) || c.argEqualsIgnoreCase(a, GET);
    }

    private int restore(Command c, long nowMillis, MutableDirectBuffer out) {
        final long ttl = c.argLong(2);
        if (ttl <= 0) {
            return 0;
        }
        for (int a = 4; a < c.argCount(); a++) {
            if (c.argEqualsIgnoreCase(a, ABSTTL)) {
                return 0;
            }
        }
        writer.wrap(out, 0).arrayHeader(c.argCount());
        arg(c, 0);
        arg(c, 1);
        writer.bulk(0);
        for (int a = 3; a < c.argCount(); a++) {
            arg(c, a);
        }
        return expireAt(c, nowMillis + ttl);
    }

    private int expireAt(Command c, long when) {
        writer.arrayHeader(3).bulk("PEXPIREAT");
        arg(c, 1);
        writer.bulk(when);
        return writer.position();
    }

    private RespWriter arg(Command c, int a) {
        return writer.bulk(c.buffer(), c.argOffset(a), c.argLength(a));
    }
}
