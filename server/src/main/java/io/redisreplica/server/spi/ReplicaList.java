package io.redisreplica.server.spi;

import java.util.List;

/**
 * A master's replicas as Redis lists its own: the {@code connected_slaves} and
 * {@code slaveN:ip=,port=,state=,offset=,lag=} lines of {@code INFO replication}, and the
 * {@code [ip, port, offset]} triples of {@code ROLE}, for a {@link HandshakeHost}'s answers.
 * Made from the live sessions when asked.
 *
 * @param replicas in the order they are listed
 */
public record ReplicaList(List<Entry> replicas) {
    /** No replicas. */
    public static final ReplicaList NONE = new ReplicaList(List.of());

    public ReplicaList {
        replicas = List.copyOf(replicas);
    }

    /**
     * One replica.
     *
     * @param ip its address
     * @param port the port it announced ({@code REPLCONF listening-port})
     * @param state Redis's word: {@code wait_bgsave}, {@code send_bulk} while it gets its RDB, then {@code online}
     * @param offset the offset it acknowledged (0 before its first ACK)
     * @param lagSeconds its lag, in whole seconds
     */
    public record Entry(String ip, int port, String state, long offset, long lagSeconds) {
    }

    /** INFO's {@code connected_slaves} and {@code slaveN} lines, each with its CRLF. */
    public String infoLines() {
        final StringBuilder sb = new StringBuilder("connected_slaves:").append(replicas.size()).append("\r\n");
        for (int i = 0; i < replicas.size(); i++) {
            final Entry e = replicas.get(i);
            sb.append("slave").append(i).append(":ip=").append(e.ip()).append(",port=").append(e.port()).append(",state=")
                .append(e.state()).append(",offset=").append(e.offset()).append(",lag=").append(e.lagSeconds()).append("\r\n");
        }
        return sb.toString();
    }

    /** ROLE's list of replicas as a RESP array of {@code [ip, port, offset]}. */
    public String roleArray() {
        final StringBuilder sb = new StringBuilder("*").append(replicas.size()).append("\r\n");
        for (Entry e : replicas) {
            final String port = Integer.toString(e.port());
            final String offset = Long.toString(e.offset());
            sb.append("*3\r\n$").append(e.ip().length()).append("\r\n").append(e.ip()).append("\r\n$").append(port.length()).append("\r\n")
                .append(port).append("\r\n$").append(offset.length()).append("\r\n").append(offset).append("\r\n");
        }
        return sb.toString();
    }
}
