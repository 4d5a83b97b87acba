package io.redisreplica.router.sinks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.redisreplica.api.KeyEvent;
import io.redisreplica.journal.JournalEntry;
import io.redisreplica.resp.Command;
import io.redisreplica.router.routing.CommandSpec;
import io.redisreplica.router.routing.CommandTable;
import io.redisreplica.router.routing.KeyPositions;

/**
 * The key events a journal entry holds: one per key of each of its {@link EntryCommands}. DEL, UNLINK and GETDEL delete; EXPIRE and its kin set or clear a time to
 * live; FLUSHDB and FLUSHALL flush; RENAME deletes its source and writes its destination; MOVE
 * deletes; COPY writes its destination only; every other command with keys writes them. With
 * {@link KeyKinds} (a sink with {@code kinds=}), each event also gets its kind and the key's type,
 * only the kinds the sink asked for are kept, and a store command's sources (only read) get none.
 * Off the hot path: it allocates the events it returns.
 */
final class KeyEvents {
    private static final Set<String> DELETES = Set.of("DEL", "UNLINK", "GETDEL", "MOVE");
    private static final Set<String> EXPIRES = Set.of("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "PERSIST");

    private final CommandTable table = new CommandTable();
    private final EntryCommands commands = new EntryCommands();
    private final io.redisreplica.router.routing.KeyArgs keyArgs = new io.redisreplica.router.routing.KeyArgs();
    private final boolean values;
    private final KeyKinds kinds;
    private final Set<KeyEvent.Kind> wanted;

    /** @param values whether events carry the command's arguments after the key */
    KeyEvents(boolean values) {
        this(values, null, Set.of());
    }

    /**
     * @param kinds tells each event's kind from the sink's key index, or null for events without kinds
     * @param wanted the kinds the sink asked for ({@code write} goes with add or change)
     */
    KeyEvents(boolean values, KeyKinds kinds, Set<KeyEvent.Kind> wanted) {
        this.values = values;
        this.kinds = kinds;
        this.wanted = wanted;
    }

    KeyKinds kinds() {
        return kinds;
    }

    /** Appends the entry's events to {@code out}; with kinds, {@code out} null only keeps the index. */
    void of(String shard, JournalEntry entry, List<KeyEvent> out) {
        if (kinds != null) {
            withKinds(shard, entry, out);
            return;
        }
        commands.wrap(entry);
        while (commands.next()) {
            final Command c = commands.command();
            final String name = c.argString(0).toUpperCase(Locale.ROOT);
            if (name.equals("FLUSHALL") || name.equals("FLUSHDB")) {
                out.add(new KeyEvent(shard, name.equals("FLUSHALL") ? -1 : commands.db(), entry.endOffset(), KeyEvent.Type.FLUSH, name,
                    null, List.of()));
                continue;
            }
            final CommandSpec spec = table.lookup(c);
            final int keys;
            if (spec == null) {
                keys = c.argCount() > 1 ? 1 : 0; // as the router routes it: its key first
                keyArgs.clear().add(1);
            } else {
                keys = KeyPositions.of(c, spec, keyArgs);
            }
            for (int k = 0; k < keys; k++) {
                if (name.equals("COPY") && k == 0) {
                    continue; // the source is only read
                }
                final KeyEvent.Type type = DELETES.contains(name) || (name.startsWith("RENAME") && k == 0) ? KeyEvent.Type.DEL
                    : EXPIRES.contains(name) ? KeyEvent.Type.EXPIRE : KeyEvent.Type.WRITE;
                out.add(new KeyEvent(shard, commands.db(), entry.endOffset(), type, name, c.argBytes(keyArgs.arg(k)),
                    values ? args(c, spec, keys, k) : List.of()));
            }
        }
    }

    private void withKinds(String shard, JournalEntry entry, List<KeyEvent> out) {
        kinds.entry(entry.startOffset());
        commands.wrap(entry);
        while (commands.next()) {
            final Command c = commands.command();
            final String name = c.argString(0).toUpperCase(Locale.ROOT);
            if (name.equals("FLUSHALL") || name.equals("FLUSHDB") || name.equals("SWAPDB")) {
                kinds.keyless(name, c, commands.db());
                if (out != null && !name.equals("SWAPDB") && wanted.contains(KeyEvent.Kind.FLUSH)) {
                    out.add(new KeyEvent(shard, name.equals("FLUSHALL") ? -1 : commands.db(), entry.endOffset(), KeyEvent.Type.FLUSH,
                        name, null, List.of(), KeyEvent.Kind.FLUSH, null));
                }
                continue;
            }
            final CommandSpec spec = table.lookup(c);
            final int keys;
            if (spec == null) {
                keys = c.argCount() > 1 ? 1 : 0;
                keyArgs.clear().add(1);
            } else {
                keys = KeyPositions.of(c, spec, keyArgs);
            }
            kinds.of(commands.db(), c, name, keyArgs, keys, spec != null, out == null ? (db, arg, kind, type) -> { } : (db, arg, kind, type) -> {
                if (!wanted(kind)) {
                    return;
                }
                final KeyEvent.Type old = kind == KeyEvent.Kind.DEL || kind == KeyEvent.Kind.EXPIRE || kind == KeyEvent.Kind.RENAME_FROM
                    ? KeyEvent.Type.DEL : EXPIRES.contains(name) ? KeyEvent.Type.EXPIRE : KeyEvent.Type.WRITE;
                int k = 0;
                while (k < keys && keyArgs.arg(k) != arg) {
                    k++;
                }
                out.add(new KeyEvent(shard, db, entry.endOffset(), old, name, c.argBytes(arg), values ? args(c, spec, keys, k) : List.of(),
                    kind, io.redisreplica.router.sinks.index.KeyMeta.typeName(type)));
            });
        }
    }

    private boolean wanted(KeyEvent.Kind kind) {
        return wanted.contains(kind) || kind == KeyEvent.Kind.WRITE && (wanted.contains(KeyEvent.Kind.ADD)
            || wanted.contains(KeyEvent.Kind.CHANGE));
    }

    /** A key's arguments: all after it for a one-key command, its value for MSET and the like, none otherwise. */
    private List<byte[]> args(Command c, CommandSpec spec, int keys, int k) {
        final List<byte[]> args = new ArrayList<>();
        if (keys == 1) {
            for (int i = keyArgs.arg(0) + 1; i < c.argCount(); i++) {
                args.add(c.argBytes(i));
            }
        } else if (spec != null && spec.step() > 1) {
            for (int j = 1; j < spec.step() && keyArgs.arg(k) + j < c.argCount(); j++) {
                args.add(c.argBytes(keyArgs.arg(k) + j));
            }
        }
        return args;
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
