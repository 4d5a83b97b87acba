package io.redisreplica.router.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.Plugins;
import io.redisreplica.router.config.RouterConfig;

class CommandRouterTest {
    /** The router's clock: relative times to live become NOW + ttl. */
    private static final long NOW = 1_000_000L;
    private final List<String> entries = new ArrayList<>();
    private CommandRouter router;

    @BeforeEach
    void setUp() {
        router = router(CrossShardPolicy.LOG);
    }

    private CommandRouter router(CrossShardPolicy policy) {
        return router(policy, "");
    }

    /** A router over shards a (^a) and b (^b), with extra config lines (rewrite, drop). */
    private CommandRouter router(CrossShardPolicy policy, String extra) {
        return router(policy, extra, null);
    }

    /** The same, reading cross-shard values from {@code master} (null: none). */
    private CommandRouter router(CrossShardPolicy policy, String extra, MasterReader master) {
        final RouterConfig config = ConfigParser.parse("shard a 127.0.0.1:1 regex=^a\nshard b 127.0.0.1:2 regex=^b\n" + extra, "t");
        return CommandRouter.builder(config.shardMap(), policy, (shard, db, read, bytes, off, len) -> {
            final CommandFramer framer = new CommandFramer();
            final StringBuilder sb = new StringBuilder((shard == 0 ? "a" : "b") + (read ? "*:" : ":")); // *: values read from the master
            int at = off;
            int n;
            while ((n = framer.frame(bytes, at, off + len - at)) > 0) {
                sb.append(at == off ? "" : " | ").append(framer.command());
                at += n;
            }
            assertEquals(off + len, at, "an entry holds whole commands only");
            entries.add(sb.toString());
            return true;
        }).rewriters(config.keyRewriters()).rules(Plugins.openValueRules(config)).reader(master).clock(() -> NOW).build();
    }

    @Test
    void shouldDeleteKeysOfDroppedTypesAndValuesAndTransformTheRestOfEveryStringWrite() {
        router = router(CrossShardPolicy.LOG, "drop type=hash\ndrop value=^secret\ndrop larger-than=10\n"
            + "transform class=io.redisreplica.router.routing.UpperCaseTransform\n");
        route("SET", "a1", "v", "EX", "100");
        route("SET", "a2", "secret-1");
        route("HSET", "a3", "f", "v");
        route("MSET", "a4", "x", "b1", "secret-2", "b2", "y", "b3", "drop-me");
        route("SETEX", "a5", "100", "hello");
        route("SET", "a6", "0123456789ab");
        route("APPEND", "a7", "secret-3");
        route("INCR", "a8");
        assertEquals(List.of("a:\"SELECT\" \"0\" | \"SET\" \"a1\" \"V\" | \"PEXPIREAT\" \"a1\" \"1100000\"", "a:\"DEL\" \"a2\"",
            "a:\"DEL\" \"a3\"", "a:\"MSET\" \"a4\" \"X\"", "b:\"SELECT\" \"0\" | \"MSET\" \"b2\" \"Y\" | \"DEL\" \"b1\" \"b3\"",
            "a:\"SET\" \"a5\" \"HELLO\" | \"PEXPIREAT\" \"a5\" \"1100000\"", "a:\"DEL\" \"a6\"", "a:\"APPEND\" \"a7\" \"secret-3\"", "a:\"INCR\" \"a8\""),
            entries);
        assertEquals(5, router.filtered(), "a2, a3, b1, b3, a6");
    }

    @Test
    void shouldTransformTheElementsOfCollectionWritesAndLeaveOutWhatTheTransformDrops() {
        router = router(CrossShardPolicy.LOG, "transform class=io.redisreplica.router.routing.UpperCaseTransform\n");
        route("RPUSH", "a1", "x", "drop-me");
        route("LINSERT", "a1", "BEFORE", "x", "y");
        route("SADD", "a2", "m", "drop-me");
        route("SREM", "a2", "drop-me");
        route("ZADD", "a3", "NX", "1", "m", "2", "drop-me");
        route("HSET", "a4", "f", "v", "g", "drop-me");
        route("GEOADD", "a5", "13.36", "38.11", "p");
        route("XADD", "a6", "*", "f", "v");
        route("HINCRBY", "a4", "n", "1");
        assertEquals(List.of("a:\"SELECT\" \"0\" | \"RPUSH\" \"a1\" \"X\" \"drop-me\"",
            "a:\"LINSERT\" \"a1\" \"BEFORE\" \"X\" \"Y\"", "a:\"SADD\" \"a2\" \"M\"",
            "a:\"ZADD\" \"a3\" \"NX\" \"1\" \"M\"", "a:\"HSET\" \"a4\" \"f\" \"V\" | \"HDEL\" \"a4\" \"g\"",
            "a:\"GEOADD\" \"a5\" \"13.36\" \"38.11\" \"P\"", "a:\"XADD\" \"a6\" \"*\" \"f\" \"v\"",
            "a:\"HINCRBY\" \"a4\" \"n\" \"1\""), entries, "a list keeps what it cannot drop; SREM of only dropped members sends nothing");
    }

