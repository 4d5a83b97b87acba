package io.redisreplica.journal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/** The one place that maps our settings to Chronicle's and prepares the JVM for it. */
final class ChronicleSupport {
    private ChronicleSupport() {
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
}
