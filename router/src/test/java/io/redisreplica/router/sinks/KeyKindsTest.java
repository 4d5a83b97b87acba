package io.redisreplica.router.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.api.KeyEvent;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.journal.JournalReader;
import io.redisreplica.journal.JournalWriter;
import io.redisreplica.journal.ShardJournal;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.config.RouterConfig;
import io.redisreplica.router.sinks.index.KeyIndex;

/** Each command's kinds, as a master propagates it, read back from a shard journal (a clock the test sets). */
class KeyKindsTest {
    private static final long NOW = 1_800_000_000_000L;

    @TempDir
    Path dir;
    private Journal journal;
    private JournalWriter writer;
    private JournalReader reader;
    private KeyIndex index;
    private KeyEvents events;
    private final RespWriter resp = new RespWriter();
    private final ExpandableArrayBuffer bytes = new ExpandableArrayBuffer();
    private final JournalEntry entry = new JournalEntry();

    @BeforeEach
    void open() {
        final RouterConfig config = ConfigParser.parse("upstream 127.0.0.1:1\njournal " + dir.resolve("journal")
            + "\nshard a 127.0.0.1:2 prefix=a:\n", "test");
        journal = Journal.open(config.journalContext());
        final ShardJournal sj = journal.shard("a");
        writer = sj.writer(0);
        reader = sj.reader();
        index = KeyIndex.open(dir.resolve("index"));
        events = new KeyEvents(false, new KeyKinds(index, offset -> NOW), EnumSet.allOf(KeyEvent.Kind.class));
    }

    @AfterEach
    void close() {
        reader.close();
        index.close();
        journal.close();
    }

    /** Journals one command in {@code db} and returns its events as "kind db key type" lines. */
    private List<String> runIn(int db, Object... words) {
        resp.wrap(bytes, 0).arrayHeader(words.length);
        for (Object w : words) {
            resp.bulk(String.valueOf(w));
        }
        writer.append(0, db, 0, bytes, 0, resp.position());
        writer.commit();
        final List<KeyEvent> out = new ArrayList<>();
        while (reader.next(entry)) {
            events.of("a", entry, out);
        }
        final List<String> lines = new ArrayList<>();
        for (KeyEvent e : out) {
            lines.add(e.eventName() + " " + e.db() + " " + e.keyString() + " " + e.keyType());
        }
        return lines;
    }

    private List<String> run(Object... words) {
        return runIn(0, words);
    }

    @Test
    void shouldTellAnAddedKeyFromAChangedOneAndADelFromAnExpiry() {
        assertEquals(List.of("add 0 a:1 string"), run("SET", "a:1", "v"));
        assertEquals(List.of("change 0 a:1 string"), run("SET", "a:1", "w"));
        assertEquals(List.of("change 0 a:1 string"), run("PEXPIREAT", "a:1", NOW + 1000));
        assertEquals(List.of("del 0 a:1 none"), run("DEL", "a:1"), "deleted before its expiry");
        assertEquals(List.of("add 0 a:2 string"), run("SET", "a:2", "v", "PXAT", NOW - 1));
        assertEquals(List.of("expire 0 a:2 none"), run("DEL", "a:2"), "the master's DEL for a key whose expiry passed");
        assertEquals(List.of("add 0 a:3 string"), run("SET", "a:3", "v", "PXAT", NOW - 1));
        assertEquals(List.of("change 0 a:3 string"), run("SET", "a:3", "w"), "a SET without KEEPTTL clears the expiry");
        assertEquals(List.of("del 0 a:3 none"), run("UNLINK", "a:3"));
    }

    @Test
    void shouldSayWriteForTheNextWriteOfAKeyAnElementRemovalMayHaveEmptied() {
        assertEquals(List.of("add 0 a:l list"), run("RPUSH", "a:l", "x", "y"));
        assertEquals(List.of("change 0 a:l list"), run("LPOP", "a:l"));
        assertEquals(List.of("write 0 a:l list"), run("LPUSH", "a:l", "z"), "the LPOP may have emptied it: add or change");
        assertEquals(List.of("change 0 a:l list"), run("LPUSH", "a:l", "z"), "known to exist again");
        assertEquals(List.of("change 0 a:s set"), run("SREM", "a:s", "m"), "propagated, so it existed");
        assertEquals(List.of("del 0 a:s none"), run("DEL", "a:s"), "an SPOP that empties a set comes as DEL");
    }

