package io.redisreplica.router.routing;

import java.nio.charset.StandardCharsets;


import io.redisreplica.resp.Command;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.support.SpillBuffer;
import io.redisreplica.router.support.SpillFiles;

/**
 * What the value rules ({@link ValueRules}) make of a master command, written as commands that
 * the router then routes like the master's own: a DEL of the keys of a write to a dropped type;
 * for a string write, the command with its values transformed and a DEL of the keys whose value
 * is dropped (a DEL, not nothing: the shard may hold an older value); for a collection write,
 * the command with its elements transformed and those left out removed.
 *
 * <p>Allocates only when a transform or a value filter is configured (the user's code takes
 * arrays); a command the rules leave alone costs a table lookup.
 */
final class RuleApplier {
    private static final byte[] SET = bytes("SET");
    private static final byte[] SETNX = bytes("SETNX");
    private static final byte[] SETEX = bytes("SETEX");
    private static final byte[] PSETEX = bytes("PSETEX");
    private static final byte[] GETSET = bytes("GETSET");
    private static final byte[] MSET = bytes("MSET");
    private static final byte[] MSETNX = bytes("MSETNX");

    private final ValueRules rules;
    private final CommandTable table;
    /** The router's key positions: shared, as the router reads them again after the rules. */
    private final KeyArgs keys;
    private final RouteCounters counters;
    private final SpillBuffer ruled;
    private final RespWriter writer = new RespWriter();
    private final ElementArgs elementArgs = new ElementArgs();

