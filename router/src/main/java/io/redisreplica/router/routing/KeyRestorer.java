package io.redisreplica.router.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.redisreplica.rdb.RdbConstants;
import io.redisreplica.resp.RespWriter;

/**
 * Reads keys from the master ({@link MasterReader}: DUMP and PTTL in one transaction, at a known
 * replication offset) and gives each key's shard the master's value as DEL + RESTORE (+ PEXPIREAT),
 * as SET of a string the value rules see, or as the commands that build a collection whose
 * elements they see ({@link DumpCommands}). Each key's later commands up to the read's offset are
 * then skipped ({@link ReadKeys}). What it makes goes to the shards' read entries ({@link ReadEntries}).
 */
final class KeyRestorer {
    private final CommandRouter router;
    private final ShardEntries entries;
    private final GeneratedCommands generated;
    private final ShardMap map;
    private final MasterReader reader;
    private final ValueRules rules;
    private final RouteCounters counters;
    private final LongSupplier clock;
    private final ReadKeys readKeys = new ReadKeys();

    KeyRestorer(CommandRouter router, ShardEntries entries, GeneratedCommands generated, ShardMap map, MasterReader reader,
                ValueRules rules, RouteCounters counters, LongSupplier clock) {
        this.router = router;
        this.entries = entries;
        this.generated = generated;
        this.map = map;
        this.reader = reader;
        this.rules = rules;
        this.counters = counters;
        this.clock = clock;
    }

    /** Whether the master can be read (a {@link MasterReader} was given). */
    boolean canRead() {
        return reader != null;
    }

    /** The master, for what only it can say. */
    MasterReader reader() {
        return reader;
    }

    /** The keys whose values reads of the master gave the shards, with the offset up to which their commands are skipped. */
    ReadKeys readKeys() {
        return readKeys;
    }

    /** After the master's SWAPDB a and b: reads the keys held in either db again and gives their shards the master's values. */
    void rereadAfterSwap(int a, int b, List<byte[]> swapped) {
        final int[] dbs = new int[swapped.size() * 2];
        final byte[][] names = new byte[dbs.length][];
        for (int i = 0; i < swapped.size(); i++) {
            dbs[2 * i] = a;
            dbs[2 * i + 1] = b;
            names[2 * i] = swapped.get(i);
            names[2 * i + 1] = swapped.get(i);
        }
        final int[] shards = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            shards[i] = map.shardOf(names[i], 0, names[i].length);
        }
        readAndRestore(dbs, names, shards, () -> names.length + " key(s) again after SWAPDB");
    }

    /**
     * Reads keys from the master in one transaction and gives each key's shard (a negative one:
     * no shard claims it) the master's value; the key's commands up to the read's offset are
     * skipped from here on.
     */
    void readAndRestore(int[] dbs, byte[][] names, int[] shards, Supplier<String> what) {
        final long upstreamEnd = router.upstreamEnd();
        final MasterReader.Read read;
        try {
            read = reader.read(dbs, names, rules != null && rules.decodesStrings());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + what.get() + " at upstream offset " + upstreamEnd + " from the master failed: "
                + e.getMessage(), e);
        }
        counters.translatedKeys += names.length;
        final long readOffset = Math.max(read.offset(), upstreamEnd);
        final long now = read.timeMillis() > 0 ? read.timeMillis() : clock.getAsLong(); // the master's clock: its PTTLs count from it
        final int upstreamDb = router.db();
        for (int i = 0; i < names.length; i++) {
            if (shards[i] >= 0) {
                restore(dbs[i], names[i], read.dumps()[i], read.pttls()[i], read.strings()[i], now);
                readKeys.add(dbs[i], names[i], readOffset);
            }
        }
        router.routingDb(upstreamDb);
    }

    /** DEL, then RESTORE of the master's value (or SET of a string the value rules see), then PEXPIREAT. */
    private void restore(int keyDb, byte[] key, byte[] dump, long pttl, byte[] string, long now) {
        entries.restoring(true);
        try {
            restoreAs(keyDb, key, dump, pttl, string, now);
        } finally {
            entries.restoring(false);
        }
    }

    private void restoreAs(int keyDb, byte[] key, byte[] dump, long pttl, byte[] string, long now) {
        router.routingDb(keyDb);
        RespWriter writer = generated.start().arrayHeader(2).bulk("DEL").bulk(key);
        if (dump != null && dump.length > 0) {
            final String type = RdbConstants.dataType(dump[0] & 0xff);
            if (rules != null && rules.drops(type)) {
                counters.filtered++;
            } else if (string != null && rules != null && rules.decodesStrings()) {
                final byte[] value = rules.value(keyDb, key, string); // what the value rules make of the string
                if (value == null) {
                    counters.filtered++;
                } else {
                    writer.arrayHeader(3).bulk("SET").bulk(key).bulk(value);
                }
            } else if (rules != null && rules.decodesElements() && DumpCommands.elementsOf(type)) {
                // the transform sees each element, as on a live write: the value as the commands that build it
                generated.route(writer.position()); // the DEL
                DumpCommands.write(dump, key, generated.buffer(), generated.writer(), generated.throughRules());
                writer = generated.start();
            } else {
                writer.arrayHeader(4).bulk("RESTORE").bulk(key).bulk(0).bulk(dump);
            }
            if (pttl > 0) {
                writer.arrayHeader(3).bulk("PEXPIREAT").bulk(key).bulk(now + pttl);
            }
        }
        if (writer.position() > 0) {
            generated.route(writer.position());
        }
    }
}