    @Test
    void shouldFollowRenameMoveCopyAndStoresWithoutEventsForTheirSources() {
        run("HSET", "a:h", "f", "v");
        run("PEXPIREAT", "a:h", NOW - 5);
        assertEquals(List.of("rename_from 0 a:h none", "rename_to 0 a:g hash"), run("RENAME", "a:h", "a:g"));
        assertEquals(List.of("expire 0 a:g none"), run("DEL", "a:g"), "the destination took the source's expiry");
        run("SADD", "a:x", "1");
        assertEquals(List.of("add 0 a:d set"), run("SINTERSTORE", "a:d", "a:x", "a:y"), "the sources are only read");
        assertEquals(List.of("change 0 a:d set"), run("SUNIONSTORE", "a:d", "a:x"));
        assertEquals(List.of("write 0 a:d set"), run("SADD", "a:d", "2"), "an empty result would have deleted it");
        assertEquals(List.of("add 2 a:c set"), run("COPY", "a:x", "a:c", "DB", "2"));
        assertEquals(List.of("del 0 a:x none", "add 3 a:x set"), run("MOVE", "a:x", "3"));
        assertEquals(List.of("change 3 a:x set"), runIn(3, "SADD", "a:x", "9"));
    }

    @Test
    void shouldFlushAndSwapDatabasesInTheIndex() {
        run("SET", "a:1", "v");
        runIn(1, "SET", "a:1", "v");
        assertEquals(List.of("flush 0 null null"), run("FLUSHDB"));
        assertEquals(List.of("add 0 a:1 string"), run("SET", "a:1", "v"));
        assertEquals(List.of(), run("SWAPDB", "0", "1"));
        assertEquals(List.of("add 1 a:2 string"), runIn(1, "SET", "a:2", "v"));
        assertEquals(List.of("change 1 a:1 string"), runIn(1, "SET", "a:1", "v"), "db 0's key went to db 1");
        assertEquals(List.of("flush -1 null null"), run("FLUSHALL"));
        assertEquals(List.of("add 1 a:1 string"), runIn(1, "SET", "a:1", "v"));
    }

    @Test
    void shouldTakeTheTypeOfARestoredKeyFromItsPayload() {
        // a DUMP payload starts with the RDB type byte: 4 is a hash
        assertEquals(List.of("add 0 a:r hash"), run("RESTORE", "a:r", "0", "\u0004rest"));
        assertEquals(List.of("write 0 a:e unknown"), run("JSON.SET", "a:e", "$", "{}"), "a command the router does not know");
    }

    @Test
    void shouldWriteTheKindAsTheEventAndTheKeysTypeInTheJsonOnlyWithKinds() {
        final KeyEvent plain = new KeyEvent("a", 0, 42, KeyEvent.Type.WRITE, "SET", "a:1".getBytes(), List.of());
        assertEquals("{\"event\":\"write\",\"shard\":\"a\",\"db\":0,\"offset\":42,\"command\":\"SET\",\"key\":\"a:1\"}",
            RedisSinkDelivery.json(plain), "without kinds= as before");
        final KeyEvent kind = new KeyEvent("a", 0, 42, KeyEvent.Type.WRITE, "SET", "a:1".getBytes(), List.of(), KeyEvent.Kind.ADD, "string");
        assertEquals("{\"event\":\"add\",\"shard\":\"a\",\"db\":0,\"offset\":42,\"command\":\"SET\",\"key\":\"a:1\",\"type\":\"string\"}",
            RedisSinkDelivery.json(kind));
        assertEquals(kind, new KeyEvent("a", 0, 42, KeyEvent.Type.WRITE, "SET", "a:1".getBytes(), List.of(), KeyEvent.Kind.ADD, "string"),
            "equal by content: another array with the same bytes");
    }
}
