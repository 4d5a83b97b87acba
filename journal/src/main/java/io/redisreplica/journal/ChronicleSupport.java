package io.redisreplica.journal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.posix.PosixAPI;

/** The one place that maps our settings to Chronicle's and prepares the JVM for it. */
final class ChronicleSupport {
    /** A journal was opened for writing in this JVM (guarded by the class). */
    private static boolean openedForWriting;
    /** This JVM declared it only reads journals (guarded by the class). */
    private static boolean readOnlyProcess;

    private ChronicleSupport() {
    }

    /**
     * See {@link Journal#readOnlyProcess()}. Chronicle's {@code Jvm} initialises its POSIX binding at
     * its start (JNR's, its classes generated then); given the no-op one first, it skips that. Only
     * writing uses it (msync of {@code journal-sync commit}, the pretoucher), which is refused from
     * now on. Process-wide, as Chronicle's binding is.
     */
    static synchronized boolean readOnlyProcess() {
        if (openedForWriting) {
            return false;
        }
        if (!readOnlyProcess) {
            PosixAPI.useNoOpPosixApi();
            readOnlyProcess = true;
        }
        return true;
    }

    /** See {@link Journal#startChronicleInBackground()}: the classes whose static start is most of a first open's. */
    static void startInBackground() {
        final Thread start = new Thread(() -> {
            try {
                final ClassLoader loader = ChronicleSupport.class.getClassLoader();
                Class.forName("net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder", true, loader);
                Class.forName("net.openhft.chronicle.wire.Wires", true, loader);
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                // the first open meets it again and reports it; here, its cause with its stack
                org.slf4j.LoggerFactory.getLogger(Journal.class).warn("Chronicle's start failed", e);
            }
        }, "chronicle-start");
        start.setDaemon(true);
        start.start();
    }

    /** Before a journal opens for writing: refused in a JVM that declared it only reads. */
    static synchronized void openingForWriting(java.nio.file.Path dir) {
        if (readOnlyProcess) {
            throw new JournalException("journal " + dir + " cannot be opened for writing: this process declared that it only reads "
                + "journals (Journal.readOnlyProcess)");
        }
        openedForWriting = true;
    }

    /**
     * Chronicle sends usage analytics to an outside host unless told not to. Called before the
     * first Chronicle class loads, so any JVM that opens a journal has it off, however started.
     */
    static void disableAnalytics() {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        // Chronicle otherwise prints a banner and warnings about its own environment to stdout
        System.setProperty("chronicle.disk.monitor.disable", "true");
    }

    static RollCycle rollCycle(JournalContext.Roll roll) {
        return switch (roll) {
            case SECONDLY -> TestRollCycles.TEST_SECONDLY;
            case FIVE_MINUTELY -> RollCycles.FIVE_MINUTELY;
            case TEN_MINUTELY -> RollCycles.TEN_MINUTELY;
            case HALF_HOURLY -> RollCycles.HALF_HOURLY;
            case HOURLY -> RollCycles.FAST_HOURLY;
            case DAILY -> LargeRollCycles.LARGE_DAILY;
        };
    }

    /**
     * The roll cycle a queue was written with, read from its cycle files' names (each cycle names
     * its files in its own format), so a reader opens it without Chronicle's "Overriding roll
     * length" warning; {@code fallback} when it has no file yet.
     */
    static RollCycle rollCycleOf(java.nio.file.Path dir, JournalContext.Roll fallback) {
        final java.io.File[] files = dir.toFile().listFiles((d, n) -> n.endsWith(".cq4"));
        if (files != null && files.length > 0) {
            final String name = files[0].getName().substring(0, files[0].getName().length() - 4);
            for (JournalContext.Roll roll : JournalContext.Roll.values()) {
                try {
                    java.time.format.DateTimeFormatter.ofPattern(rollCycle(roll).format()).parse(name);
                    return rollCycle(roll);
                } catch (java.time.format.DateTimeParseException notThisOne) {
                    // the next format
                }
            }
        }
        return rollCycle(fallback);
    }
}
