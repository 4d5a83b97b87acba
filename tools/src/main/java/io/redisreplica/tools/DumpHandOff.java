package io.redisreplica.tools;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbValueVisitor;
import io.redisreplica.rdb.RdbVisitor;

/**
 * {@code rdb dump} on two threads: the reading thread (the caller of {@code RdbReader.read})
 * records each entry and value element in a ring of slots, and a writing thread
 * ({@code rdb-dump-json}) replays them, in order, into the {@link RdbDumper}. Writing the JSON is
 * about three fifths of a dump's work and reading the RDB the rest, so on two cores the two halves
 * overlap instead of adding up (the CRC64 has a thread of its own too).
 *
 * <p>The ring is single-producer single-consumer: the reader fills slots and publishes how far it
 * got with an ordered store every {@value #PUBLISH_EVERY} slots (and at the end); the writer
 * publishes how far it has read the same way, after it dropped its references. The value arrays
 * the reader hands over are its own to give (the visitor contract: "arrays are the caller's to
 * keep"); the key, which the reader refills, is copied. The bytes in the ring are bounded
 * ({@value #MAX_BYTES_IN_FLIGHT} bytes, or one value alone when it is bigger), as well as the slots:
 * a reader ahead of the writer waits.
 *
 * <p>A failure of the writer (stdout closed) stops the reader at its next wait or at
 * {@link #finish()}; a failure of the reader (a corrupt RDB) lets the writer write what was read
 * before it ({@link #finish()} in a {@code finally}), so the output up to the error is what a
 * single thread wrote.
 *
 * <p>Over 300 lines: both sides of the ring (the reader's recording and the writer's replay of each
 * callback) stay in one class so their slot layout cannot drift apart.
 */
final class DumpHandOff implements RdbVisitor, RdbValueVisitor {
    private static final int SLOTS = 1 << 13;
    private static final int MASK = SLOTS - 1;
    private static final int PUBLISH_EVERY = 64;
    private static final long MAX_BYTES_IN_FLIGHT = 32L << 20;
    private static final int LONGS = 6;
    /** Longs between two shared counters: two cache lines, as the CPU fetches lines in pairs. */
    private static final int PAD = 16;
    private static final int PUBLISHED = PAD;
    private static final int CONSUMED = 2 * PAD;
    private static final int BYTES_OUT = 3 * PAD;
    /**
     * The longest a side parks while it waits for the other: the ring fills in a few milliseconds, so
     * a 1 ms park left the reader waiting on a full ring (about 15% slower on the bench file); at
     * 100 us a waiting side wakes at most 10,000 times a second.
     */
    private static final long MAX_PARK_NANOS = 100_000;

    private static final byte HEADER = 1;
    private static final byte STRING = 2;
    private static final byte ELEMENT = 3;
    private static final byte ZSET = 4;
    private static final byte HASH = 5;
    private static final byte STREAM = 6;
    private static final byte MODULE = 7;
    private static final byte END = 8;
    private static final byte DONE = 9;

    private final RdbDumper dumper;
    private final byte[] ops = new byte[SLOTS];
    private final long[] longs = new long[SLOTS * LONGS];
    private final Object[] refs = new Object[SLOTS * 2];
    private final Thread writer;

    // the reader's side
    private long tail;
    private long bytesIn;
    private long seenHead;
    private long seenBytesOut;
    private boolean selected;
    private boolean finished;
    /** The writer's failure was thrown to the reader once: not again. */
    private boolean failureThrown;
    private final IdleStrategy readerIdle = new BackoffIdleStrategy(1, 1, 1_000, MAX_PARK_NANOS);

    // shared, each written by one side only, 128 bytes apart: in one cache line (as three AtomicLongs
    // made one after the other would be), every store of one side would take the line from the other
    private final AtomicLongArray shared = new AtomicLongArray(4 * PAD);
    private volatile Throwable writeFailure;

    DumpHandOff(RdbDumper dumper) {
        this.dumper = dumper;
        this.writer = new Thread(this::write, "rdb-dump-json");
        this.writer.setDaemon(true);
    }

    /** Starts the writing thread; then hand this to {@code RdbReader.read}, and call {@link #finish()}. */
    DumpHandOff start() {
        writer.start();
        return this;
    }

    @Override
    public RdbValueVisitor onValue(RdbEntry e) {
        selected = dumper.selects(e);
        if (!selected) {
            return null;
        }
        final int i = slot(HEADER, e.keyLength());
        final int l = i * LONGS;
        longs[l] = e.db();
        longs[l + 1] = e.type();
        longs[l + 2] = e.expireAtMs();
        longs[l + 3] = e.idle();
        longs[l + 4] = e.freq();
        longs[l + 5] = e.offset();
        refs[i * 2] = Arrays.copyOf(e.key(), e.keyLength()); // the reader refills its key array for the next entry
        advance();
        return dumper.values() ? this : null;
    }

    @Override
    public void onString(RdbEntry e, byte[] value) {
        refs[slot(STRING, value.length) * 2] = value;
        advance();
    }

    @Override
    public void onListItem(RdbEntry e, byte[] item) {
        refs[slot(ELEMENT, item.length) * 2] = item;
        advance();
    }

    @Override
    public void onSetMember(RdbEntry e, byte[] member) {
        refs[slot(ELEMENT, member.length) * 2] = member;
        advance();
    }

    @Override
    public void onZsetMember(RdbEntry e, byte[] member, double score) {
        final int i = slot(ZSET, member.length);
        refs[i * 2] = member;
        longs[i * LONGS] = Double.doubleToRawLongBits(score);
        advance();
    }

