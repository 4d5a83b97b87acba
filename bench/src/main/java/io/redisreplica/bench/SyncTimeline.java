package io.redisreplica.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import io.redisreplica.testkit.RedisServer;

/**
 * A full sync's moments as the redis-servers log them (their own clock, to the millisecond): when
 * the master started an RDB for a replica ({@code Starting BGSAVE for SYNC}), when a replica had
 * received it whole ({@code sync: Loading DB in memory}) and when it had loaded it ({@code sync:
 * Finished with success}). From one to the other is a full sync
 * measured the same way for the direct replica and for the router's shards, without the cost of
 * starting a process or the router; and every replication line of every server, merged in time
 * order, is the timeline beside the router's own log (same {@code HH:mm:ss.SSS} format).
 */
final class SyncTimeline {
    /** {@code pid:role dd Mon yyyy HH:mm:ss.SSS * message}, as Redis 3.2 and later write it. */
    private static final DateTimeFormatter REDIS = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ENGLISH);
    private static final DateTimeFormatter PRINTED = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    static final String RDB_STARTED = "Starting BGSAVE for SYNC";
    static final String LOADED = "sync: Finished with success";
    /** The replica has the whole RDB and starts loading it. */
    static final String RECEIVED = "sync: Loading DB in memory";

    /** One line of one server's log. */
    record Line(LocalDateTime at, String server, String text) {
        @Override
        public String toString() {
            return PRINTED.format(at) + " [" + server + "] " + text;
        }
    }

    private SyncTimeline() {
    }

    /** The lines of {@code server}'s log that hold {@code text}, in order. */
    static List<Line> find(RedisServer server, String label, String text) {
        final List<Line> found = new ArrayList<>();
        for (Line l : lines(server, label)) {
            if (l.text().contains(text)) {
                found.add(l);
            }
        }
        return found;
    }

    /** When {@code server} first logged a line that holds {@code text}, or null. */
    static LocalDateTime first(RedisServer server, String text) {
        final List<Line> found = find(server, "", text);
        return found.isEmpty() ? null : found.get(0).at();
    }

    /** Every line of {@code server}'s log that has a time. */
    static List<Line> lines(RedisServer server, String label) {
        final List<String> raw;
        try {
            raw = Files.readAllLines(server.dir().resolve("redis.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final List<Line> lines = new ArrayList<>();
        for (String r : raw) {
            // "123:M 02 Dec 2026 03:50:36.123 * message": the time is 24 characters after "pid:R "
            final int role = r.indexOf(':');
            if (role < 0 || role + 30 > r.length()) {
                continue;
            }
            try {
                lines.add(new Line(LocalDateTime.parse(r.substring(role + 3, role + 27), REDIS), label, r.substring(role + 30)));
            } catch (DateTimeParseException e) {
                // a banner line, without a time
            }
        }
        return lines;
    }

    /** The lines of all these logs from {@code from} on, in time order. */
    static List<Line> merged(List<List<Line>> logs, LocalDateTime from) {
        final List<Line> all = new ArrayList<>();
        for (List<Line> log : logs) {
            for (Line l : log) {
                if (!l.at().isBefore(from)) {
                    all.add(l);
                }
            }
        }
        all.sort(Comparator.comparing(Line::at));
        return all;
    }

    /** With {@code -Dbench.timeline=true}: a step of the harness, on stderr, in the format the timeline merges. */
    static void mark(String step) {
        if (Boolean.getBoolean("bench.timeline")) {
            System.err.println(PRINTED.format(LocalDateTime.now()) + " [bench] " + step);
        }
    }

    static double seconds(LocalDateTime from, LocalDateTime to) {
        return java.time.Duration.between(from, to).toNanos() / 1e9;
    }
}