    @Test
    void shouldRewriteEveryKeyOfAShardsCommandsAndNothingElse() {
        router = router(CrossShardPolicy.LOG, "rewrite a strip-prefix=a:\nrewrite a add-prefix=ns:\ndrop key=^a:secret\n");
        route("SET", "a:1", "a:value-is-not-a-key");
        route("MSET", "a:2", "x", "b:1", "y", "a:3", "z");
        route("EVAL", "return 1", "2", "a:4", "a:5", "a:arg-is-not-a-key");
        route("SET", "b:2", "untouched");
        route("SET", "a:secret", "dropped");
        assertEquals(List.of("a:\"SELECT\" \"0\" | \"SET\" \"ns:1\" \"a:value-is-not-a-key\"",
            "a:\"MSET\" \"ns:2\" \"x\" \"ns:3\" \"z\"", "b:\"SELECT\" \"0\" | \"MSET\" \"b:1\" \"y\"",
            "a:\"EVAL\" \"return 1\" \"2\" \"ns:4\" \"ns:5\" \"a:arg-is-not-a-key\"", "b:\"SET\" \"b:2\" \"untouched\""), entries);
        assertEquals(1, router.unclaimed(), "the dropped key");
    }

    /** Where the next command starts in the master's stream. */
    private long streamPosition;

    private CommandRouter.Outcome route(String... args) {
        final ExpandableArrayBuffer buf = new ExpandableArrayBuffer();
        final int len = new RespWriter().wrap(buf, 0).command(args).length();
        final CommandFramer framer = new CommandFramer();
        framer.position(streamPosition);
        framer.frame(buf, 0, len);
        streamPosition += len;
        final Command c = framer.command();
        try {
            return router.route(c);
        } finally {
            router.publishCounts(); // as the stream loop does after each read: here, each command is one
        }
    }

    /** A master to read from: answers each key with a fake DUMP payload (or none) at a given offset. */
    private static final class FakeMaster implements MasterReader {
        final java.util.Map<String, byte[]> dumps = new java.util.HashMap<>();
        final java.util.Map<String, Long> pttls = new java.util.HashMap<>();
        final List<String> reads = new ArrayList<>();
        long offset;

        @Override
        public Read read(int[] dbs, byte[][] keys, boolean strings) {
            final byte[][] d = new byte[keys.length][];
            final long[] t = new long[keys.length];
            for (int i = 0; i < keys.length; i++) {
                final String k = dbs[i] + ":" + new String(keys[i], java.nio.charset.StandardCharsets.UTF_8);
                reads.add(k);
                d[i] = dumps.get(k);
                t[i] = pttls.getOrDefault(k, d[i] == null ? -2L : -1L);
            }
            return new Read(offset, d, t, new byte[keys.length][], NOW);
        }

