package io.redisreplica.router;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import io.redisreplica.testkit.FreePort;

/** A scripted master on a free loopback port: serves one connection after another with a script, until closed. */
final class FakeMaster implements AutoCloseable {
    interface Script {
        void serve(InputStream in, OutputStream out, int connection) throws IOException;
    }

    final ServerSocket server;
    final AtomicInteger connections = new AtomicInteger();
    final Thread thread;

    FakeMaster(Script script) throws IOException {
        server = new ServerSocket(FreePort.find(), 50, java.net.InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    script.serve(s.getInputStream(), s.getOutputStream(), connections.incrementAndGet());
                } catch (IOException e) {
                    // the router hung up, or the test is over
                }
            }
        }, "fake-master");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** Reads one RESP command of the router's and returns its words, space-separated. */
    static String readCommand(InputStream in) throws IOException {
        final StringBuilder all = new StringBuilder();
        final String header = line(in);
        final int n = Integer.parseInt(header.substring(1));
        for (int i = 0; i < n; i++) {
            final int len = Integer.parseInt(line(in).substring(1));
            all.append(new String(in.readNBytes(len), StandardCharsets.UTF_8)).append(' ');
            line(in);
        }
        return all.toString().trim();
    }

    private static String line(InputStream in) throws IOException {
        final StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("closed");
            }
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    /** Answers the handshake like a master and sends {@code rdb} as a full sync. */
    static void handshake(InputStream in, OutputStream out, byte[] rdb) throws IOException {
        handshake(in, out, ("+FULLRESYNC 8de9b1c4a1d5b1b2a8f7d3e4c5b6a7f8e9d0c1b2 0\r\n$" + rdb.length + "\r\n").getBytes(StandardCharsets.US_ASCII),
            rdb);
    }

    /** Answers the handshake like a master, then sends {@code psyncReply} and {@code rest} as they are. */
    static void handshake(InputStream in, OutputStream out, byte[] psyncReply, byte[] rest) throws IOException {
        while (true) {
            final String command = readCommand(in);
            if (command.startsWith("PING")) {
                out.write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
            } else if (command.startsWith("PSYNC")) {
                out.write(psyncReply);
                out.write(rest);
                out.flush();
                return;
            } else if (command.startsWith("COMMAND")) {
                out.write("-ERR unknown command\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        }
    }
}