    @Override
    public void onHashField(RdbEntry e, byte[] field, byte[] value, long expireAtMs) {
        final int i = slot(HASH, (long) field.length + value.length);
        refs[i * 2] = field;
        refs[i * 2 + 1] = value;
        longs[i * LONGS] = expireAtMs;
        advance();
    }

    @Override
    public void onStreamEntry(RdbEntry e, long ms, long seq, byte[][] fieldsAndValues) {
        long bytes = 0;
        for (byte[] b : fieldsAndValues) {
            bytes += b.length;
        }
        final int i = slot(STREAM, bytes);
        refs[i * 2] = fieldsAndValues;
        longs[i * LONGS] = ms;
        longs[i * LONGS + 1] = seq;
        longs[i * LONGS + 2] = bytes; // summed once: the writer counts it out as it is
        advance();
    }

    @Override
    public void onModuleValue(RdbEntry e, String module) {
        refs[slot(MODULE, module.length()) * 2] = module;
        advance();
    }

    @Override
    public void onEntryEnd(RdbEntry e) {
        if (!selected) {
            return;
        }
        final int i = slot(END, 0);
        longs[i * LONGS] = e.type();
        longs[i * LONGS + 1] = e.valueLength();
        advance();
    }

    /**
     * Ends the hand-over: the writer writes what it was given and stops; returns once it has.
     * Call it once the reader returned, or failed (the lines before the failure are written).
     * Throws the writer's failure, if it had one and the reader has not thrown it already (a
     * reader that stopped on it gets it from {@link #slot}; finish() then only joins).
     */
    void finish() {
        if (finished) {
            return; // its failure, if any, was thrown by the first call
        }
        finished = true;
        if (writeFailure == null) {
            slot(DONE, 0);
            advance();
        }
        shared.setRelease(PUBLISHED, tail);
        boolean interrupted = false;
        while (true) {
            try {
                writer.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the writer ends by itself: it has DONE, or it failed
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!failureThrown) {
            rethrowWriteFailure();
        }
    }

    /** The slot to fill next, once the writer has room (slots, and bytes) for {@code bytes} more. */
    private int slot(byte op, long bytes) {
        while (tail - seenHead >= SLOTS || (bytesIn > seenBytesOut && bytesIn + bytes - seenBytesOut > MAX_BYTES_IN_FLIGHT)) {
            shared.setRelease(PUBLISHED, tail); // what the writer has not seen yet, or it would wait for us
            rethrowWriteFailure();
            readerIdle.idle();
            seenHead = shared.getAcquire(CONSUMED);
            seenBytesOut = shared.getAcquire(BYTES_OUT);
        }
        readerIdle.reset();
        bytesIn += bytes;
        final int i = (int) (tail & MASK);
        ops[i] = op;
        return i;
    }

    private void advance() {
        if ((++tail & (PUBLISH_EVERY - 1)) == 0) {
            shared.setRelease(PUBLISHED, tail);
        }
    }

    private void rethrowWriteFailure() {
        final Throwable t = writeFailure;
        failureThrown = t != null;
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException("writing the dump failed", t);
        }
    }

    /** The writing thread: replays the slots into the dumper until DONE. */
    private void write() {
        final IdleStrategy idle = new BackoffIdleStrategy(1, 1, 1_000, MAX_PARK_NANOS);
        long head = 0;
        long bytes = 0;
        try {
            while (true) {
                final long available = shared.getAcquire(PUBLISHED);
                if (available == head) {
                    idle.idle();
                    continue;
                }
                idle.reset();
                for (; head < available; head++) {
                    final int i = (int) (head & MASK);
                    final int l = i * LONGS;
                    final Object ref = refs[i * 2];
                    switch (ops[i]) {
                        case HEADER -> {
                            final byte[] key = (byte[]) ref;
                            dumper.header(longs[l], key, key.length, (int) longs[l + 1], longs[l + 2], longs[l + 3],
                                (int) longs[l + 4], longs[l + 5]);
                            bytes += key.length;
                        }
                        case STRING -> {
                            dumper.string((byte[]) ref);
                            bytes += ((byte[]) ref).length;
                        }
                        case ELEMENT -> {
                            dumper.element((byte[]) ref);
                            bytes += ((byte[]) ref).length;
                        }
                        case ZSET -> {
                            dumper.zsetMember((byte[]) ref, Double.longBitsToDouble(longs[l]));
                            bytes += ((byte[]) ref).length;
                        }
                        case HASH -> {
                            final byte[] value = (byte[]) refs[i * 2 + 1];
                            dumper.hashField((byte[]) ref, value, longs[l]);
                            bytes += ((byte[]) ref).length + value.length;
                            refs[i * 2 + 1] = null;
                        }
                        case STREAM -> {
                            final byte[][] fv = (byte[][]) ref;
                            dumper.streamEntry(longs[l], longs[l + 1], fv);
                            bytes += longs[l + 2];
                        }
                        case MODULE -> {
                            dumper.moduleValue((String) ref);
                            bytes += ((String) ref).length();
                        }
                        case END -> dumper.end((int) longs[l], longs[l + 1]);
                        case DONE -> {
                            return;
                        }
                        default -> throw new IllegalStateException("rdb dump hand-off: slot " + head + " holds op " + ops[i]);
                    }
                    refs[i * 2] = null; // the reader's arrays go once written
                }
                shared.setRelease(CONSUMED, head);
                shared.setRelease(BYTES_OUT, bytes);
            }
        } catch (Throwable t) {
            writeFailure = t;
        }
    }
}
