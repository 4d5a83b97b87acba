package io.redisreplica.router.admin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

import io.redisreplica.resp.Command;
import io.redisreplica.server.spi.ClientGuard;

/**
 * Who may read the admin port ({@code admin-password}, {@code admin-user}): RESP clients after
 * {@code AUTH [user] password} ({@code redis-cli -a}, {@code --user}), HTTP requests with Basic
 * authentication (Prometheus's {@code basic_auth}); with {@code admin-health-open yes} the health
 * path answers anyone. Wrong answers go through the port's {@link ClientGuard}: compared in
 * constant time, slowed after a few from one address, logged once per burst, never echoed.
 */
public final class AdminAuth {
    /** The paths {@code admin-health-open} leaves open: {@code /health} and {@code /ready}, for probes without the password. */
    static boolean isHealthPath(String path) {
        return path.equals("/health") || path.startsWith("/health?") || path.equals("/ready") || path.startsWith("/ready?");
    }

    private final String password;
    private final String user;
    private final boolean healthOpen;
    private final ClientGuard guard;

    /** {@code admin-user}, {@code admin-password} (null: no authentication) and {@code admin-health-open}. */
    public static AdminAuth of(String user, String password, boolean healthOpen) {
        return new AdminAuth(user, password, healthOpen);
    }

    /** @param password null: no authentication */
    AdminAuth(String user, String password, boolean healthOpen) {
        this.user = user;
        this.password = password;
        this.healthOpen = healthOpen;
        this.guard = new ClientGuard("admin", user);
    }

    boolean required() {
        return password != null;
    }

    /** Whether {@code AUTH [user] given} is right; a RESP client's. */
    boolean matches(String user, String given) {
        return password != null && guard.matches(given, user, password);
    }

    /** Notes a wrong answer from {@code address}; how long to hold the reply back (positive: then close). */
    long failed(String address) {
        return guard.authFailed(address);
    }

    /**
     * Whether an HTTP request may read {@code path}, its head read by hand (the admin port): see
     * {@link #allowed}, given the request's {@code Authorization} header.
     */
    boolean httpAllowed(String head, String path, String address) {
        String authorization = null;
        for (String line : head.split("\r?\n")) {
            final int colon = line.indexOf(':');
            if (colon >= 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("authorization")) {
                authorization = line.substring(colon + 1).trim();
                break;
            }
        }
        return allowed(authorization, path, address);
    }

    /**
     * Whether an HTTP request may read {@code path}: no password set, the health paths left open,
     * or an {@code Authorization: Basic} value (null: none) with the right user (any or
     * {@code default} when no {@code admin-user} is set) and password. A wrong one is counted
     * against {@code address}.
     */
    boolean allowed(String authorization, String path, String address) {
        if (password == null || healthOpen && isHealthPath(path) || basicMatches(authorization)) {
            return true;
        }
        failed(address);
        return false;
    }

    /** Whether an {@code Authorization} value is {@code Basic} with the right user and password. */
    private boolean basicMatches(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        final String pair;
        try {
            pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false; // not base64: a wrong answer like any other
        }
        final int sep = pair.indexOf(':');
        final String given = sep < 0 ? pair : pair.substring(sep + 1);
        final String name = sep <= 0 || user == null && pair.substring(0, sep).equals("default") ? null : pair.substring(0, sep);
        return guard.matches(given, name, password);
    }

    /**
     * {@code AUTH [user] password}: 1 when the client may read (right, or no password is set), 0
     * when not, -1 when the connection must close (a wrong answer past the free attempts, held back
     * first, as on a shard port).
     */
    int answer(Command c, OutputStream out, String address) throws IOException {
        if (c.argCount() < 2 || c.argCount() > 3) {
            out.write("-ERR wrong number of arguments for 'auth' command\r\n".getBytes(StandardCharsets.US_ASCII));
            return required() ? 0 : 1;
        }
        if (!required()) {
            out.write("-ERR AUTH called without any password configured for the default user.\r\n".getBytes(StandardCharsets.US_ASCII));
            return 1;
        }
        if (matches(c.argCount() == 3 ? c.argString(1) : null, c.argString(c.argCount() - 1))) {
            out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
            return 1;
        }
        final long delay = failed(address);
        ClientGuard.holdBack(delay, out);
        out.write("-WRONGPASS invalid username-password pair or user is disabled.\r\n".getBytes(StandardCharsets.US_ASCII));
        return delay > 0 ? -1 : 0;
    }

    /** The answer to an HTTP request without the right password. */
    static void unauthorized(OutputStream out) throws IOException {
        final byte[] text = "admin-password is set: send the admin user and password (HTTP Basic)\n".getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"redis-replica admin\", charset=\"UTF-8\"\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + text.length + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(text);
        out.flush();
    }
}
