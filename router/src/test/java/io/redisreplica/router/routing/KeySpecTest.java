package io.redisreplica.router.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespWriter;

/** Key specs as Redis 7 documents them, in the forms no built-in command of 7.0 uses but a module may. */
class KeySpecTest {
    private static List<Object> spec(String flag, List<Object> begin, List<Object> find) {
        return List.of("flags", flag == null ? List.of() : List.of(flag), "begin_search", begin, "find_keys", find);
    }

    private static List<Object> index(long i) {
        return List.of("type", "index", "spec", List.of("index", i));
    }

    private static List<Object> keyword(String word, long startFrom) {
        return List.of("type", "keyword", "spec", List.of("keyword", word, "startfrom", startFrom));
    }

    private static List<Object> range(long lastKey, long step, long limit) {
        return List.of("type", "range", "spec", List.of("lastkey", lastKey, "keystep", step, "limit", limit));
    }

    private static List<Object> keynum(long idx, long first, long step) {
        return List.of("type", "keynum", "spec", List.of("keynumidx", idx, "firstkey", first, "keystep", step));
    }

    private static List<Integer> keys(List<KeySpec> specs, String... args) {
        final ExpandableArrayBuffer buf = new ExpandableArrayBuffer();
        final int len = new RespWriter().wrap(buf, 0).command(args).length();
        final CommandFramer framer = new CommandFramer();
        framer.frame(buf, 0, len);
        final Command c = framer.command();
        final KeyArgs keys = new KeyArgs();
        final int n = KeyPositions.of(c, CommandSpec.keySpecs(args[0], specs), keys);
        final List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(keys.arg(i));
        }
        return out;
    }

    @Test
    void shouldSearchAKeywordBackwardsFromTheEndWhenStartFromIsNegative() {
        final List<KeySpec> specs = List.of(KeySpec.parse(spec(null, keyword("KEYS", -2), range(-1, 1, 0))));
        assertEquals(List.of(4, 5), keys(specs, "MOD.CMD", "KEYS", "x", "KEYS", "a", "b"), "the last KEYS keyword, then the rest");
        assertEquals(List.of(), keys(specs, "MOD.CMD", "a", "b"), "no keyword: no keys");
    }

    @Test
    void shouldTakeAShareOfTheRemainingArgumentsWithALimit() {
        // XREAD-like: STREAMS k1 k2 id1 id2: half of what follows the keyword
        final List<KeySpec> specs = List.of(KeySpec.parse(spec(null, keyword("STREAMS", 1), range(-1, 1, 2))));
        assertEquals(List.of(4, 5), keys(specs, "MOD.READ", "COUNT", "1", "STREAMS", "k1", "k2", "0", "0"));
    }

    @Test
    void shouldReadTheKeyCountAndStepOverValues() {
        // MOD.MSET n k1 v1 k2 v2: count at index 1, keys from index 2, every second argument; as Redis's
        // getKeysUsingKeySpecs computes it, the last key is first + n - 1, so n counts arguments, not keys
        final List<KeySpec> specs = List.of(KeySpec.parse(spec(null, index(1), keynum(0, 1, 2))));
        assertEquals(List.of(2, 4), keys(specs, "MOD.MSET", "4", "k1", "v1", "k2", "v2"));
        assertEquals(List.of(), keys(specs, "MOD.MSET", "x", "k1", "v1"), "a count that is not a number: the master refused it");
    }

    @Test
    void shouldUniteSeveralSpecsWithoutCountingAKeyTwice() {
        final List<KeySpec> specs = List.of(KeySpec.parse(spec("RW", index(1), range(0, 1, 0))),
            KeySpec.parse(spec("OW", keyword("STORE", 2), range(0, 1, 0))), KeySpec.parse(spec("RO", index(1), range(0, 1, 0))));
        assertEquals(List.of(1, 4), keys(specs, "MOD.SORT", "src", "x", "STORE", "dst"));
    }

    @Test
    void shouldSkipSpecsThatNameNoKeyAndMarkUnknownSearchesIncomplete() {
        assertNull(KeySpec.parse(spec("NOT_KEY", index(1), range(0, 1, 0))));
        final KeySpec unknown = KeySpec.parse(List.of("flags", List.of(), "begin_search", List.of("type", "unknown", "spec", List.of()),
            "find_keys", List.of("type", "unknown", "spec", List.of())));
        assertTrue(unknown.incomplete());
        assertEquals(List.of(), keys(List.of(unknown), "MOD.ANY", "a", "b"), "never the command name as a key");
    }

    @Test
    void shouldRouteAContainersSubcommandByItsOwnSpecs() {
        final CommandTable table = new CommandTable(false);
        table.learn("mod.group", List.of(), Map.of("create", List.of(KeySpec.parse(spec("RW", index(2), range(0, 1, 0))))));
        final ExpandableArrayBuffer buf = new ExpandableArrayBuffer();
        final int len = new RespWriter().wrap(buf, 0).command("MOD.GROUP", "create", "k", "g").length();
        final CommandFramer framer = new CommandFramer();
        framer.frame(buf, 0, len);
        final CommandSpec spec = table.lookup(framer.command());
        assertEquals("MOD.GROUP|create", spec.name());
        final KeyArgs keys = new KeyArgs();
        assertEquals(1, KeyPositions.of(framer.command(), spec, keys));
        assertEquals(2, keys.arg(0));
    }
}
