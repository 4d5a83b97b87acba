package io.redisreplica.router.sinks;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;

import io.redisreplica.journal.JournalEntry;
import io.redisreplica.resp.Command;
import io.redisreplica.resp.CommandFramer;

/**
 * The commands of one journal entry that act on data: all but MULTI/EXEC (a replay wraps its own
 * transaction around each batch; events are per command), SELECT (it moves {@link #db()}: an
 * entry starts in its db field's database, and a transaction may select others inside) and PING
 * (a keep-alive). A view over the entry's bytes; reused from entry to entry. Used by the
 * replay tool and by the event sinks.
 */
public final class EntryCommands {
    private static final byte[] MULTI = bytes("MULTI");
    private static final byte[] EXEC = bytes("EXEC");
    private static final byte[] SELECT = bytes("SELECT");
    private static final byte[] PING = bytes("PING");

    private final CommandFramer framer = new CommandFramer(io.redisreplica.resp.RespDecoderContext.preChecked());
    private JournalEntry entry;
    private int at;
    private int end;
    private int commandOffset;
    private int commandLength;
    private int db;

    public EntryCommands wrap(JournalEntry entry) {
        this.entry = entry;
        this.at = entry.payloadOffset();
        this.end = at + entry.payloadLength();
        this.db = entry.db();
        framer.reset();
        return this;
    }

    /**
     * Moves to the next command to apply.
     *
     * @return false at the end of the entry
     * @throws IllegalStateException when the entry ends inside a command (the journal only holds whole ones)
     */
    public boolean next() {
        while (at < end) {
            final int n = framer.frame(entry.payload(), at, end - at);
            if (n <= 0) {
                throw new IllegalStateException("journal entry at offset " + entry.startOffset() + " ends inside a command");
            }
            commandOffset = at;
            commandLength = n;
            at += n;
            final Command c = framer.command();
            if (c.nameIs(SELECT) && c.argCount() == 2) {
                db = (int) c.argLong(1);
                continue;
            }
            if (!c.isEmpty() && !c.nameIs(MULTI) && !c.nameIs(EXEC) && !c.nameIs(SELECT) && !c.nameIs(PING)) {
                return true;
            }
        }
        return false;
    }

    /** The database the current command acts on. */
    public int db() {
        return db;
    }

    public Command command() {
        return framer.command();
    }

    public DirectBuffer buffer() {
        return entry.payload();
    }

    /** Where the current command's RESP bytes start in {@link #buffer()}. */
    public int offset() {
        return commandOffset;
    }

    public int length() {
        return commandLength;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
