package io.redisreplica.router.downstream;

import java.util.List;

/**
 * A shard's replicas as a Redis master lists its own: {@code connected_slaves} and
 * {@code slaveN:ip=,port=,state=,offset=,lag=} lines in {@code INFO replication}, and the
 * {@code [ip, port, offset]} triples of {@code ROLE}. Taken from the live sessions when asked.
 */
record ReplicaList(List<Entry> replicas) {
    static final ReplicaList NONE = new ReplicaList(List.of());

    /** One replica: its address, announced port, Redis state word, acknowledged offset and lag in seconds. */
    record Entry(String ip, int port, String state, long offset, long lagSeconds) {
    }

    static ReplicaList of(List<ReplicaSession> sessions) {
        return new ReplicaList(sessions.stream().filter(s -> !s.ended() && s.listeningPort() > 0).map(s -> new Entry(
            s.socketAddress(), s.listeningPort(), redisState(s.state()), Math.max(0, s.ackedOffset()),
            Math.round(s.lagMillis() / 1000))).toList());
    }

    /** Redis's words: a replica still getting its RDB is {@code wait_bgsave}/{@code send_bulk}, then {@code online}. */
    private static String redisState(ReplicaSession.State state) {
        return switch (state) {
            case HANDSHAKE -> "wait_bgsave";
            case FULL_SYNC -> "send_bulk";
            default -> "online";
        };
    }

    String infoLines() {
        final StringBuilder sb = new StringBuilder("connected_slaves:").append(replicas.size()).append("\r\n");
        for (int i = 0; i < replicas.size(); i++) {
            final Entry e = replicas.get(i);
            sb.append("slave").append(i).append(":ip=").append(e.ip()).append(",port=").append(e.port()).append(",state=")
                .append(e.state()).append(",offset=").append(e.offset()).append(",lag=").append(e.lagSeconds()).append("\r\n");
        }
        return sb.toString();
    }

    String roleArray() {
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
