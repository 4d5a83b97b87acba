package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.journal.Checkpoint;
import io.redisreplica.journal.Journal;
import io.redisreplica.journal.JournalContext;
import io.redisreplica.journal.JournalWriter;

class JournalCommandsTest {
    @TempDir
    Path dir;

    private long write() {
        try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0))) {
            final JournalWriter writer = journal.shard("a").writer(0);
            writer.append(10, 0, 0, "*3\r\n$3\r\nSET\r\n$5\r\napple\r\n$3\r\nred\r\n".getBytes(StandardCharsets.US_ASCII));
            writer.append(20, 1, 0, "*2\r\n$4\r\nINCR\r\n$7\r\navocado\r\n".getBytes(StandardCharsets.US_ASCII));
            final long end = writer.commit();
            journal.writeCheckpoint(new Checkpoint().upstream("abc123", 20).receiver("a", "replica-1", 33, false)
                .shardMap(java.util.Map.of("a", "keys=\"regex=^a\"")));
            return end;
        }
    }

    @Test
    void shouldListAndVerifyAJournalWithAnEmptyShard() {
        write();
        try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0))) {
            journal.shard("b").writer(0).commit(); // a shard that never got an entry (its keys never written)
        }
        final Cli ls = Cli.run("journal", "ls", dir.toString());
        assertEquals(0, ls.exit(), ls.out() + ls.err());
        assertTrue(ls.out().lines().anyMatch(l -> l.startsWith("b ")), ls.out());
        final Cli verify = Cli.run("journal", "verify", dir.toString());
        assertEquals(0, verify.exit(), verify.out() + verify.err());
    }

    @Test
    void shouldListShardsAndReceivers() {
        final long end = write();
        final Cli cli = Cli.run("journal", "ls", dir.toString());
        assertEquals(0, cli.exit(), cli.err());
        assertTrue(cli.out().contains("upstream replid abc123, covered offset 20"), cli.out());
        assertTrue(cli.out().lines().anyMatch(l -> l.startsWith("a ") && l.contains(" " + end + " ") && l.contains(" 2 ")), cli.out());
        assertTrue(cli.out().contains("receiver replica-1 of shard a: acknowledged 33, lag " + (end - 33) + " bytes"), cli.out());
        assertTrue(cli.out().contains("\nshard map a: keys=\"regex=^a\"\n"), cli.out());
        final Cli json = Cli.run("journal", "ls", dir.toString(), "--json");
        assertTrue(json.out().contains("],\"shard_map\":{\"a\":\"keys=\\\"regex=^a\\\"\"}}"), json.out());
        assertTrue(json.out().contains("\"receivers\":[{\"shard\":\"a\",\"receiver\":\"replica-1\",\"acked_offset\":33,\"lag_bytes\":"
            + (end - 33) + ",\"needs_full_resync\":false}]"), json.out());
    }

    @Test
    void shouldFollowTheSelectsInsideATransactionEntryForItsCommandsDbs() {
        try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0))) {
            final JournalWriter writer = journal.shard("a").writer(0);
            writer.append(10, 0, 0, ("*1\r\n$5\r\nMULTI\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n"
                + "*2\r\n$4\r\nINCR\r\n$2\r\na1\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*2\r\n$4\r\nINCR\r\n$2\r\na2\r\n"
                + "*1\r\n$4\r\nEXEC\r\n").getBytes(StandardCharsets.US_ASCII));
            writer.commit();
        }
        final Cli db2 = Cli.run("journal", "tail", dir.toString(), "-s", "a", "--db", "2", "--command", "incr");
        assertEquals(0, db2.exit(), db2.err());
        assertEquals("0 db=2 upstream=10 \"INCR\" \"a2\"\n", db2.out());
    }

    @Test
    void shouldPrintEntriesAsCommandsWithFilters() {
        write();
        final Cli all = Cli.run("journal", "tail", dir.toString(), "-s", "a");
        assertEquals(0, all.exit(), all.err());
        assertEquals("0 db=0 upstream=10 \"SET\" \"apple\" \"red\"\n33 db=1 upstream=20 \"INCR\" \"avocado\"\n", all.out());
        final Cli filtered = Cli.run("journal", "grep", dir.toString(), "-s", "a", "--command", "incr");
        assertEquals("33 db=1 upstream=20 \"INCR\" \"avocado\"\n", filtered.out());
        final Cli from = Cli.run("journal", "tail", dir.toString(), "-s", "a", "--from", "33");
        assertEquals("33 db=1 upstream=20 \"INCR\" \"avocado\"\n", from.out());
        final Cli middle = Cli.run("journal", "tail", dir.toString(), "-s", "a", "--from", "5");
        assertEquals(ExitCodes.BAD_INPUT, middle.exit());
        assertEquals("error: --from 5 is inside an entry, not at its start (entries start where the previous one ends: see journal "
            + "tail); shard a holds offsets 0..60\n", middle.err());
    }

    @Test
    void shouldPrintAndVerifyEntriesWrittenInPiecesWhole() {
        try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0).maxPieceLength(10))) {
            final JournalWriter writer = journal.shard("a").writer(0);
            writer.append(10, 0, 0, "*3\r\n$3\r\nSET\r\n$5\r\napple\r\n$3\r\nred\r\n".getBytes(StandardCharsets.US_ASCII));
            writer.append(20, 1, 0, "*2\r\n$4\r\nINCR\r\n$7\r\navocado\r\n".getBytes(StandardCharsets.US_ASCII));
            writer.commit();
        }
        final Cli all = Cli.run("journal", "tail", dir.toString(), "-s", "a");
        assertEquals(0, all.exit(), all.err());
        assertEquals("0 db=0 upstream=10 \"SET\" \"apple\" \"red\"\n33 db=1 upstream=20 \"INCR\" \"avocado\"\n", all.out());
        final Cli inside = Cli.run("journal", "tail", dir.toString(), "-s", "a", "--from", "10");
        assertEquals(ExitCodes.BAD_INPUT, inside.exit(), "the end of a piece is not an entry boundary");
        assertTrue(inside.err().startsWith("error: --from 10 is inside an entry, not at its start"), inside.err());
        final Cli verify = Cli.run("journal", "verify", dir.toString());
        assertEquals(0, verify.exit(), verify.out() + verify.err());
    }

    @Test
    void shouldReadCommandsLongerThanTheFramersUsualCap() {
        final byte[] value = new byte[9_000_000];
        java.util.Arrays.fill(value, (byte) 'v');
        final byte[] head = ("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
        final byte[] set = new byte[head.length + value.length + 2];
        System.arraycopy(head, 0, set, 0, head.length);
        System.arraycopy(value, 0, set, head.length, value.length);
        set[set.length - 2] = '\r';
        set[set.length - 1] = '\n';
        try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0))) {
            final JournalWriter writer = journal.shard("a").writer(0);
            writer.append(10, 0, 0, set);
            writer.append(20, 0, 0, "*2\r\n$4\r\nINCR\r\n$7\r\navocado\r\n".getBytes(StandardCharsets.US_ASCII));
            writer.commit();
        }
        final Cli incr = Cli.run("journal", "grep", dir.toString(), "-s", "a", "--command", "incr");
        assertEquals(0, incr.exit(), incr.err());
        assertEquals(set.length + " db=0 upstream=20 \"INCR\" \"avocado\"\n", incr.out());
    }

    @Test
    void shouldMatchAnyKeyOfAMultiKeyCommandAndStartFromATime() {
        try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0))) {
            final JournalWriter writer = journal.shard("a").writer(0);
            writer.append(10, 0, 0, "*3\r\n$3\r\nDEL\r\n$4\r\nkiwi\r\n$5\r\napple\r\n".getBytes(StandardCharsets.US_ASCII));
            writer.append(20, 0, 0, "*2\r\n$4\r\nINCR\r\n$4\r\nplum\r\n".getBytes(StandardCharsets.US_ASCII));
            writer.commit();
        }
        final Cli key = Cli.run("journal", "grep", dir.toString(), "-s", "a", "--key", "^apple$", "--json");
        assertEquals("{\"offset\":0,\"db\":0,\"upstream\":10,\"args\":[\"DEL\",\"kiwi\",\"apple\"]}\n", key.out());
        final Cli lastHour = Cli.run("journal", "tail", dir.toString(), "-s", "a", "--since", "1h");
        assertEquals(2, lastHour.out().lines().count(), lastHour.out() + lastHour.err());
        final Cli future = Cli.run("journal", "tail", dir.toString(), "-s", "a", "--since", "2999-01-01T00:00:00Z");
        assertEquals("", future.out(), future.err());
        final Cli bad = Cli.run("journal", "tail", dir.toString(), "-s", "a", "--since", "yesterday");
        assertEquals(ExitCodes.USAGE, bad.exit(), "a bad option value is a usage error, as --from with --since is");
        assertTrue(bad.err().contains("--since yesterday: neither an ISO-8601 instant"), bad.err());
    }

    @Test
    void shouldVerifyAJournalAndAcceptACheckpointClampedAtOpen() throws Exception {
        write();
        final Cli ok = Cli.run("journal", "verify", dir.toString());
        assertEquals(0, ok.exit(), ok.err());
        final Cli json = Cli.run("journal", "verify", dir.toString(), "--json");
        assertEquals("{\"journal\":\"" + dir + "\",\"shards\":1,\"consistent\":true,\"problems\":[]}\n", json.out());
        Files.writeString(dir.resolve("checkpoint"), "version 1\nupstream abc 1\nreceiver a r 99999 live\n");
        final Cli bad = Cli.run("journal", "verify", dir.toString());
        assertEquals(ExitCodes.OK, bad.exit(), "opening reconciles the checkpoint: it is clamped, and logged");
    }

    /** A real journal's entries: the stream's SELECT before a write, and the router's keep-alive PING. */
    private void writeLikeTheRouter() {
        try (Journal journal = Journal.open(new JournalContext().dir(dir).minFreeBytes(0))) {
            final JournalWriter writer = journal.shard("a").writer(0);
            writer.append(10, 0, 0, ("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$5\r\napple\r\n$3\r\nred\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            writer.append(10, 0, io.redisreplica.journal.JournalEntryDescriptor.FLAG_NO_KEY, JournalFixtures.PING);
            writer.append(20, 0, 0, JournalFixtures.INCR_AVOCADO);
            writer.append(20, 0, io.redisreplica.journal.JournalEntryDescriptor.FLAG_NO_KEY, JournalFixtures.PING);
            writer.commit();
        }
    }

    @Test
    void shouldFindKeysInAJournalWithSelectsAndKeepAlivePings() {
        writeLikeTheRouter();
        final Cli key = Cli.run("journal", "tail", dir.toString(), "-s", "a", "--key", "^apple$");
        assertEquals(0, key.exit(), key.err());
        assertEquals("0 db=0 upstream=10 \"SET\" \"apple\" \"red\"\n", key.out());
    }

    @Test
    void shouldHideKeepAlivePingsUnlessAsked() {
        writeLikeTheRouter();
        final Cli tail = Cli.run("journal", "tail", dir.toString(), "-s", "a");
        assertEquals("0 db=0 upstream=10 \"SELECT\" \"0\"\n0 db=0 upstream=10 \"SET\" \"apple\" \"red\"\n"
            + "70 db=0 upstream=20 \"INCR\" \"avocado\"\n", tail.out());
        final Cli pings = Cli.run("journal", "tail", dir.toString(), "-s", "a", "--pings");
        assertEquals(2, pings.out().lines().filter(l -> l.endsWith("\"PING\"")).count(), pings.out());
        final Cli asked = Cli.run("journal", "grep", dir.toString(), "-s", "a", "--command", "ping");
        assertEquals(2, asked.out().lines().count(), asked.out());
    }

    @Test
    void shouldApplyTheFiltersBeforeTheLastN() {
        writeLikeTheRouter();
        final Cli lastSet = Cli.run("journal", "tail", dir.toString(), "-s", "a", "-n", "1", "--command", "set");
        assertEquals(0, lastSet.exit(), lastSet.err());
        assertEquals("0 db=0 upstream=10 \"SET\" \"apple\" \"red\"\n", lastSet.out(), "the last SET, though later entries follow it");
        final Cli lastTwo = Cli.run("journal", "tail", dir.toString(), "-s", "a", "-n", "2");
        assertEquals("0 db=0 upstream=10 \"SET\" \"apple\" \"red\"\n70 db=0 upstream=20 \"INCR\" \"avocado\"\n", lastTwo.out(),
            "the last two commands shown, the keep-alive PINGs not counted");
        assertEquals("", Cli.run("journal", "tail", dir.toString(), "-s", "a", "-n", "0").out());
    }

    @Test
    void shouldReportTheBytesOnDiskOfSparseJournalFiles() {
        write();
        final Cli ls = Cli.run("journal", "ls", dir.toString(), "--json");
        final tools.jackson.databind.JsonNode shard = JsonParsing.parse(ls.out()).get("shards").get(0);
        assertTrue(shard.get("bytes").asLong() > 0, ls.out());
        assertTrue(shard.get("bytes").asLong() < shard.get("apparent_bytes").asLong() / 10,
            "Chronicle's files are sparse: " + ls.out());
        final Cli text = Cli.run("journal", "ls", dir.toString());
        assertTrue(text.out().contains(" " + shard.get("bytes").asLong() + "\n"), text.out());
    }
}
