package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbReader;
import io.redisreplica.rdb.RdbReaderContext;
import io.redisreplica.rdb.RdbValueVisitor;
import io.redisreplica.rdb.RdbVisitor;
import io.redisreplica.rdb.RdbWriter;
import io.redisreplica.testkit.RdbCorpus;

/**
 * {@code rdb dump}'s two threads write what one thread writes: every file of the corpus, a value
 * bigger than the bytes the ring may hold, a writer that fails, a reader that fails.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hand-off that hangs fails here instead of stalling the build
class DumpHandOffTest {

    @Test
    void shouldWriteWhatOneThreadWritesForEveryFileOfTheCorpus() throws Exception {
        int files = 0;
        for (RdbCorpus.Entry e : RdbCorpus.entries()) {
            if (!e.isRdb()) {
                continue;
            }
            final byte[] rdb = Files.readAllBytes(e.file());
            for (boolean values : new boolean[] {true, false}) {
                final Outcome one = dump(rdb, values, false);
                final Outcome two = dump(rdb, values, true);
                assertEquals(one.json, two.json, e.path() + (values ? "" : " --no-values"));
                assertEquals(one.error, two.error, e.path());
            }
            files++;
        }
        assertTrue(files > 100, "the corpus was read: " + files);
    }

    @Test
    void shouldHandOverAValueBiggerThanAllTheBytesTheRingMayHold() throws Exception {
        final ByteArrayOutputStream file = new ByteArrayOutputStream();
        final RdbWriter w = new RdbWriter(file);
        w.header(9);
        w.selectDb(0);
        final byte[] big = new byte[40 << 20];
        Arrays.fill(big, (byte) 'x');
        for (int i = 0; i < 3; i++) {
            w.stringEntry(("small:" + i).getBytes(), "v".getBytes(), -1);
            w.stringEntry(("big:" + i).getBytes(), big, -1);
        }
        w.finish();
        final Outcome one = dump(file.toByteArray(), true, false);
        final Outcome two = dump(file.toByteArray(), true, true);
        assertEquals(null, two.error);
        assertEquals(6, two.json.lines().count());
        assertEquals(one.json, two.json);
    }

    @Test
    void shouldStopTheReaderWhenTheWriterFails() throws Exception {
        final byte[] rdb = Files.readAllBytes(biggestCorpusFile());
        final java.io.OutputStream broken = new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("stdout closed");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("stdout closed");
            }
        };
        // written out every 256 bytes: the first write fails
        final JsonOut json = new JsonOut(new StdoutWriter(broken), false, 256);
        final DumpHandOff handOff = new DumpHandOff(new RdbDumper(json, true, null, Set.of(), Set.of())).start();
        final RuntimeException e = assertThrows(RuntimeException.class, () -> {
            try {
                new RdbReader(new RdbReaderContext()).read(new ByteArrayInputStream(rdb), handOff);
            } catch (RuntimeException thrown) {
                handOff.finish(); // as rdb dump does: the failure the reader threw is not thrown again
                throw thrown;
            }
            handOff.finish();
        });
        assertTrue(String.valueOf(rootCause(e).getMessage()).contains("stdout closed"), String.valueOf(e));
        assertEquals(0, e.getSuppressed().length);
    }

    @Test
    void shouldWriteTheLinesReadBeforeTheReaderFails() throws Exception {
        final byte[] whole = Files.readAllBytes(biggestCorpusFile());
        final byte[] cut = Arrays.copyOf(whole, whole.length * 2 / 3); // an RDB cut short: the reader fails two thirds in
        final Outcome one = dump(cut, true, false);
        final Outcome two = dump(cut, true, true);
        assertTrue(two.error != null, "the cut file fails");
        assertEquals(one.error, two.error);
        assertTrue(two.json.lines().count() > 0, "lines were written before the failure");
        assertEquals(one.json, two.json);
    }

    private static java.nio.file.Path biggestCorpusFile() throws IOException {
        java.nio.file.Path best = null;
        for (RdbCorpus.Entry e : RdbCorpus.entries()) {
            if (e.isRdb() && !e.path().contains("corrupt") && (best == null || Files.size(e.file()) > Files.size(best))) {
                best = e.file();
            }
        }
        return best;
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private record Outcome(String json, String error) {
    }

    /** The dump of {@code rdb} written by the hand-off's two threads, or by this thread alone. */
    private static Outcome dump(byte[] rdb, boolean values, boolean twoThreads) {
        final StringWriter text = new StringWriter();
        String error = null;
        try (JsonOut json = new JsonOut(text, false, 64 * 1024); InputStream in = new ByteArrayInputStream(rdb)) {
            final RdbDumper dumper = new RdbDumper(json, values, null, Set.of(), Set.of());
            if (twoThreads) {
                final DumpHandOff handOff = new DumpHandOff(dumper).start();
                try {
                    new RdbReader(new RdbReaderContext()).read(in, handOff);
                } finally {
                    handOff.finish();
                }
            } else {
                new RdbReader(new RdbReaderContext()).read(in, new OneThread(dumper));
            }
        } catch (Exception e) {
            error = e.getClass().getName() + ": " + e.getMessage();
        }
        return new Outcome(text.toString(), error);
    }

    /** The dumper called on the reading thread, as {@code rdb dump} did before the hand-off. */
    private static final class OneThread implements RdbVisitor, RdbValueVisitor {
        private final RdbDumper dumper;
        private boolean selected;

        OneThread(RdbDumper dumper) {
            this.dumper = dumper;
        }

        @Override
        public RdbValueVisitor onValue(RdbEntry e) {
            selected = dumper.selects(e);
            if (!selected) {
                return null;
            }
            dumper.header(e.db(), e.key(), e.keyLength(), e.type(), e.expireAtMs(), e.idle(), e.freq(), e.offset());
            return dumper.values() ? this : null;
        }

        @Override
        public void onString(RdbEntry e, byte[] value) {
            dumper.string(value);
        }

        @Override
        public void onListItem(RdbEntry e, byte[] item) {
            dumper.element(item);
        }

        @Override
        public void onSetMember(RdbEntry e, byte[] member) {
            dumper.element(member);
        }

        @Override
        public void onZsetMember(RdbEntry e, byte[] member, double score) {
            dumper.zsetMember(member, score);
        }

        @Override
        public void onHashField(RdbEntry e, byte[] field, byte[] value, long expireAtMs) {
            dumper.hashField(field, value, expireAtMs);
        }

        @Override
        public void onStreamEntry(RdbEntry e, long ms, long seq, byte[][] fieldsAndValues) {
            dumper.streamEntry(ms, seq, fieldsAndValues);
        }

        @Override
        public void onModuleValue(RdbEntry e, String module) {
            dumper.moduleValue(module);
        }

        @Override
        public void onEntryEnd(RdbEntry e) {
            if (selected) {
                dumper.end(e.type(), e.valueLength());
            }
        }
    }
}
