package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.router.config.ConfigParser;

/** What {@code compare} expects of a config's rules: names forwards and backwards, and which values drop rules keep off. */
class CompareRulesTest {
    @TempDir
    Path dir;

    private CompareRules rules(String lines) throws Exception {
        return new CompareRules(ConfigParser.load(Files.writeString(dir.resolve("router.conf"), "upstream 127.0.0.1:6379\njournal "
            + dir.resolve("journal") + "\nshard users 127.0.0.1:7001 prefix=user:\nshard rest 127.0.0.1:7002 regex=.*\n" + lines)));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(List<byte[]> keys) {
        return keys.stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void shouldTraceAShardKeyBackThroughPrefixStepsToTheMasterKeysItsShardOwns() throws Exception {
        final CompareRules r = rules("rewrite users strip-prefix=user:\nrewrite users add-prefix=u:\nrewrite rest strip-prefix=old:\n");
        assertEquals("u:42", new String(r.shardKey(0, b("user:42")), StandardCharsets.UTF_8));
        assertEquals(List.of("user:42"), strings(r.masterKeys(0, b("u:42"))));
        assertEquals(List.of(), strings(r.masterKeys(0, b("user:42"))), "no key of users comes out without u:");
        // strip-prefix: x came from old:x or from x itself, and rest owns both
        assertEquals(List.of("old:x", "x"), strings(r.masterKeys(1, b("x"))));
        assertEquals(List.of("old:user:1"), strings(r.masterKeys(1, b("user:1"))), "user:1 itself is a users key, not rest's");
    }

    @Test
    void shouldNotTraceBackThroughARegexStep() throws Exception {
        final CompareRules r = rules("rewrite rest regex=^tmp:(.*)$ replace=cache:$1\n");
        assertEquals("cache:a", new String(r.shardKey(1, b("tmp:a")), StandardCharsets.UTF_8));
        assertNull(r.masterKeys(1, b("cache:a")));
        assertEquals(false, r.traceable(1));
        assertEquals(true, r.traceable(0));
    }

    @Test
    void shouldSayWhichDropRuleKeepsAValueOff() throws Exception {
        final CompareRules r = rules("drop type=stream\ndrop value=^draft\ndrop larger-than=5\n");
        assertEquals("drop type=stream", r.dropped("stream", null));
        assertEquals("drop value=", r.dropped("string", b("draft")));
        assertEquals("drop larger-than=5", r.dropped("string", b("123456")));
        assertNull(r.dropped("string", b("ok")));
        assertNull(r.dropped("list", null));
    }
}
