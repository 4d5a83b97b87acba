package io.redisreplica.router.upstream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.redisreplica.resp.RespClient;
import io.redisreplica.resp.RespClientContext;
import io.redisreplica.resp.RespError;
import io.redisreplica.router.routing.CommandTable;
import io.redisreplica.router.routing.KeySpec;
import io.redisreplica.router.tls.SocketFactory;

/**
 * Asks the master for its own command table ({@code COMMAND}, Redis 2.8.13 and later), on a
 * normal client connection, so commands of modules or of a newer Redis route by their real key
 * positions instead of a guess ({@link CommandTableFetch} reads it beside the link's handshake).
 */
final class MasterCommands {
    private static final int MAX_REPLY = 16 * 1024 * 1024;

    private MasterCommands() {
    }

    /** The master's {@code COMMAND} reply on {@code c}, one entry per command. */
    static List<?> read(RespClient c) throws IOException {
        final Object reply = c.request("COMMAND");
        if (reply instanceof RespError e) {
            throw new IOException("master answered COMMAND with -" + e.message());
        }
        return (List<?>) reply;
    }

    /** A client for {@link #read}: Redis 7's COMMAND reply is a few hundred KB; a module's table may add to it. */
    static RespClient open(String host, int port, String user, String password, SocketFactory sockets) throws IOException {
        return RespClient.open(new RespClientContext().address(host, port).peer("master").dialer(sockets)
            .readTimeoutMillis(10_000).maxReply(MAX_REPLY).auth(user, password));
    }

    /** @return how many commands of {@code reply} (see {@link #read}) the table learned */
    static int teach(CommandTable table, List<?> reply) {
        int learned = 0;
        for (Object entry : reply) {
            if (learn(table, (List<?>) entry)) {
                learned++;
            }
        }
        return learned;
    }

    /**
     * One entry of {@code COMMAND}'s reply: Redis 7 adds key specs (element 8) and subcommands
     * (element 9), which say where every key is; older masters give the (first, last, step) triple.
     */
    static boolean learn(CommandTable table, List<?> info) {
        final String name = (String) info.get(0);
        if (info.size() > 8) {
            final Map<String, List<KeySpec>> subcommands = new HashMap<>();
            if (info.size() > 9 && info.get(9) instanceof List<?> subs) {
                for (Object sub : subs) {
                    final List<?> subInfo = (List<?>) sub;
                    final String subName = (String) subInfo.get(0); // "container|sub"
                    subcommands.put(subName.substring(subName.indexOf('|') + 1), keySpecs(subInfo));
                }
            }
            return table.learn(name, keySpecs(info), subcommands);
        }
        return table.learn(name, ((Long) info.get(3)).intValue(), ((Long) info.get(4)).intValue(), ((Long) info.get(5)).intValue());
    }

    private static List<KeySpec> keySpecs(List<?> info) {
        final List<KeySpec> specs = new ArrayList<>();
        if (info.size() > 8 && info.get(8) instanceof List<?> list) {
            for (Object spec : list) {
                final KeySpec k = KeySpec.parse((List<?>) spec);
                if (k != null) {
                    specs.add(k);
                }
            }
        }
        return specs;
    }
}
