package io.redisreplica.router;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespDecoderContext;

/**
 * The operator's view, on the {@code admin} port, in two dialects on one socket:
 * {@code redis-cli -p ADMIN INFO [section]} (RESP: INFO, PING) and {@code curl
 * http://ADMIN/metrics} (Prometheus text). The first bytes of a connection tell which.
 */
final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final Router router;
    private final ServerSocket server;
    private volatile boolean closed;

    AdminServer(Router router, String host, int port) throws IOException {
        this.router = router;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 16);
        final Thread t = new Thread(this::accept, "admin-" + port);
        t.setDaemon(true);
        t.start();
        LOG.info("admin: INFO and /metrics on {}:{}", host, port);
    }

    private void accept() {
        while (!closed) {
            try {
                final Socket s = server.accept();
                final Thread t = new Thread(() -> serve(s), "admin-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("admin: accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            final InputStream in = s.getInputStream();
            final OutputStream out = new BufferedOutputStream(s.getOutputStream());
            final byte[] buf = new byte[16 * 1024];
            final UnsafeBuffer view = new UnsafeBuffer(buf);
            final CommandFramer framer = new CommandFramer(new RespDecoderContext().maxCommandLength(8 * 1024).maxInlineLength(4 * 1024));
            int pending = 0;
            while (true) {
                final int n = in.read(buf, pending, buf.length - pending);
                if (n < 0) {
                    return;
                }
                pending += n;
                if (pending >= 4 && new String(buf, 0, 4, StandardCharsets.US_ASCII).equals("GET ")) {
                    http(new String(buf, 0, pending, StandardCharsets.US_ASCII), out);
                    return;
                }
                int at = 0;
                int framed;
                while ((framed = framer.frame(view, at, pending - at)) > 0) {
                    final Command c = framer.command();
                    at += framed;
                    if (!c.isEmpty()) {
                        out.write(reply(c).getBytes(StandardCharsets.UTF_8));
                    }
                }
                System.arraycopy(buf, at, buf, 0, pending - at);
                pending -= at;
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("admin client: {}", e.toString());
        }
    }

    private String reply(Command c) {
        final String name = c.argString(0).toUpperCase(Locale.ROOT);
        switch (name) {
            case "PING":
                return "+PONG\r\n";
            case "INFO": {
                final String text = AdminReport.info(router, c.argCount() > 1 ? c.argString(1) : "all");
                return "$" + text.getBytes(StandardCharsets.UTF_8).length + "\r\n" + text + "\r\n";
            }
            case "COMMAND":
                return "*0\r\n"; // redis-cli asks for command docs on connect
            default:
                return "-ERR unknown command '" + name + "' (the admin port answers INFO [section], PING, and GET /metrics)\r\n";
        }
    }

    private void http(String request, OutputStream out) throws IOException {
        final String path = request.split(" ", 3)[1];
        final String body;
        final String status;
        if (path.equals("/metrics")) {
            status = "200 OK";
            body = AdminReport.prometheus(router);
        } else {
            status = "404 Not Found";
            body = "try /metrics\n";
        }
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: "
            + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
