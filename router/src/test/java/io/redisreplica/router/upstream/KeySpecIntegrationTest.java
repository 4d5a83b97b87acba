package io.redisreplica.router.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.routing.CommandSpec;
import io.redisreplica.router.routing.CommandTable;
import io.redisreplica.router.routing.KeyArgs;
import io.redisreplica.router.routing.KeyPositions;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * Commands a Redis 7 master's table has and the built-in one does not (a module's, a newer
 * Redis's) route by the master's own key specs. Proved against a real 7.0 master: a table that
 * knows nothing but what the master's {@code COMMAND} says finds, for every write command the
 * built-in table routes, the same keys (container subcommands such as XGROUP CREATE included; a
 * command whose specs the master marks incomplete asks the master with {@code COMMAND GETKEYS}).
 */
class KeySpecIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    /** Write commands as a master propagates them, each with keys where the built-in table puts them. */
    private static final List<String[]> SAMPLES = List.of(
        a("SET", "k", "v", "EX", "10"), a("SETEX", "k", "10", "v"), a("GETDEL", "k"), a("APPEND", "k", "v"),
        a("INCRBYFLOAT", "k", "1.5"), a("SETRANGE", "k", "1", "v"), a("BITFIELD", "k", "SET", "u8", "0", "1"),
        a("DEL", "a", "b", "c"), a("UNLINK", "a", "b"), a("MSET", "a", "1", "b", "2"), a("MSETNX", "a", "1", "b", "2"),
        a("RENAME", "a", "b"), a("RENAMENX", "a", "b"), a("COPY", "a", "b", "DB", "2", "REPLACE"), a("MOVE", "a", "3"),
        a("EXPIRE", "k", "10"), a("PEXPIREAT", "k", "1"), a("PERSIST", "k"), a("RESTORE", "k", "0", "payload", "REPLACE"),
        a("LPUSH", "l", "a", "b"), a("LMOVE", "l", "m", "LEFT", "RIGHT"), a("RPOPLPUSH", "l", "m"), a("LTRIM", "l", "0", "1"),
        a("LMPOP", "2", "l", "m", "LEFT", "COUNT", "2"), a("BLMPOP", "0", "2", "l", "m", "LEFT"), a("LINSERT", "l", "BEFORE", "a", "b"),
        a("SADD", "s", "a"), a("SMOVE", "s", "t", "a"), a("SUNIONSTORE", "d", "s", "t"), a("SDIFFSTORE", "d", "s", "t", "u"),
        a("SINTERSTORE", "d", "s"), a("SPOP", "s", "2"),
        a("ZADD", "z", "1", "a"), a("ZUNIONSTORE", "d", "2", "z", "y", "WEIGHTS", "1", "2"), a("ZINTERSTORE", "d", "1", "z"),
        a("ZDIFFSTORE", "d", "2", "z", "y"), a("ZRANGESTORE", "d", "z", "0", "-1"), a("ZMPOP", "2", "z", "y", "MIN"),
        a("ZPOPMIN", "z", "1"), a("ZREMRANGEBYSCORE", "z", "0", "1"),
        a("HSET", "h", "f", "v"), a("HINCRBYFLOAT", "h", "f", "1"), a("HDEL", "h", "f", "g"),
        a("PFADD", "p", "a"), a("PFMERGE", "d", "p", "q"), a("BITOP", "AND", "d", "a", "b"),
        a("GEOADD", "g", "1", "2", "m"), a("GEOSEARCHSTORE", "d", "g", "FROMMEMBER", "m", "BYRADIUS", "1", "km"),
        a("GEORADIUS", "g", "1", "2", "3", "km", "STORE", "d"),
        a("GEORADIUSBYMEMBER", "g", "m", "3", "km", "STOREDIST", "d"),
        a("SORT", "l", "BY", "nosort", "LIMIT", "0", "1", "STORE", "d"), a("SORT", "l"),
        a("XADD", "x", "*", "f", "v"), a("XTRIM", "x", "MAXLEN", "10"), a("XDEL", "x", "1-1"), a("XACK", "x", "g", "1-1"),
        a("XCLAIM", "x", "g", "c", "0", "1-1"), a("XAUTOCLAIM", "x", "g", "c", "0", "0-0"), a("XSETID", "x", "5-5"),
        a("XGROUP", "CREATE", "x", "g", "$", "MKSTREAM"), a("XGROUP", "SETID", "x", "g", "0", "ENTRIESREAD", "3"),
        a("XGROUP", "CREATECONSUMER", "x", "g", "c"), a("XGROUP", "DELCONSUMER", "x", "g", "c"), a("XGROUP", "DESTROY", "x", "g"),
        a("EVAL", "return 1", "2", "a", "b", "arg"), a("EVALSHA", "abc", "1", "a"), a("FCALL", "f", "2", "a", "b"),
        a("LCS", "a", "b"), a("GETEX", "k", "PERSIST"));

    private static String[] a(String... args) {
        return args;
    }

    @Test
    void shouldFindTheSameKeysFromAMaster7KeySpecsAsTheBuiltInTable() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local());
        final CommandTable builtIn = new CommandTable();
        final CommandTable learned = new CommandTable(false);
        try (MasterSideConnection side = new MasterSideConnection("127.0.0.1", master.port(), null, null)) {
            int specs = 0;
            for (Object entry : (List<?>) master.call("COMMAND")) {
                final List<?> info = (List<?>) entry;
                assertTrue(info.size() > 8, "a 7.0 master gives key specs");
                if (MasterCommands.learn(learned, toStrings(info))) {
                    specs++;
                }
            }
            assertTrue(specs > 200, "the whole table was learned, " + specs);
            final List<String> differences = new ArrayList<>();
            for (String[] args : SAMPLES) {
                final Command c = command(args);
                final CommandSpec spec = learned.lookup(c);
                assertNotNull(spec, args[0]);
                final KeyArgs keys = new KeyArgs();
                final int n;
                if (spec.search() == CommandSpec.Search.KEY_SPECS && spec.incompleteKeySpecs()) {
                    side.keys(c, keys); // SORT's STORE: Redis marks its spec incomplete
                    n = keys.count();
                } else {
                    n = KeyPositions.of(c, spec, keys);
                }
                final TreeSet<Integer> fromSpecs = positions(keys, n);
                final KeyArgs builtInKeys = new KeyArgs();
                final TreeSet<Integer> fromTable = positions(builtInKeys, KeyPositions.of(c, builtIn.lookup(c), builtInKeys));
                if (!fromSpecs.equals(fromTable)) {
                    differences.add(String.join(" ", args) + ": key specs " + fromSpecs + " (" + spec.name() + " " + spec.keySpecs()
                        + "), built-in " + fromTable);
                }
            }
            assertEquals(List.of(), differences);
        }
    }

    @Test
    void shouldAskTheMasterForTheKeysOfACommandWhoseSpecsAreIncomplete() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local());
        try (MasterSideConnection side = new MasterSideConnection("127.0.0.1", master.port(), null, null)) {
            final KeyArgs keys = new KeyArgs();
            side.keys(command("SORT", "src", "BY", "w_*", "GET", "o_*", "STORE", "src"), keys);
            assertEquals(2, keys.count(), "the source, and the destination of the same name as a second argument");
            assertEquals(1, keys.arg(0));
            assertEquals(7, keys.arg(1));
        }
    }

    /** The test client answers bulks as byte[]; the router's COMMAND reader as String, as the learner expects. */
    private static List<?> toStrings(List<?> list) {
        final List<Object> out = new ArrayList<>();
        for (Object o : list) {
            out.add(o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : o instanceof List<?> l ? toStrings(l) : o);
        }
        return out;
    }

    private static TreeSet<Integer> positions(KeyArgs keys, int n) {
        final TreeSet<Integer> set = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            set.add(keys.arg(i));
        }
        return set;
    }

    private static Command command(String... args) {
        final ExpandableArrayBuffer buf = new ExpandableArrayBuffer();
        final int len = new RespWriter().wrap(buf, 0).command(args).length();
        final CommandFramer framer = new CommandFramer();
        framer.frame(buf, 0, len);
        return framer.command();
    }
}
