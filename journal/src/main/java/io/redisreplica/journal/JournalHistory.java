package io.redisreplica.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which line of entries a shard journal holds, so that a reader which recorded a position in an
 * earlier run (a sink's delivered offset) can tell whether that position is still in this journal
 * and means the same entries.
 *
 * <p>A journal made anew (the first start, or after a damaged one was set aside) gets a new random
 * id: offsets in it start again and say nothing of the old one. A journal cut back at start to its
 * last good entry keeps its entries up to that offset and gets the master's commands after it
 * journaled again, possibly at other offsets (a translated value is read anew): it keeps its old
 * ids and gets a new one that starts at the cut. A full resync of the master is neither: the
 * journal goes on with the same offsets and the same line.
 *
 * <p>Every writable open adds a line at the journal's end: a journal that lost entries it had
 * (its tail, after a power loss with {@code journal-sync none}) gets the master's commands after
 * its end again, so a position an earlier run recorded past that end is on an earlier line and
 * goes on from the end by upstream offset, while one recorded in this run is on the new line.
 *
 * <p>Stored as the file {@code history} in the shard's directory, one line per id, {@code ID
 * START [new]} oldest first, START being the offset from which that line's entries differ from the
 * line before it, {@code new} on a first line made for an empty journal; replaced atomically (a
 * crash leaves the old file or the new one), at most {@link #MAX_LINES} lines. A journal from
 * before histories were recorded gets its first id when the router next opens it; a position
 * recorded then (a bare offset) resolves against that first line only when it was not made for an
 * empty journal (a journal made anew says nothing of an old offset). An unreadable file is
 * replaced by a new history (logged): positions recorded under it become unknown, not a reason
 * to set the journal aside.
 */
public final class JournalHistory {
    static final String FILE = "history";
    /** Lines kept: one per start, so this many starts back; a position older than that is unknown (a gap). */
    static final int MAX_LINES = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(JournalHistory.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One line of entries: its id and the offset where it parted from the line before it (0 for
     * the first); {@code fresh} for a first line made for an empty journal.
     */
    record Line(String id, long start, boolean fresh) {
    }

    /** Whether and where a recorded position goes on in this journal. */
    public enum Match {
        /** The position's entries are this journal's: go on at its offset. */
        SAME,
        /** The position is on an earlier line that parted from this one at {@link Resolution#at()}: go on from there by upstream offset. */
        FORKED,
        /** The position belongs to another journal (one set aside, or another shard's): nothing of it is here. */
        UNKNOWN
    }

    /** Where a recorded position goes on: {@code at} is its offset ({@code SAME}) or the offset where the lines part ({@code FORKED}). */
    public record Resolution(Match match, long at) {
    }

    private final List<Line> lines;

    private JournalHistory(List<Line> lines) {
        this.lines = List.copyOf(lines);
    }

    /** The history of the journal in {@code dir}; none (an empty history) when it has no file. */
    static JournalHistory read(Path dir) {
        final Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return new JournalHistory(List.of());
        }
        final List<Line> lines = new ArrayList<>();
        try {
            int number = 0;
            for (String text : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                number++;
                final String[] words = text.trim().split(" ");
                if (text.isBlank()) {
                    continue;
                }
                if (words.length < 2 || words.length > 3 || (words.length == 3 && !words[2].equals("new"))) {
                    throw new JournalException("journal history " + file + " line " + number + ": expected \"ID START [new]\", found \""
                        + text + "\"");
                }
                lines.add(new Line(words[0], Long.parseLong(words[1]), words.length == 3));
            }
        } catch (IOException | NumberFormatException e) {
            throw new JournalException("journal history " + file + " cannot be read: " + e.getMessage(), e);
        }
        return new JournalHistory(lines);
    }

    /** The history of a journal only looked at: none when its file is missing or unreadable. */
    static JournalHistory readQuietly(Path dir) {
        try {
            return read(dir);
        } catch (JournalException e) {
            LOG.debug("{}", e.getMessage());
            return new JournalHistory(List.of());
        }
    }

    /**
     * At a writable open of the journal in {@code dir}, which ends at {@code end}: its history with
     * a new line starting there (the first, for a journal without one; {@code empty} says whether
     * the journal holds no entry), written.
     */
    static JournalHistory opened(Path dir, long end, boolean empty) {
        JournalHistory history;
        try {
            history = read(dir);
        } catch (JournalException e) {
            LOG.warn("{}: it is replaced by a new history; sinks whose positions it recorded go on at the shard's snapshot",
                e.getMessage());
            history = new JournalHistory(List.of());
        }
        if (history.lines.isEmpty()) {
            return new JournalHistory(List.of(new Line(newId(), 0, empty))).write(dir);
        }
        return history.append(end).write(dir);
    }

    /** This history with a new line parting at {@code start} (the oldest lines beyond {@link #MAX_LINES} dropped). */
    JournalHistory append(long start) {
        final List<Line> next = new ArrayList<>(lines.subList(Math.max(0, lines.size() - MAX_LINES + 1), lines.size()));
        next.add(new Line(newId(), start, false));
        return new JournalHistory(next);
    }

    private static String newId() {
        final byte[] id = new byte[8];
        RANDOM.nextBytes(id); // not generateSeed: that may block on the kernel's entropy at start
        return HexFormat.of().formatHex(id);
    }

    /** Writes this history to {@code dir} (a temp file, synced, renamed over the old one). */
    JournalHistory write(Path dir) {
        final Path file = dir.resolve(FILE);
        final Path temp = dir.resolve(FILE + ".tmp");
        final StringBuilder text = new StringBuilder();
        lines.forEach(l -> text.append(l.id()).append(' ').append(l.start()).append(l.fresh() ? " new" : "").append('\n'));
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII)));
            out.force(true);
        } catch (IOException e) {
            throw new JournalException("journal history " + file + " cannot be written: " + e.getMessage(), e);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            throw new JournalException("journal history " + file + " cannot be replaced: " + e.getMessage(), e);
        }
        return this;
    }

    /** The id of the journal's current line, or null when it has none (a read-only look at a journal from before histories). */
    public String currentId() {
        return lines.isEmpty() ? null : lines.get(lines.size() - 1).id();
    }

    /**
     * Where a position recorded as {@code offset} on line {@code id} goes on. A null id (recorded
     * before histories were) is taken as the first line, the one the journal had then, unless
     * that line was made for an empty journal.
     */
    public Resolution resolve(String id, long offset) {
        int line = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (id == null ? i == 0 && !lines.get(i).fresh() : lines.get(i).id().equals(id)) {
                line = i;
                break;
            }
        }
        if (line < 0) {
            return new Resolution(lines.isEmpty() && id == null ? Match.SAME : Match.UNKNOWN, offset);
        }
        // the entries shared with the current line end where the earliest later line parted
        long shared = Long.MAX_VALUE;
        for (int i = line + 1; i < lines.size(); i++) {
            shared = Math.min(shared, lines.get(i).start());
        }
        return offset <= shared ? new Resolution(Match.SAME, offset) : new Resolution(Match.FORKED, shared);
    }

    @Override
    public String toString() {
        return lines.toString();
    }
}
