package io.redisreplica.router.routing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.resp.Command;

/**
 * What the {@link CrossShardPolicy} does with a command no single shard can take: translate it
 * ({@link Translator}, when the master can be read), stop the router, or count it and log it at
 * most once a minute. A command that cannot be routed exactly at all (a script with no declared
 * keys) stops the router under translate too: fail loud, never diverge quietly.
 */
final class CrossShard {
    /** The router's logger, as before the split: operators and log filters know it by that name. */
    private static final Logger LOG = LoggerFactory.getLogger(CommandRouter.class);

    private final CrossShardPolicy policy;
    private final CommandRouter router;
    private final Translator translator;
    private final KeyRestorer restorer;
    private final RouteCounters counters;
    private long lastLog;

    CrossShard(CrossShardPolicy policy, CommandRouter router, Translator translator, KeyRestorer restorer, RouteCounters counters) {
        this.policy = policy;
        this.router = router;
        this.translator = translator;
        this.restorer = restorer;
        this.counters = counters;
    }

    /** Whether cross-shard commands are translated: the policy says so and the master can be read. */
    boolean translates() {
        return policy == CrossShardPolicy.TRANSLATE && restorer.canRead();
    }

    /** A command whose {@code n} keys lie in different shards. */
    CommandRouter.Outcome route(Command c, CommandSpec spec, int n) {
        counters.crossShard++;
        if (translates()) {
            return translator.translate(c, spec, n, Translation.of(c));
        }
        if (policy == CrossShardPolicy.STOP) {
            throw new RouterException("cross-shard command (keys in different shards), policy stop: " + c);
        }
        logDropped(c, "keys in different shards");
        return CommandRouter.Outcome.DROPPED;
    }

    /** A command no shard can be given exactly (the master would not have sent it, or a script hides its keys). */
    CommandRouter.Outcome untranslatable(Command c, String why) {
        counters.crossShard++;
        if (policy == CrossShardPolicy.STOP) {
            throw new RouterException("cross-shard command (" + why + "), policy stop: " + c);
        }
        if (policy == CrossShardPolicy.TRANSLATE) { // no shard can be given it exactly: fail loud, never diverge quietly
            throw new RouterException("command at upstream offset " + router.upstreamEnd() + " cannot be routed exactly (" + why + "): "
                + c.argDisplay(0, 32) + " ...; run with --cross-shard log to count and skip such commands");
        }
        logDropped(c, why);
        return CommandRouter.Outcome.DROPPED;
    }

    private void logDropped(Command c, String why) {
        final long now = System.currentTimeMillis();
        if (now - lastLog > 60_000) {
            lastLog = now;
            LOG.warn("cross-shard command not forwarded ({}): {} ({} so far)", why, c, counters.crossShard);
        }
    }
}
