package io.redisreplica.tools;

/**
 * Per command queued in a standalone replay batch: its entry's offset and where its bytes lie in
 * the batch, so a command the target refused can be shown with its entry (read back only then).
 */
final class QueuedCommands {
    private long[] entries = new long[1024];
    private int[] offsets = new int[1024];
    private int[] lengths = new int[1024];
    private int count;

    void clear() {
        count = 0;
    }

    void add(long entry, int offset, int length) {
        if (count == entries.length) {
            entries = java.util.Arrays.copyOf(entries, count * 2);
            offsets = java.util.Arrays.copyOf(offsets, count * 2);
            lengths = java.util.Arrays.copyOf(lengths, count * 2);
        }
        entries[count] = entry;
        offsets[count] = offset;
        lengths[count++] = length;
    }

    int count() {
        return count;
    }

    long entry(int i) {
        return entries[i];
    }

    int offset(int i) {
        return offsets[i];
    }

    int length(int i) {
        return lengths[i];
    }
}
