package io.redisreplica.router.admin;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.redisreplica.resp.Command;
import io.redisreplica.router.downstream.Followers;
import io.redisreplica.router.shard.ShardRuntime;
import io.redisreplica.server.spi.SafeText;

/**
 * The admin port's {@code FOLLOWER REPORT SHARD NAME OFFSET}: a {@code replay --follow} says,
 * once a second, the shard offset its target has applied; {@code +OK}, or an error that says why
 * the report was not taken. Authenticated like INFO ({@code admin-password}).
 */
final class FollowerReport {
    /** Names show in INFO lines and metric labels: no separators of either, bounded. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:@/\\[\\]-]{1,128}");
    static final String USAGE = "FOLLOWER REPORT SHARD NAME OFFSET";

    private FollowerReport() {
    }

    static String answer(Followers followers, List<ShardRuntime> shards, Command c, String address) {
        if (c.argCount() != 5 || !c.argString(1).toUpperCase(Locale.ROOT).equals("REPORT")) {
            return "-ERR usage: " + USAGE + "\r\n";
        }
        final String shard = c.argString(2);
        final String name = c.argString(3);
        if (!NAME.matcher(name).matches()) {
            return "-ERR follower name '" + SafeText.of(name) + "': 1 to 128 of A-Z a-z 0-9 . _ : @ / [ ] -\r\n";
        }
        final long applied;
        try {
            applied = Long.parseLong(c.argString(4));
        } catch (NumberFormatException e) {
            return "-ERR offset '" + SafeText.of(c.argString(4)) + "' is not a number\r\n";
        }
        if (shards.stream().noneMatch(r -> r.name().equals(shard))) {
            return "-ERR no shard '" + SafeText.of(shard) + "' on this router (it has "
                + shards.stream().map(ShardRuntime::name).toList() + ")\r\n";
        }
        // no check against the journal's end: a follower reads the journal's files, which may hold entries a moment
        // before the router counts them as committed; retention holding from past the end holds nothing more
        final String refused = followers.report(shard, name, applied, address, System.currentTimeMillis());
        return refused == null ? "+OK\r\n" : "-ERR " + refused + "\r\n";
    }
}
