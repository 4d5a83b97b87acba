package io.redisreplica.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespWriter;

class CommandRouterTest {
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
        final RouterConfig config = RouterConfig.parse("shard a 127.0.0.1:1 regex=^a\nshard b 127.0.0.1:2 regex=^b\n" + extra, "t");
        return new CommandRouter(config.shardMap(), new CommandTable(), policy, (shard, db, prefix, bytes, off, len) -> {
            final CommandFramer framer = new CommandFramer();
            final StringBuilder sb = new StringBuilder(shard == 0 ? "a:" : "b:");
            int at = off;
            int n;
            while ((n = framer.frame(bytes, at, off + len - at)) > 0) {
                sb.append(at == off ? "" : " | ").append(framer.command());
                at += n;
            }
            assertEquals(off + len, at, "an entry holds whole commands only");
            entries.add(sb.toString());
        }, config.keyRewriters(), config.valueRules());
    }

    @Test
    void shouldDeleteKeysOfDroppedTypesAndValuesAndTransformTheRestOfEveryStringWrite() {
        router = router(CrossShardPolicy.LOG, "drop type=hash\ndrop value=^secret\ndrop larger-than=10\n"
            + "transform class=io.redisreplica.router.UpperCaseTransform\n");
        route("SET", "a1", "v", "EX", "100");
        route("SET", "a2", "secret-1");
        route("HSET", "a3", "f", "v");
        route("MSET", "a4", "x", "b1", "secret-2", "b2", "y", "b3", "drop-me");
        route("SETEX", "a5", "100", "hello");
        route("SET", "a6", "0123456789ab");
        route("APPEND", "a7", "secret-3");
        route("INCR", "a8");
        assertEquals(List.of("a:\"SELECT\" \"0\"", "a:\"SET\" \"a1\" \"V\" \"EX\" \"100\"", "a:\"DEL\" \"a2\"", "a:\"DEL\" \"a3\"",
            "a:\"MSET\" \"a4\" \"X\"", "b:\"SELECT\" \"0\"", "b:\"MSET\" \"b2\" \"Y\"", "b:\"DEL\" \"b1\" \"b3\"",
            "a:\"SETEX\" \"a5\" \"100\" \"HELLO\"", "a:\"DEL\" \"a6\"", "a:\"APPEND\" \"a7\" \"secret-3\"", "a:\"INCR\" \"a8\""),
            entries);
        assertEquals(5, router.filtered(), "a2, a3, b1, b3, a6");
    }

    @Test
    void shouldTransformTheElementsOfCollectionWritesAndLeaveOutWhatTheTransformDrops() {
        router = router(CrossShardPolicy.LOG, "transform class=io.redisreplica.router.UpperCaseTransform\n");
        route("RPUSH", "a1", "x", "drop-me");
        route("LINSERT", "a1", "BEFORE", "x", "y");
        route("SADD", "a2", "m", "drop-me");
        route("SREM", "a2", "drop-me");
        route("ZADD", "a3", "NX", "1", "m", "2", "drop-me");
        route("HSET", "a4", "f", "v", "g", "drop-me");
        route("GEOADD", "a5", "13.36", "38.11", "p");
        route("XADD", "a6", "*", "f", "v");
        route("HINCRBY", "a4", "n", "1");
        assertEquals(List.of("a:\"SELECT\" \"0\"", "a:\"RPUSH\" \"a1\" \"X\" \"drop-me\"",
            "a:\"LINSERT\" \"a1\" \"BEFORE\" \"X\" \"Y\"", "a:\"SADD\" \"a2\" \"M\"",
            "a:\"ZADD\" \"a3\" \"NX\" \"1\" \"M\"", "a:\"HSET\" \"a4\" \"f\" \"V\"", "a:\"HDEL\" \"a4\" \"g\"",
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
        assertEquals(List.of("a:\"SELECT\" \"0\"", "a:\"SET\" \"ns:1\" \"a:value-is-not-a-key\"",
            "a:\"MSET\" \"ns:2\" \"x\" \"ns:3\" \"z\"", "b:\"SELECT\" \"0\"", "b:\"MSET\" \"b:1\" \"y\"",
            "a:\"EVAL\" \"return 1\" \"2\" \"ns:4\" \"ns:5\" \"a:arg-is-not-a-key\"", "b:\"SET\" \"b:2\" \"untouched\""), entries);
        assertEquals(1, router.unclaimed(), "the dropped key");
    }

    private CommandRouter.Outcome route(String... args) {
        final ExpandableArrayBuffer buf = new ExpandableArrayBuffer();
        final int len = new RespWriter().wrap(buf, 0).command(args).length();
        final CommandFramer framer = new CommandFramer();
        framer.frame(buf, 0, len);
        final Command c = framer.command();
        return router.route(c);
    }

    @Test
    void shouldSendSingleKeyCommandsToTheirShardAfterASelect() {
        route("SET", "apple", "red");
        route("SET", "banana", "yellow");
        route("SET", "apple", "blue");
        assertEquals(List.of("a:\"SELECT\" \"0\"", "a:\"SET\" \"apple\" \"red\"", "b:\"SELECT\" \"0\"", "b:\"SET\" \"banana\" \"yellow\"",
            "a:\"SET\" \"apple\" \"blue\""), entries);
    }

    @Test
    void shouldSplitMultiKeyCommandsPerShardWithoutCorruptingThemBehindASelect() {
        route("DEL", "a1", "b1", "a2", "c1");
        route("MSET", "a1", "x", "b1", "y");
        assertEquals(List.of("a:\"SELECT\" \"0\"", "a:\"DEL\" \"a1\" \"a2\"", "b:\"SELECT\" \"0\"", "b:\"DEL\" \"b1\"",
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
        assertEquals(List.of("a:\"SELECT\" \"3\"", "a:\"MULTI\" | \"INCR\" \"a1\" | \"INCR\" \"a2\" | \"EXEC\"",
            "b:\"SELECT\" \"3\"", "b:\"MULTI\" | \"INCR\" \"b1\" | \"EXEC\""), entries);
    }

    @Test
    void shouldSendFlushesEverywhereAndDropLinkChatter() {
        route("FLUSHALL");
        assertEquals(CommandRouter.Outcome.DROPPED, route("PING"));
        assertEquals(CommandRouter.Outcome.GETACK, route("REPLCONF", "GETACK", "*"));
        assertEquals(List.of("a:\"SELECT\" \"0\"", "a:\"FLUSHALL\"", "b:\"SELECT\" \"0\"", "b:\"FLUSHALL\""), entries);
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
        assertEquals(List.of("a:\"SELECT\" \"0\"", "a:\"EVAL\" \"return 1\" \"2\" \"a1\" \"a2\" \"argument\""), entries);
        route("EVAL", "return 1", "2", "a1", "b2");
        assertEquals(1, router.crossShard());
    }

    @Test
    void shouldLookUpCommandsIgnoringCaseWithoutBuildingStrings() {
        route("sEt", "apple", "x");
        assertEquals("a:\"sEt\" \"apple\" \"x\"", entries.get(1));
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
