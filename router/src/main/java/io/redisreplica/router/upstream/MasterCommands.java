package io.redisreplica.router.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.ExpandableArrayBuffer;

import io.redisreplica.resp.RespDecoder;
import io.redisreplica.resp.RespDecoderContext;
import io.redisreplica.resp.RespObjectBuilder;
import io.redisreplica.resp.RespWriter;
import io.redisreplica.router.routing.CommandTable;
import io.redisreplica.router.routing.KeySpec;
import io.redisreplica.router.tls.SocketFactory;

/**
 * Asks the master for its own command table ({@code COMMAND}, Redis 2.8.13 and later), on a
 * normal client connection, so commands of modules or of a newer Redis route by their real key
 * positions instead of a guess.
 */
final class MasterCommands {
    private MasterCommands() {
    }

    /** @return how many commands the table learned */
    static int teach(CommandTable table, String host, int port, String user, String password, SocketFactory sockets)
        throws IOException {
        try (Socket raw = new Socket()) {
            final Socket s = sockets.connect(raw, host, port, 5000, "master " + host + ":" + port);
            s.setSoTimeout(10_000);
            final InputStream in = s.getInputStream();
            final OutputStream out = s.getOutputStream();
            if (password != null) {
                if (user == null) {
                    call(in, out, "AUTH", password);
                } else {
                    call(in, out, "AUTH", user, password);
                }
            }
            final Object reply = call(in, out, "COMMAND");
            int learned = 0;
            for (Object entry : (List<?>) reply) {
                if (learn(table, (List<?>) entry)) {
                    learned++;
                }
            }
            return learned;
        }
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

    private static Object call(InputStream in, OutputStream out, String... args) throws IOException {
        final ExpandableArrayBuffer buf = new ExpandableArrayBuffer(256);
        final int len = new RespWriter().wrap(buf, 0).command(args).length();
        out.write(buf.byteArray(), 0, len);
        out.flush();
        final RespDecoder decoder = new RespDecoder(new RespDecoderContext().chunkSize(16 * 1024 * 1024));
        final RespObjectBuilder builder = new RespObjectBuilder();
        final ExpandableArrayBuffer pending = new ExpandableArrayBuffer(64 * 1024);
        final byte[] chunk = new byte[64 * 1024];
        int pendingLength = 0;
        while (!builder.done()) {
            final int n = in.read(chunk);
            if (n < 0) {
                throw new IOException("master closed the connection during " + args[0]);
            }
            pending.putBytes(pendingLength, chunk, 0, n);
            pendingLength += n;
            final int consumed = decoder.decode(pending, 0, pendingLength, builder);
            pending.putBytes(0, pending, consumed, pendingLength - consumed);
            pendingLength -= consumed;
        }
        if (builder.error() != null) {
            throw new IOException("master answered " + args[0] + " with -" + builder.error());
        }
        return builder.result();
    }

}