        @Override
        public int databases() {
            return 4;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void shouldTranslateAMoveOntoAKeyAReadHoldsSinceTheReadDoesNotKnowWhereTheValueGoes() {
        final FakeMaster master = translating();
        master.offset = 1_000_000;
        route("RENAME", "a1", "b1"); // b1 in db 0 read
        route("SELECT", "1");
        route("MOVE", "b1", "0"); // b1 of db 1 moves onto the read b1 of db 0
        assertEquals(List.of("0:b1", "1:b1", "0:b1"), master.reads);
    }

    @Test
    void shouldReadAKeyInBothDbsAgainWhenTheMasterSwapsThemInsideItsReadWindow() {
        final FakeMaster master = translating();
        master.offset = 1_000_000;
        route("RENAME", "a1", "b1"); // the read may have been taken after the swap: it found db 1's b1
        entries.clear();
        route("SWAPDB", "0", "1");
        assertEquals(List.of("0:b1", "0:b1", "1:b1"), master.reads);
        assertEquals("b*:\"SELECT\" \"0\" | \"DEL\" \"b1\" | \"SELECT\" \"1\" | \"DEL\" \"b1\"", entries.get(entries.size() - 1),
            "after the SWAPDB each shard had, both dbs are given the master's values");
    }

    @Test
    void shouldStopRatherThanGuessWhereAScriptWithoutDeclaredKeysBelongs() {
        translating();
        final RouterException e = assertThrows(RouterException.class, () -> route("EVAL", "redis.call('SET', 'x', 1)", "0"));
        assertTrue(e.getMessage().contains("cannot be routed exactly") && e.getMessage().contains("--cross-shard log"), e.getMessage());
    }

    @Test
    void shouldReadTheKeysOfACrossShardScriptThatSelectsInEveryDb() {
        final FakeMaster master = translating();
        route("EVAL", "redis.call('SELECT', 2); redis.call('SET', KEYS[1], 1)", "2", "a1", "b1");
        assertEquals(List.of("0:a1", "1:a1", "2:a1", "3:a1", "0:b1", "1:b1", "2:b1", "3:b1"), master.reads);
        master.reads.clear();
        route("EVAL", "local selected = redis.call('GET', KEYS[1]); redis.call('SET', KEYS[2], selected)", "2", "a1", "b1");
        assertEquals(List.of("0:a1", "0:b1"), master.reads, "a variable named selected selects nothing");
    }

    private FakeMaster translating() {
        final FakeMaster master = new FakeMaster();
        router = router(CrossShardPolicy.TRANSLATE, "", master);
        return master;
    }

    @Test
    void shouldGiveTheSourceItsEffectAndTheDestinationTheMastersValueOnACrossShardRename() {
        final FakeMaster master = translating();
        master.dumps.put("0:b1", new byte[] {0, 'v'});
        master.pttls.put("0:b1", 5000L);
        route("SET", "a1", "v");
        master.offset = streamPosition + 1000; // the master has moved on by the time the router reads
        route("RENAME", "a1", "b1");
        assertEquals(List.of("a:\"SELECT\" \"0\" | \"SET\" \"a1\" \"v\"", "a:\"DEL\" \"a1\"",
            "b*:\"SELECT\" \"0\" | \"DEL\" \"b1\" | \"RESTORE\" \"b1\" \"0\" \"\\x00v\" | \"PEXPIREAT\" \"b1\" \"1005000\""),
            entries);
        assertEquals(List.of("0:b1"), master.reads);
        entries.clear();
        route("INCR", "b1"); // in the read already: skipped
        route("DEL", "b1", "b2", "a2"); // b1's part is in the read; b2 and a2 are not
        assertEquals(List.of("a:\"DEL\" \"a2\"", "b:\"DEL\" \"b2\""), entries);
        assertEquals(2, router.readSkipped());
        entries.clear();
        streamPosition = master.offset; // past the read: b1's commands go through again
        route("INCR", "b1");
        assertEquals(List.of("b:\"INCR\" \"b1\""), entries);
        assertEquals(1, router.translated());
    }

    @Test
    void shouldHandTheReadsStillOpenToTheCheckpointSoARestartSkipsWhatTheyHold() {
        final FakeMaster master = translating();
        master.offset = streamPosition + 500;
        route("RENAME", "a1", "b1");
        final List<io.redisreplica.journal.Checkpoint.ReadState> open = router.openReads(streamPosition);
        assertEquals(1, open.size());
        assertEquals(master.offset, open.get(0).offset());
        assertEquals(List.of(), router.openReads(master.offset), "a checkpoint past the read carries nothing");
        final CommandRouter restarted = router(CrossShardPolicy.TRANSLATE);
        restarted.restoreReads(open);
        router = restarted;
        entries.clear();
        route("INCR", "b1");
        assertEquals(List.of(), entries, "after a restart the read still holds b1's INCR");
    }

    @Test
    void shouldTranslateMovesOfElementsAndStoresByTheirDestinationOnly() {
        final FakeMaster master = translating();
        route("LMOVE", "a1", "b1", "LEFT", "RIGHT");
        route("RPOPLPUSH", "a1", "b2");
        route("SMOVE", "a2", "b3", "m");
        route("SUNIONSTORE", "b4", "a3", "a4");
        route("SORT", "a5", "BY", "nosort", "STORE", "b5");
        route("GEORADIUS", "a6", "15", "37", "200", "km", "STOREDIST", "b6");
        route("COPY", "a7", "b7", "DB", "3");
        assertEquals(List.of("0:b1", "0:b2", "0:b4", "0:b5", "0:b6", "3:b7"), master.reads, "SMOVE names its member: no read");
        assertEquals(List.of("a:\"SELECT\" \"0\" | \"LPOP\" \"a1\"", "b*:\"SELECT\" \"0\" | \"DEL\" \"b1\"",
            "a:\"RPOP\" \"a1\"", "b*:\"SELECT\" \"0\" | \"DEL\" \"b2\"", "a:\"SREM\" \"a2\" \"m\"",
            "b:\"SADD\" \"b3\" \"m\"", "b*:\"SELECT\" \"0\" | \"DEL\" \"b4\"", "b*:\"SELECT\" \"0\" | \"DEL\" \"b5\"",
            "b*:\"SELECT\" \"0\" | \"DEL\" \"b6\"", "b*:\"SELECT\" \"3\" | \"DEL\" \"b7\""), entries);
    }

    @Test
    void shouldSplitACrossShardMsetnxIntoOneMsetPerShard() {
        translating();
        route("MSETNX", "a1", "x", "b1", "y", "a2", "z");
        assertEquals(List.of("a:\"SELECT\" \"0\" | \"MSET\" \"a1\" \"x\" \"a2\" \"z\"", "b:\"SELECT\" \"0\" | \"MSET\" \"b1\" \"y\""),
            entries);
    }

    @Test
    void shouldSortWithAPatternAsACrossShardCommandSinceItReadsKeysOfOtherShards() {
        final FakeMaster master = translating();
        route("SORT", "a1", "BY", "weight_*", "STORE", "a2");
        route("SORT", "a1", "GET", "#", "STORE", "a3");
        assertEquals(List.of("0:a2"), master.reads, "BY weight_* reads other keys; GET # does not");
        assertEquals("a:\"SORT\" \"a1\" \"GET\" \"#\" \"STORE\" \"a3\"", entries.get(1));
    }

    @Test
    void shouldJournalAReadAfterTheTransactionItCameFromAndSkipTheTransactionsLaterCommandsOnTheKey() {
        final FakeMaster master = translating();
        master.offset = 1_000_000;
        route("MULTI");
        route("SET", "a1", "x");
        route("RENAME", "a1", "b1");
        route("INCR", "b1"); // executed by the master before the read: in it
        route("SET", "b2", "y");
        route("EXEC");
        assertEquals(List.of("a:\"MULTI\" | \"SELECT\" \"0\" | \"SET\" \"a1\" \"x\" | \"DEL\" \"a1\" | \"EXEC\"",
            "b:\"MULTI\" | \"SELECT\" \"0\" | \"SET\" \"b2\" \"y\" | \"EXEC\"", "b*:\"SELECT\" \"0\" | \"DEL\" \"b1\""), entries);
    }

    @Test
    void shouldKeepEachSelectOfATransactionInPlace() {
        route("MULTI");
        route("SELECT", "1");
        route("SET", "a1", "x");
        route("SELECT", "2");
        route("SET", "a2", "y");
        route("EXEC");
        route("SET", "a3", "z");
        assertEquals(List.of("a:\"MULTI\" | \"SELECT\" \"1\" | \"SET\" \"a1\" \"x\" | \"SELECT\" \"2\" | \"SET\" \"a2\" \"y\" | \"EXEC\"",
            "a:\"SET\" \"a3\" \"z\""), entries);
    }

    @Test
    void shouldRouteStreamGroupCommandsByTheirStreamKeyNotTheSubcommand() {
        route("XGROUP", "CREATE", "a1", "g", "$", "MKSTREAM");
        route("XGROUP", "SETID", "b1", "g", "0", "ENTRIESREAD", "3");
        route("XGROUP", "CREATECONSUMER", "a1", "g", "c");
        route("XGROUP", "HELP");
        assertEquals(List.of("a:\"SELECT\" \"0\" | \"XGROUP\" \"CREATE\" \"a1\" \"g\" \"$\" \"MKSTREAM\"",
            "b:\"SELECT\" \"0\" | \"XGROUP\" \"SETID\" \"b1\" \"g\" \"0\" \"ENTRIESREAD\" \"3\"",
            "a:\"XGROUP\" \"CREATECONSUMER\" \"a1\" \"g\" \"c\""), entries);
    }

    @Test
    void shouldSplitACommandOfManyThousandKeys() {
        final String[] del = new String[5001];
        del[0] = "DEL";
        for (int i = 1; i < del.length; i++) {
            del[i] = (i % 2 == 0 ? "a" : "b") + i;
        }
        route(del);
        assertEquals(2, entries.size());
        assertEquals(2500, entries.get(0).split("\" \"").length - 2, "2,500 keys of shard a (SELECT 0 and DEL before them)");
    }

    @Test
    void shouldJournalRelativeTimesToLiveAsAbsoluteOnes() {
        route("EXPIRE", "a1", "10");
        route("PEXPIRE", "a1", "1500");
        route("SETEX", "a2", "10", "v");
        route("PSETEX", "a2", "10", "v");
        route("SET", "a3", "v", "NX", "EX", "7", "GET");
        route("SET", "a3", "v", "KEEPTTL");
        route("GETEX", "a4", "PX", "20");
        route("RESTORE", "a5", "30", "payload", "REPLACE");
        route("RESTORE", "a5", "2000000", "payload", "ABSTTL");
        assertEquals(List.of("a:\"SELECT\" \"0\" | \"PEXPIREAT\" \"a1\" \"1010000\"", "a:\"PEXPIREAT\" \"a1\" \"1001500\"",
            "a:\"SET\" \"a2\" \"v\" | \"PEXPIREAT\" \"a2\" \"1010000\"", "a:\"SET\" \"a2\" \"v\" | \"PEXPIREAT\" \"a2\" \"1000010\"",
            "a:\"SET\" \"a3\" \"v\" | \"PEXPIREAT\" \"a3\" \"1007000\"", "a:\"SET\" \"a3\" \"v\" \"KEEPTTL\"",
            "a:\"PEXPIREAT\" \"a4\" \"1000020\"",
            "a:\"RESTORE\" \"a5\" \"0\" \"payload\" \"REPLACE\" | \"PEXPIREAT\" \"a5\" \"1000030\"",
            "a:\"RESTORE\" \"a5\" \"2000000\" \"payload\" \"ABSTTL\""), entries);
    }

    @Test
    void shouldFindTheKeysOfStoreKeywordsAndStreams() {
        final CommandTable table = new CommandTable();
        assertEquals(List.of(1, 6), keysOf(table, "SORT", "src", "LIMIT", "0", "10", "STORE", "dst"));
        assertEquals(List.of(1, 7, 9), keysOf(table, "GEORADIUS", "src", "1", "2", "3", "km", "STORE", "d1", "STOREDIST", "d2"));
        assertEquals(List.of(1, 6), keysOf(table, "GEORADIUSBYMEMBER", "src", "STORE", "5", "km", "STORE", "d1"),
            "from argument 5 on: the member named STORE is no keyword");
        assertEquals(List.of(7, 8), keysOf(table, "XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "STREAMS", "s1", "s2", ">", ">"));
        assertEquals(List.of(2, 3), keysOf(table, "LMPOP", "2", "l1", "l2", "LEFT"));
        assertEquals(List.of(1, 3, 4), keysOf(table, "ZUNIONSTORE", "dst", "2", "z1", "z2", "WEIGHTS", "1", "2"));
    }

    private static List<Integer> keysOf(CommandTable table, String... args) {
        final ExpandableArrayBuffer buf = new ExpandableArrayBuffer();
        final int len = new RespWriter().wrap(buf, 0).command(args).length();
        final CommandFramer framer = new CommandFramer();
        framer.frame(buf, 0, len);
        final KeyArgs keys = new KeyArgs();
        final int n = KeyPositions.of(framer.command(), table.lookup(args[0]), keys);
        final List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(keys.arg(i));
        }
        return out;
    }

    @Test
    void shouldSendSingleKeyCommandsToTheirShardAfterASelect() {
        route("SET", "apple", "red");
        route("SET", "banana", "yellow");
        route("SET", "apple", "blue");
        assertEquals(List.of("a:\"SELECT\" \"0\" | \"SET\" \"apple\" \"red\"", "b:\"SELECT\" \"0\" | \"SET\" \"banana\" \"yellow\"",
            "a:\"SET\" \"apple\" \"blue\""), entries);
    }

    @Test
    void shouldSplitMultiKeyCommandsPerShardWithoutCorruptingThemBehindASelect() {
        route("DEL", "a1", "b1", "a2", "c1");
        route("MSET", "a1", "x", "b1", "y");
        assertEquals(List.of("a:\"SELECT\" \"0\" | \"DEL\" \"a1\" \"a2\"", "b:\"SELECT\" \"0\" | \"DEL\" \"b1\"",
            "a:\"MSET\" \"a1\" \"x\"", "b:\"MSET\" \"b1\" \"y\""), entries);
        assertEquals(1, router.unclaimed());
    }

    @Test
    void shouldTurnATransactionIntoOneEntryPerShard() {
        route("SELECT", "3");
        route("MULTI");
        route("INCR", "a1");
        route("INCR", "b1");
        route("INCR", "a2");
        route("EXEC");
        assertEquals(List.of("a:\"MULTI\" | \"SELECT\" \"3\" | \"INCR\" \"a1\" | \"INCR\" \"a2\" | \"EXEC\"",
            "b:\"MULTI\" | \"SELECT\" \"3\" | \"INCR\" \"b1\" | \"EXEC\""), entries);
    }

    @Test
    void shouldSendFlushesEverywhereAndDropLinkChatter() {
        route("FLUSHALL");
        assertEquals(CommandRouter.Outcome.DROPPED, route("PING"));
        assertEquals(CommandRouter.Outcome.GETACK, route("REPLCONF", "GETACK", "*"));
        assertEquals(List.of("a:\"SELECT\" \"0\" | \"FLUSHALL\"", "b:\"SELECT\" \"0\" | \"FLUSHALL\""), entries);
    }

    @Test
    void shouldApplyCrossShardPolicy() {
        assertEquals(CommandRouter.Outcome.DROPPED, route("RENAME", "a1", "b1"));
        assertEquals(1, router.crossShard());
        assertEquals(List.of(), entries);
        router = router(CrossShardPolicy.STOP);
        final RouterException e = assertThrows(RouterException.class, () -> route("SMOVE", "a1", "b1", "m"));
        assertEquals("cross-shard command (keys in different shards), policy stop: \"SMOVE\" \"a1\" \"b1\" \"m\"", e.getMessage());
    }

    @Test
    void shouldRouteScriptsByTheirDeclaredKeys() {
        route("EVAL", "return 1", "2", "a1", "a2", "argument");
        assertEquals(List.of("a:\"SELECT\" \"0\" | \"EVAL\" \"return 1\" \"2\" \"a1\" \"a2\" \"argument\""), entries);
        route("EVAL", "return 1", "2", "a1", "b2");
        assertEquals(1, router.crossShard());
    }

    @Test
    void shouldLookUpCommandsIgnoringCaseWithoutBuildingStrings() {
        route("sEt", "apple", "x");
        assertEquals("a:\"SELECT\" \"0\" | \"sEt\" \"apple\" \"x\"", entries.get(0));
        assertEquals("HSET", new CommandTable().lookup("hset").name());
    }

    @Test
    void shouldLearnTheMastersCommandsWithoutOverridingBuiltInRouting() {
        final CommandTable table = new CommandTable();
        assertEquals(false, table.learn("del", 1, -1, 1), "DEL stays splittable");
        assertEquals(CommandSpec.Kind.SPLITTABLE, table.lookup("DEL").kind());
        assertEquals(true, table.learn("mymodule.set", 2, 2, 1));
        assertEquals(new CommandSpec("MYMODULE.SET", CommandSpec.Kind.KEYS, 2, 2, 1, 0), table.lookup("mymodule.set"));
        table.learn("mymodule.info", 0, 0, 0);
        assertEquals(CommandSpec.Kind.KEYLESS, table.lookup("MYMODULE.INFO").kind());
    }
}
