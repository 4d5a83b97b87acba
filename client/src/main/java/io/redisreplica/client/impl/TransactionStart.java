package io.redisreplica.client.impl;

import io.redisreplica.resp.Command;

/**
 * Whether the commands {@link io.redisreplica.client.JournaledClient} delivers are inside a
 * MULTI/EXEC of the master, and what was delivered before its MULTI: the journal offset and the
 * master's position there. An acknowledgement inside a transaction records that point instead of
 * the last command, so a restart delivers the transaction whole, from its MULTI, and never its
 * tail alone. Kept here, not taken from the link: a link that fails inside a transaction is
 * continued there by the master without a MULTI, and the journal's commands delivered again at
 * open come from no link at all. Nothing is allocated per command.
 */
public final class TransactionStart {
    private static final byte[] MULTI = {'M', 'U', 'L', 'T', 'I'};
    private static final byte[] EXEC = {'E', 'X', 'E', 'C'};

    private boolean open;
    private long journalOffset;
    private String replid;
    private long offset;
    private int db;

    /**
     * Takes the command about to be delivered, with what the last one delivered left: the journal
     * offset after it (-1: none since open) and the master's position after it.
     */
    public void deliver(Command c, long journalOffsetBefore, String replidBefore, long offsetBefore, int dbBefore) {
        if (c.nameIs(MULTI)) {
            open = true;
            journalOffset = journalOffsetBefore;
            replid = replidBefore;
            offset = offsetBefore;
            db = dbBefore;
        } else if (c.nameIs(EXEC)) {
            open = false;
        }
    }

    /** A snapshot replaced everything: no transaction is open. */
    public void reset() {
        open = false;
    }

    /** Whether the last command delivered is inside a transaction (its MULTI included, its EXEC not). */
    public boolean open() {
        return open;
    }

    /** The journal offset before the open transaction's MULTI (-1: it came first after open, nothing to acknowledge). */
    public long journalOffset() {
        return journalOffset;
    }

    /** The master's replid before the open transaction's MULTI. */
    public String replid() {
        return replid;
    }

    /** The master's offset before the open transaction's MULTI. */
    public long offset() {
        return offset;
    }

    /** The db selected before the open transaction's MULTI. */
    public int db() {
        return db;
    }
}
