package io.redisreplica.journal;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Copies the first documents of a queue into a new one, each with its bytes, its queue index
 * and its file as they were: Chronicle cannot truncate a queue in place, so a journal is cut
 * back by copying what it keeps.
 *
 * <p>A document's index is its roll cycle (the file) and its sequence in that file. The copy
 * writes through an appender whose clock stands, for each document, at the start of the
 * document's cycle, so Chronicle files it in the same cycle; every cycle of the original starts
 * at sequence 0 and each is copied whole up to the cut, so the sequences match too. Each index
 * is checked as it is written. Documents go from mapped file to mapped file: nothing is held.
 */
final class PrefixCopy {
    private PrefixCopy() {
    }

    /**
     * Copies every document of {@code source} up to and including queue index {@code lastIndex}
     * into a new queue in {@code target} (which must not exist), syncs it to disk, and gives its
     * files the modification times of the originals (retention's age limit reads them).
     *
     * @return the documents copied
     * @throws JournalException when a document would land at another index, or the source ends before {@code lastIndex}
     */
    static long copy(SingleChronicleQueue source, Path sourceDir, long lastIndex, Path target) throws IOException {
        final RollCycle roll = source.rollCycle();
        final AtomicLong clock = new AtomicLong();
        long copied = 0;
        try (SingleChronicleQueue copy = SingleChronicleQueueBuilder.binary(target).rollCycle(roll).epoch(source.epoch())
                .timeProvider(clock::get).timeoutMS(ShardJournal.LOCK_RECOVERY_MS).build();
             ExcerptAppender appender = copy.createAppender();
             ExcerptTailer tailer = source.createTailer()) {
            tailer.toStart();
            while (true) {
                try (DocumentContext in = tailer.readingDocument()) {
                    if (!in.isPresent()) {
                        throw new JournalException("the queue ends after " + copied + " documents, before index "
                            + Long.toHexString(lastIndex));
                    }
                    final long index = in.index();
                    if (index > lastIndex) {
                        throw new JournalException("no document at index " + Long.toHexString(lastIndex));
                    }
                    clock.set(source.epoch() + (long) roll.toCycle(index) * roll.lengthInMillis());
                    final Bytes<?> bytes = in.wire().bytes();
                    try (DocumentContext out = appender.writingDocument()) {
                        out.wire().bytes().write(bytes, bytes.readPosition(), bytes.readRemaining());
                    }
                    if (appender.lastIndexAppended() != index) {
                        throw new JournalException("the document at index " + Long.toHexString(index) + " would be copied to index "
                            + Long.toHexString(appender.lastIndexAppended()));
                    }
                    copied++;
                    if (index == lastIndex) {
                        break;
                    }
                }
            }
        }
        for (File file : Retention.cycleFiles(target)) {
            final File original = sourceDir.resolve(file.getName()).toFile();
            if (original.exists() && !file.setLastModified(original.lastModified())) {
                throw new IOException("cannot set the modification time of " + file);
            }
        }
        syncTree(target);
        return copied;
    }

    /** Forces every file under {@code root}, and the directories, to disk. */
    static void syncTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                try (FileChannel channel = FileChannel.open(p, StandardOpenOption.READ)) {
                    channel.force(true);
                }
            }
        }
    }
}
