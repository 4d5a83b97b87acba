package io.redisreplica.router.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

import org.agrona.AbstractMutableDirectBuffer;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;

/**
 * An expandable buffer that keeps its first {@link SpillFiles#DEFAULT_HEAP_LIMIT heap limit} bytes
 * on the heap and moves to a memory-mapped file ({@link SpillFiles}) when it must grow past them,
 * so a 500 MB command or transaction costs page cache and disk, never heap. Used where
 * ExpandableArrayBuffer was: it grows on every put past its capacity.
 *
 * <p>Growing a mapped buffer maps the same file longer: the bytes already written are in the file,
 * so nothing is copied. {@link #release(int)} unmaps and closes the file once what the buffer held
 * is journaled.
 */
public final class SpillBuffer extends AbstractMutableDirectBuffer {
    /** A mapping longer than this cannot be addressed by an int index. */
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    private final SpillFiles files;
    private final int initialCapacity;
    private FileChannel channel;
    private MappedByteBuffer mapped;

    SpillBuffer(SpillFiles files, int initialCapacity) {
        this.files = files;
        this.initialCapacity = Math.min(Math.max(initialCapacity, 16), files.heapLimit());
        heap(new byte[this.initialCapacity]);
    }

    /** Whether the bytes lie in a mapped file (the buffer grew past its heap limit). */
    public boolean spilled() {
        return mapped != null;
    }

    /**
     * Goes back to a heap array of {@code capacity} bytes, keeping the first {@code keep} bytes
     * (at most {@code capacity}); unmaps and closes a spill file.
     */
    public void release(int capacity, int keep) {
        if (keep > capacity) {
            throw new IllegalArgumentException("keep=" + keep + " > capacity=" + capacity);
        }
        final byte[] array = new byte[Math.max(capacity, 16)];
        getBytes(0, array, 0, keep);
        closeFile();
        heap(array);
    }

    /**
     * Once what the buffer held is used: when it grew past {@code kept} bytes (or into a file), goes
     * back to its initial heap array, so one big command does not hold its size for good. Costs a
     * compare otherwise.
     */
    public void shrink(int kept) {
        if (capacity > kept || mapped != null) {
            release(initialCapacity, 0);
        }
    }

    @Override
    protected void ensureCapacity(int index, int length) {
        if (index < 0 || length < 0) {
            throw new IndexOutOfBoundsException("index=" + index + " length=" + length);
        }
        final long required = (long) index + length;
        if (required <= capacity) {
            return;
        }
        if (required > MAX_CAPACITY) {
            throw new IndexOutOfBoundsException("a spill buffer holds at most " + MAX_CAPACITY + " bytes, asked for " + required);
        }
        final int grown = (int) Math.min(MAX_CAPACITY, Math.max(required, capacity + (capacity >> 1)));
        if (grown <= files.heapLimit()) {
            heap(Arrays.copyOf(byteArray, grown));
        } else {
            map(grown);
        }
    }

    private void heap(byte[] array) {
        byteArray = array;
        addressOffset = BufferUtil.ARRAY_BASE_OFFSET;
        capacity = array.length;
    }

    private void map(int length) {
        final boolean wasHeap = mapped == null;
        try {
            files.reserve(length - (wasHeap ? 0 : capacity));
            if (channel == null) {
                channel = files.open();
            }
            final MappedByteBuffer next = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            if (wasHeap) {
                // the heap part moves into the file once; later growth finds its bytes already there
                next.put(0, byteArray, 0, capacity);
            } else {
                IoUtil.unmap(mapped);
            }
            mapped = next;
            byteArray = null;
            addressOffset = BufferUtil.address(next);
            capacity = length;
        } catch (IOException e) {
            closeFile();
            throw new UncheckedIOException("cannot map " + length + " bytes of a spill file in " + files.dir() + ": "
                + e.getMessage(), e);
        }
    }

    private void closeFile() {
        if (mapped != null) {
            IoUtil.unmap(mapped);
            mapped = null;
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // an unlinked file: closing frees it, and there is nothing left to lose
            }
            channel = null;
        }
    }

    @Override
    public boolean isExpandable() {
        return true;
    }

    @Override
    public int wrapAdjustment() {
        return 0;
    }

    @Override
    public ByteBuffer byteBuffer() {
        return mapped;
    }

    @Override
    public void checkLimit(int limit) {
        if (limit < 0) {
            throw new IndexOutOfBoundsException("limit cannot be negative: limit=" + limit);
        }
        ensureCapacity(limit, 0);
    }

    @Override
    public void wrap(byte[] buffer) {
        throw new UnsupportedOperationException("a spill buffer owns its memory");
    }

    @Override
    public void wrap(byte[] buffer, int offset, int length) {
        throw new UnsupportedOperationException("a spill buffer owns its memory");
    }

    @Override
    public void wrap(ByteBuffer buffer) {
        throw new UnsupportedOperationException("a spill buffer owns its memory");
    }

    @Override
    public void wrap(ByteBuffer buffer, int offset, int length) {
        throw new UnsupportedOperationException("a spill buffer owns its memory");
    }

    @Override
    public void wrap(DirectBuffer buffer) {
        throw new UnsupportedOperationException("a spill buffer owns its memory");
    }

    @Override
    public void wrap(DirectBuffer buffer, int offset, int length) {
        throw new UnsupportedOperationException("a spill buffer owns its memory");
    }

    @Override
    public void wrap(long address, int length) {
        throw new UnsupportedOperationException("a spill buffer owns its memory");
    }

    @Override
    public String toString() {
        return "SpillBuffer{capacity=" + capacity + (spilled() ? ", spilled" : "") + '}';
    }
}
