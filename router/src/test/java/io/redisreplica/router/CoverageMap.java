package io.redisreplica.router;

import java.nio.charset.StandardCharsets;

import io.redisreplica.router.routing.ClusterSlots;

/**
 * The three kinds of shard map the command-coverage test runs through, each with 3 shards, and
 * how to name a key that a given shard owns under it. Keys of one shard under the slot map share
 * a hash tag (so same-shard multi-key commands are also same-slot); prefix and regex maps leave
 * some keys unclaimed, which must reach no shard.
 */
enum CoverageMap {
    SLOTS(new String[] {"slots=0-5460", "slots=5461-10922", "slots=10923-16383"}) {
        @Override
        String keyOn(int shard, String base) {
            return "{" + SLOT_TAGS[shard] + "}" + base;
        }

        @Override
        String unclaimedKey(String base) {
            return null; // every slot has a shard
        }
    },
    PREFIX(new String[] {"prefix=user:", "prefix=order:", "prefix=cache:"}) {
        @Override
        String keyOn(int shard, String base) {
            return new String[] {"user:", "order:", "cache:"}[shard] + base;
        }
    },
    REGEX(new String[] {"regex=^acct:[0-9]+:", "regex=:session$", "regex=^(tmp|job)/"}) {
        @Override
        String keyOn(int shard, String base) {
            return switch (shard) {
                case 0 -> "acct:42:" + base;
                case 1 -> base + ":session";
                default -> "job/" + base;
            };
        }
    };

    static final int SHARDS = 3;
    /** A hash tag per shard of {@link #SLOTS}, the first of t0, t1, ... whose slot that shard owns. */
    private static final String[] SLOT_TAGS = slotTags();

    private final String[] rules;

    CoverageMap(String[] rules) {
        this.rules = rules;
    }

    /** The {@code shard} lines of a router config for virtual masters on {@code ports}. */
    String shardLines(int[] ports) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < SHARDS; i++) {
            sb.append("shard s").append(i).append(" 127.0.0.1:").append(ports[i]).append(' ').append(rules[i]).append('\n');
        }
        return sb.toString();
    }

    /** A key that shard {@code shard} owns, built around {@code base}. */
    abstract String keyOn(int shard, String base);

    /** A key no shard owns (dropped by the router), or null when this map claims every key. */
    String unclaimedKey(String base) {
        return "other:" + base;
    }

    private static String[] slotTags() {
        final String[] tags = new String[SHARDS];
        for (int n = 0; tags[0] == null || tags[1] == null || tags[2] == null; n++) {
            final byte[] tag = ("t" + n).getBytes(StandardCharsets.UTF_8);
            final int slot = ClusterSlots.slot(tag, 0, tag.length);
            final int shard = slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2;
            if (tags[shard] == null) {
                tags[shard] = "t" + n;
            }
        }
        return tags;
    }
}
