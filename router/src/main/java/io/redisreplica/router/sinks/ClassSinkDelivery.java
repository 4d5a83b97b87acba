package io.redisreplica.router.sinks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.api.EventSink;
import io.redisreplica.api.KeyEvent;
import io.redisreplica.router.config.Plugins;
import io.redisreplica.router.config.SinkConfig;

/**
 * Delivers events to user code ({@link EventSink}, found with {@link ServiceLoader} in the jar the
 * config names) and records the position of each delivered batch ({@link SinkPosition}) in a file of its own, replaced
 * atomically, so a restart goes on after the last batch the sink accepted.
 */
public final class ClassSinkDelivery implements SinkDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(ClassSinkDelivery.class);

    private final SinkConfig config;
    private final String shard;
    private final EventSink sink;
    private final Path offsetFile;
    private boolean opened;

    public ClassSinkDelivery(SinkConfig config, String shard, Path sinkDir) {
        this.config = config;
        this.shard = shard;
        this.sink = Plugins.load(EventSink.class, config.options().get("class"), config.options().get("jar"), "sink " + config.name());
        this.offsetFile = sinkDir.resolve(config.name()).resolve(shard + ".offset");
    }

    @Override
    public SinkPosition open() throws Exception {
        if (!opened) {
            sink.open(shard, config.options());
            opened = true;
        }
        if (!Files.exists(offsetFile)) {
            return null;
        }
        return SinkPosition.parse(Files.readString(offsetFile, StandardCharsets.US_ASCII), offsetFile.toString());
    }

    @Override
    public void deliver(List<KeyEvent> events, SinkPosition end) throws Exception {
        if (!events.isEmpty()) {
            sink.deliver(events);
        }
        record(end);
    }

    /** Replaces the offset file atomically: a crash leaves the old offset or the new one. */
    private void record(SinkPosition position) {
        try {
            Files.createDirectories(offsetFile.getParent());
            final Path temp = offsetFile.resolveSibling(offsetFile.getFileName() + ".tmp");
            // a FileOutputStream, not a FileChannel: the runner's thread is interrupted on close (for user
            // code blocked in deliver), and an interruptible channel would then fail this record of a
            // batch already delivered, which the next start would deliver again
            try (java.io.FileOutputStream out = new java.io.FileOutputStream(temp.toFile())) {
                out.write((position.format() + "\n").getBytes(StandardCharsets.US_ASCII));
                out.getFD().sync(); // before the rename: a power loss must not leave an empty file in its place
            }
            Files.move(temp, offsetFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(offsetFile.getParent()); // the rename itself survives a power loss
        } catch (IOException e) {
            throw new UncheckedIOException("sink " + config.name() + " shard " + shard + ": cannot record position " + position.format() + " in "
                + offsetFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            sink.close();
        } catch (Exception e) {
            LOG.warn("sink {} shard {}: close: {}", config.name(), shard, e.toString());
        }
    }

    /**
     * Syncs a directory's entries (the rename in it). Only a FileChannel opens a directory, and an
     * interrupt closes one: the interrupt the runner's close sets is put aside for the sync and put
     * back after; one that comes during it costs the sync, not the record (the rename is done).
     */
    private static void syncDirectory(Path dir) throws IOException {
        final boolean interrupted = Thread.interrupted();
        try (java.nio.channels.FileChannel d = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            d.force(true);
        } catch (java.nio.channels.ClosedByInterruptException e) {
            // interrupted during the sync: the position is recorded, its durability left to the OS
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
