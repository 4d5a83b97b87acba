package io.redisreplica.router.config;

/** A {@code HOST:PORT} word of the config: where to connect, or where to listen. */
public record HostPort(String host, int port) {
    static HostPort parse(String text, String where) {
        final int colon = text.lastIndexOf(':');
        try {
            final int port = Integer.parseInt(text.substring(colon + 1));
            if (colon <= 0 || port <= 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new HostPort(text.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new ConfigException(where + "bad address '" + text + "' (expected HOST:PORT)");
        }
    }

    /**
     * Whether two listeners would clash (checked at load, so the second bind does not fail
     * after start): one port, and the same host, or either listens on every address, or both on
     * loopback.
     */
    static boolean clash(String hostA, int portA, String hostB, int portB) {
        return portA == portB && (hostA.equalsIgnoreCase(hostB) || wildcard(hostA) || wildcard(hostB) || (local(hostA) && local(hostB)));
    }

    private static boolean wildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("*") || host.isEmpty();
    }

    private static boolean local(String host) {
        return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
