package io.redisreplica.router.routing;

import org.agrona.concurrent.UnsafeBuffer;

import io.redisreplica.rdb.KeyRewriter;
import io.redisreplica.resp.Command;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.support.SpillBuffer;
import io.redisreplica.router.support.SpillFiles;

/**
 * Writes a command as a shard receives it when it is not the master's bytes as they came: one
 * command per shard with that shard's keys (DEL, MSET...), or the command re-encoded with the
 * shard's rewritten keys (routing uses the original ones). No allocation: one reused buffer.
 */
final class ShardCommands {
    private final ShardEntries entries;
    private final CommandKeys keys;
    private final KeyRewriter[] rewriters;
    private final RouteCounters counters;
    private final int shards;
    private final SpillBuffer scratch;
    private final RespWriter writer = new RespWriter();
    /** A rewritten key, as the writer takes it. */
    private final UnsafeBuffer rewrittenKey = new UnsafeBuffer(new byte[0]);

    ShardCommands(int shards, ShardEntries entries, CommandKeys keys, KeyRewriter[] rewriters, RouteCounters counters,
        SpillFiles spill) {
        this.scratch = spill.buffer(4096);
        this.shards = shards;
        this.entries = entries;
        this.keys = keys;
        this.rewriters = rewriters;
        this.counters = counters;
    }

    /** Whether the shard's keys are rewritten. */
    boolean rewrites(int shard) {
        return rewriters[shard] != null;
    }

    /**
     * One command per shard with that shard's {@code n} keys (and, for MSET, their values), in
     * {@code db}; {@code name} replaces the command's. A key whose shard is negative goes nowhere.
     */
    void split(Command c, CommandSpec spec, int n, byte[] name, int db) {
        for (int s = -1; s < shards; s++) {
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (keys.shard(i) == s) {
                    count++;
                }
            }
            if (count == 0) {
                continue;
            }
            if (s < 0) {
                counters.unclaimed += count;
                continue;
            }
            writer.wrap(scratch, 0).arrayHeader(1 + (long) count * spec.step());
            if (name != null) {
                writer.bulk(name);
            } else {
                writer.bulk(c.buffer(), c.argOffset(0), c.argLength(0));
            }
            for (int k = 0; k < n; k++) {
                if (keys.shard(k) == s) {
                    key(s, c, keys.args.arg(k));
                    for (int j = 1; j < spec.step(); j++) {
                        writer.bulk(c.buffer(), c.argOffset(keys.args.arg(k) + j), c.argLength(keys.args.arg(k) + j));
                    }
                }
            }
            entries.emit(s, db, scratch, 0, writer.length());
        }
    }

    /** The command re-encoded with the shard's rewritten keys, in {@code db}. */
    void rewritten(int shard, Command c, int db) {
        writer.wrap(scratch, 0).arrayHeader(c.argCount());
        for (int arg = 0; arg < c.argCount(); arg++) {
            if (keys.args.contains(arg)) {
                key(shard, c, arg);
            } else {
                writer.bulk(c.buffer(), c.argOffset(arg), c.argLength(arg));
            }
        }
        entries.emit(shard, db, scratch, 0, writer.length());
    }

    /** Writes a key argument as the shard sees it: rewritten when it has a rewriter. */
    private void key(int shard, Command c, int arg) {
        final KeyRewriter rewriter = rewriters[shard];
        if (rewriter == null) {
            writer.bulk(c.buffer(), c.argOffset(arg), c.argLength(arg));
            return;
        }
        final int length = rewriter.rewrite(keys.bytes(c, arg), 0, c.argLength(arg));
        rewrittenKey.wrap(rewriter.bytes(), 0, length);
        writer.bulk(rewrittenKey, 0, length);
    }

    /** Lets a scratch buffer that grew past {@code kept} go back to a small heap array. */
    void releaseLarge(int kept) {
        scratch.shrink(kept);
    }
}
