package io.redisreplica.client;

import java.util.List;

/**
 * A node's answer to {@code ROLE} (Redis 2.8.12+): {@code master}, or {@code slave} with the
 * address of its master and the state of its link ({@code connect}, {@code connecting},
 * {@code sync}, {@code connected}). A sentinel answers {@code sentinel}.
 *
 * @param role {@code master}, {@code slave}, {@code sentinel} or {@code unknown}
 * @param masterHost the node's master when it is a replica, else null
 * @param masterPort its port, else 0
 * @param linkState a replica's link to its master, else null
 * @param offset a master's replication offset, else -1
 */
public record MasterRole(String role, String masterHost, int masterPort, String linkState, long offset) {
    /** What a node that does not know ROLE (before 2.8.12) is taken for: nothing to check. */
    public static final MasterRole UNKNOWN = new MasterRole("unknown", null, 0, null, -1);

    /**
     * Whether the node replicates another.
     *
     * @return true for a replica
     */
    public boolean isReplica() {
        return masterHost != null;
    }

    /**
     * {@code HOST:PORT} of the node's master when it is a replica, else null.
     *
     * @return the master's address, or null
     */
    public String master() {
        return masterHost == null ? null : masterHost + ":" + masterPort;
    }

    /**
     * Reads ROLE's reply; anything else than an array of a known shape is {@link #UNKNOWN}.
     *
     * @param reply the reply as {@link MasterHandshake} reads it
     * @return the role
     */
    public static MasterRole of(Object reply) {
        if (!(reply instanceof List<?> l) || l.isEmpty() || !(l.get(0) instanceof String role)) {
            return UNKNOWN;
        }
        if (role.equals("slave") && l.size() >= 4 && l.get(1) instanceof String host && l.get(2) instanceof Long port) {
            return new MasterRole(role, host, port.intValue(), String.valueOf(l.get(3)), -1);
        }
        return new MasterRole(role, null, 0, null, l.size() > 1 && l.get(1) instanceof Long offset ? offset : -1);
    }

    @Override
    public String toString() {
        return masterHost == null ? role : "a replica of " + master() + " (link " + linkState + ")";
    }
}