    RuleApplier(ValueRules rules, CommandTable table, KeyArgs keys, RouteCounters counters, SpillFiles spill) {
        this.ruled = spill.buffer(1024);
        this.rules = rules;
        this.table = table;
        this.keys = keys;
        this.counters = counters;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Where {@link #apply} writes the commands it makes. */
    SpillBuffer ruled() {
        return ruled;
    }

    /**
     * Writes into {@link #ruled()} what the value rules make of {@code c}, a command in {@code db}.
     *
     * @return the end of what was written, 0 when {@code c} goes as it is, -1 when nothing goes
     */
    int apply(Command c, int db) {
        final String type = table.dataType(c);
        if (type == null) {
            return 0;
        }
        final CommandSpec spec = table.lookup(c);
        if (rules.drops(type)) {
            final int n = spec == null ? 0 : KeyPositions.of(c, spec, keys);
            if (n <= 0) {
                return 0;
            }
            counters.filtered += n;
            writer.wrap(ruled, 0).arrayHeader(1 + n).bulk("DEL");
            for (int i = 0; i < n; i++) {
                writer.bulk(c.buffer(), c.argOffset(keys.arg(i)), c.argLength(keys.arg(i)));
            }
            return writer.position();
        }
        if (!type.equals("string")) {
            return rules.decodesElements() && !type.equals("stream") && elementArgs.of(c) ? applyElementRules(c, type, db) : 0;
        }
        if (!rules.decodesStrings()) {
            return 0;
        }
        final int valueAt = c.nameIs(SETEX) || c.nameIs(PSETEX) ? 3
            : c.nameIs(SET) || c.nameIs(SETNX) || c.nameIs(GETSET) ? 2
            : c.nameIs(MSET) || c.nameIs(MSETNX) ? 2 : -1;
        if (valueAt < 0 || c.argCount() <= valueAt) {
            return 0; // APPEND, SETRANGE, INCR...: a piece of a value, or a number
        }
        final boolean multi = c.nameIs(MSET) || c.nameIs(MSETNX);
        final int pairs = multi ? (c.argCount() - 1) / 2 : 1;
        byte[][] replaced = null;
        boolean[] dropped = null;
        int kept = 0;
        for (int p = 0; p < pairs; p++) {
            final int keyArg = multi ? 1 + 2 * p : 1;
            final int valueArg = multi ? keyArg + 1 : valueAt;
            final byte[] value = c.argBytes(valueArg);
            final byte[] result = rules.value(db, c.argBytes(keyArg), value);
            if (result == null) {
                dropped = dropped == null ? new boolean[c.argCount()] : dropped;
                dropped[keyArg] = true;
                dropped[valueArg] = true;
            } else {
                kept++;
                if (result != value) {
                    replaced = replaced == null ? new byte[c.argCount()][] : replaced;
                    replaced[valueArg] = result;
                }
            }
        }
        if (replaced == null && dropped == null) {
            return 0;
        }
        counters.filtered += pairs - kept;
        writer.wrap(ruled, 0);
        if (kept > 0) { // the command, its kept keys with their new values, every other argument as it was
            writeEdited(c, replaced, dropped);
        }
        if (kept < pairs) {
            writer.arrayHeader(1 + pairs - kept).bulk("DEL");
            for (int p = 0; p < pairs; p++) {
                final int keyArg = multi ? 1 + 2 * p : 1;
                if (dropped[keyArg]) {
                    writer.bulk(c.buffer(), c.argOffset(keyArg), c.argLength(keyArg));
                }
            }
        }
        return writer.position();
    }

    /** Writes {@code c} less its {@code dropped} arguments, with {@code replaced} ones in their place (either may be null). */
    private void writeEdited(Command c, byte[][] replaced, boolean[] dropped) {
        int args = 0;
        for (int a = 0; a < c.argCount(); a++) {
            args += dropped != null && dropped[a] ? 0 : 1;
        }
        writer.arrayHeader(args);
        for (int a = 0; a < c.argCount(); a++) {
            if (dropped != null && dropped[a]) {
                continue;
            }
            if (replaced != null && replaced[a] != null) {
                writer.bulk(replaced[a]);
            } else {
                writer.bulk(c.buffer(), c.argOffset(a), c.argLength(a));
            }
        }
    }

    /**
     * The command with its elements transformed and those left out removed with their group (a
     * ZADD score, a HSET field); a hash field whose value is left out also gets an HDEL, since
     * the shard may hold an older value. A list element that would be left out stays.
     */
    private int applyElementRules(Command c, String type, int db) {
        final byte[] key = c.argBytes(1);
        final boolean list = type.equals("list");
        byte[][] replaced = null;
        boolean[] dropped = null;
        int kept = 0;
        int fieldsDropped = 0;
        for (int i = 0; i < elementArgs.count; i++) {
            final byte[] element = c.argBytes(elementArgs.element[i]);
            final byte[] field = elementArgs.field[i] >= 0 ? c.argBytes(elementArgs.field[i]) : null;
            byte[] result = rules.element(db, key, type, field, element);
            if (result == null && list) {
                result = element;
            }
            if (result == null) {
                dropped = dropped == null ? new boolean[c.argCount()] : dropped;
                for (int a = elementArgs.group[i]; a <= elementArgs.element[i]; a++) {
                    dropped[a] = true;
                }
                fieldsDropped += field != null ? 1 : 0;
            } else {
                kept++;
                if (result != element) {
                    replaced = replaced == null ? new byte[c.argCount()][] : replaced;
                    replaced[elementArgs.element[i]] = result;
                }
            }
        }
        if (replaced == null && dropped == null) {
            return 0;
        }
        writer.wrap(ruled, 0);
        boolean wrote = false;
        if (kept > 0) {
            writeEdited(c, replaced, dropped);
            wrote = true;
        }
        if (fieldsDropped > 0) {
            writer.arrayHeader(2 + fieldsDropped).bulk("HDEL").bulk(key);
            for (int i = 0; i < elementArgs.count; i++) {
                if (elementArgs.field[i] >= 0 && dropped[elementArgs.element[i]]) {
                    writer.bulk(c.buffer(), c.argOffset(elementArgs.field[i]), c.argLength(elementArgs.field[i]));
                }
            }
            wrote = true;
        }
        return wrote ? writer.position() : -1;
    }
}
