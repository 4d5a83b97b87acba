package io.redisreplica.tools;

import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;

/**
 * Logback's own warnings and errors (about logback.xml) on stderr, its information nowhere:
 * without a listener logback prints them on stdout, into the commands' output.
 */
public class StderrStatusListener implements StatusListener {
    @Override
    public void addStatusEvent(Status status) {
        if (status.getEffectiveLevel() >= Status.WARN) {
            System.err.println("logback: " + status);
        }
    }
}
