package io.redisreplica.router.routing;


import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.support.SpillBuffer;
import io.redisreplica.router.support.SpillFiles;

/**
 * Commands the router makes itself (a translation's source effect, the DEL + RESTORE of a read
 * value), written into one reused buffer and routed like the master's own, but past the read
 * keys' skip windows and never translated again ({@link #generating()}).
 */
final class GeneratedCommands {
    private final CommandRouter router;
    private final SpillBuffer buffer;
    private final CommandFramer framer = new CommandFramer(RespDecoderContext.preChecked());
    private final RespWriter writer = new RespWriter();
    /** Routes what {@link DumpCommands} writes through the value rules; made once, not per call. */
    private final DumpCommands.Emitter throughRules = this::routeWithRules;
    private boolean generating;

    GeneratedCommands(CommandRouter router, SpillFiles spill) {
        this.router = router;
        this.buffer = spill.buffer(256);
    }

    /** The writer, wrapped at the start of the buffer: what is written goes to {@link #route(int)}. */
    RespWriter start() {
        return writer.wrap(buffer, 0);
    }

    /** The writer where it stands. */
    RespWriter writer() {
        return writer;
    }

    SpillBuffer buffer() {
        return buffer;
    }

    /** Whether the commands being routed are the router's own. */
    boolean generating() {
        return generating;
    }

    /** Forgets the command that failed half-way. */
    void abandon() {
        generating = false;
    }

    /** Routes the commands written up to {@code end}. */
    void route(int end) {
        final boolean was = generating;
        generating = true;
        try {
            router.routeEach(buffer, end, framer, true);
        } finally {
            generating = was;
        }
    }

    /** Routes the commands written up to {@code end} through the value rules, as a live write would be. */
    void routeWithRules(int end) {
        final boolean was = generating;
        generating = true;
        try {
            router.routeEach(buffer, end, framer, false);
        } finally {
            generating = was;
        }
    }

    /** {@link #routeWithRules} as {@link DumpCommands} takes it. */
    DumpCommands.Emitter throughRules() {
        return throughRules;
    }
}
