package io.redisreplica.router.upstream;

import java.util.List;

import io.redisreplica.router.config.HostPort;

/**
 * A node's answer to {@code ROLE} (Redis 2.8.12+): {@code master}, or {@code slave} with the
 * address of its master and the state of its link ({@code connect}, {@code connecting},
 * {@code sync}, {@code connected}). A sentinel answers {@code sentinel}.
 *
 * @param master the node's master when it is a replica, else null
 * @param offset a master's replication offset, else -1
 */
record MasterRole(String role, HostPort master, String linkState, long offset) {
    /** What a node that does not know ROLE (before 2.8.12) is taken for: nothing to check. */
    static final MasterRole UNKNOWN = new MasterRole("unknown", null, null, -1);

    boolean isReplica() {
        return master != null;
    }

    /** Reads ROLE's reply; anything else than an array of a known shape is {@link #UNKNOWN}. */
    static MasterRole of(Object reply) {
        if (!(reply instanceof List<?> l) || l.isEmpty() || !(l.get(0) instanceof String role)) {
            return UNKNOWN;
        }
        if (role.equals("slave") && l.size() >= 4 && l.get(1) instanceof String host && l.get(2) instanceof Long port) {
            return new MasterRole(role, new HostPort(host, port.intValue()), String.valueOf(l.get(3)), -1);
        }
        return new MasterRole(role, null, null, l.size() > 1 && l.get(1) instanceof Long offset ? offset : -1);
    }

    @Override
    public String toString() {
        return master == null ? role : "a replica of " + master + " (link " + linkState + ")";
    }
}
