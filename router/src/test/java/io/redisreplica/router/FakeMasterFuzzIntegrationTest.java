package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * Issue 12's fuzz of the upstream side: a fake master answers the handshake, then sends a real
 * full sync and command stream with random damage (flipped, inserted and deleted bytes, huge
 * lengths, cut short, pure noise) and hangs up. Whatever it sends, the router must notice
 * (an error counted for a retry, or a stop with a reason), never journal a byte that is not a
 * whole RESP command, never lose a thread to an uncaught throwable, and close within a bound.
 * {@code FUZZ_SECONDS} (default 15; {@code bench/soak.sh} runs 600) and {@code FUZZ_SEED}.
 */
class FakeMasterFuzzIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    @Test
    void shouldNoticeEveryDamagedStreamFromTheMasterAndJournalOnlyWholeCommands() throws Exception {
        final long seconds = Long.getLong("FUZZ_SECONDS", Long.parseLong(System.getenv().getOrDefault("FUZZ_SECONDS", "15")));
        final long seed = Long.getLong("FUZZ_SEED", System.nanoTime());
        System.out.println("master fuzz seed " + seed + " for " + seconds + " s (-DFUZZ_SEED=" + seed + " replays it)");
        final Random random = new Random(seed);
        final RedisServer source = redis.start();
        try (var c = source.client()) {
            for (int i = 0; i < 200; i++) {
                c.call("SET", "a:" + i, "v" + i);
                c.call("RPUSH", "a:l" + (i % 7), "e" + i);
                c.call("HSET", "a:h" + (i % 5), "f" + i, "x".repeat(i % 50));
            }
            c.call("ZADD", "a:z", "1.5", "m");
            c.call("SADD", "a:s", "1", "2", "3");
        }
        final byte[] rdb = Files.readAllBytes(source.save());
        final byte[] stream = validStream();
        final List<Throwable> uncaught = new ArrayList<>();
        final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            synchronized (uncaught) {
                uncaught.add(new AssertionError("thread " + t.getName() + " died", e));
            }
        });
        int rounds = 0;
        final Map<String, Integer> outcomes = new java.util.TreeMap<>();
        try {
            final long end = System.currentTimeMillis() + seconds * 1000;
            while (System.currentTimeMillis() < end) {
                final String[] how = new String[1];
                final byte[] sent = damage(random, rdb, stream, how);
                final byte[] psync = ("+FULLRESYNC 8de9b1c4a1d5b1b2a8f7d3e4c5b6a7f8e9d0c1b2 0\r\n$" + rdb.length + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
                final byte[] reply = how[0].startsWith("psync") ? mutate(random, psync) : psync;
                try (FakeMaster master = new FakeMaster((in, out, n) -> {
                    FakeMaster.handshake(in, out, reply, sent);
                    // then hang up: a damaged stream must never leave the router waiting without a word
                })) {
                    final Path journal = dir.resolve("journal-" + rounds);
                    final int portA = FreePort.find();
                    final int portB = FreePort.find(); // never the same port twice in a JVM
                    final RouterConfig config = io.redisreplica.router.config.ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + journal
                        + "\nshard a 127.0.0.1:" + portA + " regex=^a\nshard b 127.0.0.1:" + portB + " regex=.\n", "fuzz");
                    final Router router = Router.start(config, CrossShardPolicy.TRANSLATE);
                    try {
                        Await.until("round " + rounds + " (" + how[0] + ", seed " + seed + "): the router to notice the hang-up",
                            () -> router.upstream().retriedFaults() > 0 || router.upstream().failure() != null, 20_000);
                        final String outcome = router.upstream().failure() != null ? "stopped" : "retrying";
                        outcomes.merge(how[0].replaceAll(" .*", "") + "->" + outcome, 1, Integer::sum);
                    } finally {
                        final long closing = System.nanoTime();
                        router.close(); // a fatal error has closed it already: then this waits for that close
                        final long closeMs = (System.nanoTime() - closing) / 1_000_000;
                        assertTrue(closeMs < 15_000, "round " + rounds + ": close took " + closeMs + " ms");
                    }
                    // what the router left in its journal, opened again as a restart would
                    try (Journal reopened = Journal.open(config.journalContext())) {
                        for (String shard : List.of("a", "b")) {
                            assertWholeCommands(reopened.shard(shard), shard, "round " + rounds + " (" + how[0] + ", seed " + seed + ")");
                        }
                    }
                }
                synchronized (uncaught) {
                    if (!uncaught.isEmpty()) {
                        throw new AssertionError("round " + rounds + " (" + how[0] + ", seed " + seed + ")", uncaught.get(0));
                    }
                }
                rounds++;
            }
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
        System.out.println("master fuzz: " + rounds + " rounds, outcomes " + outcomes);
        assertTrue(rounds > 0);
        assertEquals(List.of(), uncaught);
    }

    /** Every journaled entry's payload frames as whole RESP commands, to its last byte. */
    private static void assertWholeCommands(ShardJournal journal, String shard, String where) {
        final CommandFramer framer = new CommandFramer();
        try (JournalReader reader = journal.reader()) {
            final JournalEntry entry = new JournalEntry();
            final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
            while (reader.next(entry)) {
                final byte[] bytes = new byte[entry.payloadLength()];
                entry.payload().getBytes(entry.payloadOffset(), bytes);
                if ((entry.flags() & (io.redisreplica.journal.JournalEntryDescriptor.FLAG_CONTINUED
                    | io.redisreplica.journal.JournalEntryDescriptor.FLAG_CONTINUATION)) != 0) {
                    continue; // a big command's pieces: framed whole by the reader that joins them
                }
                view.wrap(bytes);
                int at = 0;
                framer.reset();
                while (at < bytes.length) {
                    final int n = framer.frame(view, at, bytes.length - at);
                    assertTrue(n > 0, where + ": shard " + shard + " journaled bytes that are not whole commands at entry offset "
                        + entry.startOffset() + ": " + new String(bytes, StandardCharsets.ISO_8859_1));
                    at += n;
                }
            }
        }
    }

    /** A command stream as a master sends one: writes, a transaction, SELECTs, pings, an expiry. */
    private static byte[] validStream() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final io.redisreplica.resp.RespWriter w = new io.redisreplica.resp.RespWriter();
        final org.agrona.ExpandableArrayBuffer buf = new org.agrona.ExpandableArrayBuffer(1 << 16);
        w.wrap(buf, 0).command("SELECT", "0");
        for (int i = 0; i < 60; i++) {
            w.command("SET", "a:k" + i, "v" + i).command("RPUSH", "b:l", "e" + i);
            if (i % 10 == 0) {
                w.command("MULTI").command("INCR", "a:c").command("INCR", "b:c").command("EXEC");
                w.command("PING").command("SELECT", String.valueOf(i % 3)).command("PEXPIREAT", "a:k" + i, "9999999999999");
            }
        }
        out.write(buf.byteArray(), 0, w.position());
        return out.toByteArray();
    }

    /** The RDB and stream with one kind of damage; {@code how[0]} says which, for the failure message. */
    private static byte[] damage(Random r, byte[] rdb, byte[] stream, String[] how) {
        final byte[] whole = new byte[rdb.length + stream.length];
        System.arraycopy(rdb, 0, whole, 0, rdb.length);
        System.arraycopy(stream, 0, whole, rdb.length, stream.length);
        final int kind = r.nextInt(8);
        switch (kind) {
            case 0 -> {
                how[0] = "rdb-flip";
                final byte[] out = whole.clone();
                out[r.nextInt(rdb.length)] ^= (byte) (1 + r.nextInt(255));
                return out;
            }
            case 1 -> {
                how[0] = "stream-flip";
                final byte[] out = whole.clone();
                for (int i = 0; i < 1 + r.nextInt(4); i++) {
                    out[rdb.length + r.nextInt(stream.length)] ^= (byte) (1 + r.nextInt(255));
                }
                return out;
            }
            case 2 -> {
                how[0] = "insert";
                return mutate(r, whole);
            }
            case 3 -> {
                how[0] = "cut";
                return java.util.Arrays.copyOf(whole, r.nextInt(whole.length));
            }
            case 4 -> {
                how[0] = "huge-length";
                final String s = new String(stream, StandardCharsets.ISO_8859_1);
                final int at = s.indexOf('$', r.nextInt(s.length() - 10));
                final String huge = at < 0 ? s : s.substring(0, at + 1) + (r.nextBoolean() ? "99999999999" : "-7") + s.substring(s.indexOf('\r', at));
                final byte[] tail = huge.getBytes(StandardCharsets.ISO_8859_1);
                final byte[] out = new byte[rdb.length + tail.length];
                System.arraycopy(rdb, 0, out, 0, rdb.length);
                System.arraycopy(tail, 0, out, rdb.length, tail.length);
                return out;
            }
            case 5 -> {
                how[0] = "noise";
                final byte[] out = new byte[rdb.length + 1 + r.nextInt(4096)];
                System.arraycopy(rdb, 0, out, 0, rdb.length);
                for (int i = rdb.length; i < out.length; i++) {
                    out[i] = (byte) r.nextInt(256);
                }
                return out;
            }
            case 6 -> {
                how[0] = "psync-reply";
                return whole;
            }
            default -> {
                how[0] = "valid";
                return whole; // then the hang-up alone: a lost connection to retry
            }
        }
    }

    /** Inserts, deletes or overwrites a few random bytes at random places. */
    private static byte[] mutate(Random r, byte[] in) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 16);
        final int at = r.nextInt(in.length);
        out.write(in, 0, at);
        switch (r.nextInt(3)) {
            case 0 -> {
                for (int i = 0; i < 1 + r.nextInt(8); i++) {
                    out.write(r.nextInt(256));
                }
                out.write(in, at, in.length - at);
            }
            case 1 -> {
                final int skip = Math.min(in.length - at, 1 + r.nextInt(8));
                out.write(in, at + skip, in.length - at - skip);
            }
            default -> {
                out.write(r.nextInt(256));
                if (at + 1 < in.length) {
                    out.write(in, at + 1, in.length - at - 1);
                }
            }
        }
        return out.toByteArray();
    }
}
