package io.redisreplica.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/** Our decoder and framer on bytes that real redis-server processes send. */
class RespAgainstRedisIntegrationTest {
    @RegisterExtension
    final RedisServers redis = new RedisServers();

    /** A raw connection: we write bytes with RespWriter and decode what comes back ourselves. */
    private static final class Conn implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final ExpandableArrayBuffer pending = new ExpandableArrayBuffer(1 << 16);
        int pendingLength;

        Conn(RedisServer server) throws IOException {
            socket = new Socket(server.host(), server.port());
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void send(String... args) throws IOException {
            final RespWriter writer = new RespWriter().wrap(new ExpandableArrayBuffer(), 0).command(args);
            final byte[] bytes = new byte[writer.length()];
            writer.buffer().getBytes(0, bytes);
            out.write(bytes);
            out.flush();
        }

        /** Reads until the decoder has reported {@code values} top-level values. */
        List<String> replies(RespDecoder decoder, int values) throws IOException {
            final EventRecorder recorder = new EventRecorder();
            while (recorder.values < values) {
                final int consumed = decoder.decode(pending, 0, pendingLength, recorder);
                pending.putBytes(0, pending, consumed, pendingLength - consumed);
                pendingLength -= consumed;
                if (recorder.values < values) {
                    readMore();
                }
            }
            return recorder.events;
        }

        void readMore() throws IOException {
            final byte[] chunk = new byte[8192];
            final int n = in.read(chunk);
            if (n < 0) {
                throw new IOException("server closed the connection");
            }
            pending.putBytes(pendingLength, chunk, 0, n);
            pendingLength += n;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void shouldDecodeEveryResp3TypeARealServerSends() throws Exception {
        final RedisServer server = redis.start(RedisBinary.local(), Map.of("enable-debug-command", "yes"));
        try (Conn conn = new Conn(server)) {
            final RespDecoder decoder = new RespDecoder();
            conn.send("HELLO", "3");
            final List<String> hello = conn.replies(decoder, 1);
            assertEquals("MAP[7", hello.get(0), hello.toString());
            assertTrue(hello.contains("BULK_STRING:proto") && hello.contains("int:3"), hello.toString());
            for (String type : List.of("string", "integer", "double", "bignum", "null", "array", "set", "map", "attrib",
                "push", "verbatim", "true", "false")) {
                conn.send("DEBUG", "PROTOCOL", type);
            }
            // 13 replies, and the push message DEBUG PROTOCOL push sends before its reply
            final List<String> events = conn.replies(decoder, 14);
            assertEquals(List.of(
                "BULK_STRING:Hello World",
                "int:12345",
                "double:3.141",
                "big:1234567999999999999999999999999999999",
                "null",
                "ARRAY[3", "int:0", "int:1", "int:2", "]ARRAY",
                "SET[3", "int:0", "int:1", "int:2", "]SET",
                "MAP[3", "int:0", "bool:false", "int:1", "bool:true", "int:2", "bool:false", "]MAP",
                "ATTRIBUTE[1", "BULK_STRING:key-popularity", "ARRAY[2", "BULK_STRING:key:123", "int:90", "]ARRAY", "]ATTRIBUTE",
                "BULK_STRING:Some real reply following the attribute",
                "PUSH[2", "BULK_STRING:server-cpu-usage", "int:42", "]PUSH",
                "BULK_STRING:Some real reply following the push reply",
                "VERBATIM_STRING:txt:This is a verbatim\nstring",
                "bool:true",
                "bool:false"), events);
        }
    }

    @Test
    void shouldFrameTheReplicationStreamOfRealMasters() throws Exception {
        for (RedisBinary binary : List.of(RedisBinary.bundled("2.8.19"), RedisBinary.bundled("6.2.7"), RedisBinary.local())) {
            final RedisServer master = redis.start(binary);
            master.call("SET", "before", "sync");
            try (Conn conn = new Conn(master)) {
                conn.send("SYNC"); // every version since 1.0 answers SYNC with $<len> and the RDB
                // keep-alive newlines may come first, then "$<len>\r\n" and the RDB without a trailing CRLF
                final long[] rdbLength = {-1};
                final long[] rdbSeen = {0};
                while (rdbLength[0] < 0 || rdbSeen[0] < rdbLength[0]) {
                    conn.readMore();
                    int offset = 0;
                    if (rdbLength[0] < 0) {
                        while (offset < conn.pendingLength && conn.pending.getByte(offset) == '\n') {
                            offset++;
                        }
                        final int lf = indexOf(conn.pending, offset, conn.pendingLength, (byte) '\n');
                        if (lf < 0) {
                            continue;
                        }
                        rdbLength[0] = Long.parseLong(conn.pending.getStringWithoutLengthAscii(offset + 1, lf - 1 - offset - 1));
                        offset = lf + 1;
                    }
                    final int take = (int) Math.min(rdbLength[0] - rdbSeen[0], conn.pendingLength - offset);
                    rdbSeen[0] += take;
                    offset += take;
                    conn.pending.putBytes(0, conn.pending, offset, conn.pendingLength - offset);
                    conn.pendingLength -= offset;
                }
                master.call("SET", "apple", "red");
                master.call("HSET", "h", "f", "v\r\nwith crlf");
                master.call("INCR", "n");
                final CommandFramer framer = new CommandFramer();
                final List<String> framed = new ArrayList<>();
                while (framed.stream().noneMatch(c -> c.startsWith("\"INCR\"") || c.startsWith("\"incr\""))) {
                    int offset = 0;
                    int n;
                    while ((n = framer.frame(conn.pending, offset, conn.pendingLength - offset)) > 0) {
                        if (!framer.command().isEmpty()) {
                            final String text = framer.command().toString();
                            if (!text.toUpperCase().startsWith("\"PING\"")) {
                                framed.add(text);
                            }
                        }
                        offset += n;
                    }
                    conn.pending.putBytes(0, conn.pending, offset, conn.pendingLength - offset);
                    conn.pendingLength -= offset;
                    if (framed.stream().noneMatch(c -> c.toUpperCase().startsWith("\"INCR\""))) {
                        conn.readMore();
                    }
                }
                final String all = String.join("\n", framed).toUpperCase();
                assertTrue(all.contains("\"SELECT\" \"0\""), binary + ": " + framed);
                assertTrue(all.contains("\"SET\" \"APPLE\" \"RED\""), binary + ": " + framed);
                assertTrue(all.contains("\"HSET\" \"H\" \"F\" \"V\\R\\NWITH CRLF\""), binary + ": " + framed);
            }
        }
    }

    private static int indexOf(ExpandableArrayBuffer buffer, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buffer.getByte(i) == b) {
                return i;
            }
        }
        return -1;
    }
}
