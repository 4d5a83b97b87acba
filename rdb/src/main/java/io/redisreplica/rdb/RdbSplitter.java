package io.redisreplica.rdb;

import static io.redisreplica.rdb.RdbConstants.*;

import java.io.InputStream;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Splits one RDB into N in a single pass. Each output gets the input's header and AUX fields,
 * every FUNCTION and MODULE_AUX record (they are global), its own SELECTDB before the first of
 * its keys in each db (with a RESIZEDB of an even share of the input's, where it had one: see
 * {@code select}), and its keys copied byte for byte with their expiry and LRU/LFU opcodes; then
 * EOF and a CRC64 of its own. SLOT_INFO is left out: its counts describe the input's slots. A shard with a {@link KeyRewriter} gets its keys
 * rewritten (the entry's head written anew); values still pass byte for byte.
 *
 * <p>Memory: the reader's buffer and the largest key; values stream from input to output.
 *
 * <p>Over 300 lines: the file split and the replication-transfer split (length-prefixed and $EOF:)
 * share one visitor that copies each entry's bytes to its shard.
 */
public final class RdbSplitter {
    private final RdbReaderContext context;
    private LongConsumer progress = offset -> { };
    private long progressEvery = 64L * 1024 * 1024;
    private java.util.Set<String> droppedAux = java.util.Set.of();

    public RdbSplitter() {
        this(new RdbReaderContext());
    }

    public RdbSplitter(RdbReaderContext context) {
        this.context = context;
    }

    /** Called with the input offset about every {@code everyBytes} bytes. */
    public RdbSplitter progress(long everyBytes, LongConsumer listener) {
        this.progressEvery = everyBytes;
        this.progress = listener;
        return this;
    }

    /**
     * AUX fields left out of every shard's RDB ({@code repl-id} and {@code repl-offset} describe the
     * master's replication stream, not a shard's: a server that loads a shard file should not take
     * them for its own position). Default: every AUX field is copied.
     */
    public RdbSplitter dropAux(String... names) {
        this.droppedAux = java.util.Set.of(names);
        return this;
    }

    /**
     * Reads {@code in} to the end of its RDB and writes the shards' RDBs to {@code outputs}
     * (flushed, not closed).
     */
    public SplitResult split(InputStream in, List<RdbWriter> outputs, KeySelector selector) {
        return split(in, outputs, selector, null);
    }

    /**
     * As {@link #split(InputStream, List, KeySelector)}, each shard's keys rewritten by its
     * rewriter ({@code rewriters[shard]}; null, or a null element, for none).
     */
    public SplitResult split(InputStream in, List<RdbWriter> outputs, KeySelector selector, KeyRewriter[] rewriters) {
        return split(in, outputs, selector, rewriters, null);
    }

    /** As above, entries also kept, dropped or given new string values by {@code rules} (null for none). */
    public SplitResult split(InputStream in, List<RdbWriter> outputs, KeySelector selector, KeyRewriter[] rewriters, EntryRules rules) {
        return split(new RdbReader(context), in, outputs, selector, rewriters, rules);
    }

    /** The result of splitting a replication transfer, and the stream where the commands continue. */
    public record TransferSplit(SplitResult result, RdbTransfer transfer, InputStream commands) {
    }

    /**
     * Splits the RDB a master sends after {@code +FULLRESYNC}, {@code $<len>} or diskless
     * {@code $EOF:<mark>}, straight from the replication link.
     */
    public TransferSplit splitTransfer(InputStream link, List<RdbWriter> outputs, KeySelector selector, KeyRewriter[] rewriters,
                                       EntryRules rules) throws java.io.IOException {
        final RdbTransfer transfer = RdbTransfer.readPreamble(link);
        final RdbReader reader = new RdbReader(context);
        final SplitResult result = split(reader, transfer.rdbStream(link), outputs, selector, rewriters, rules);
        return new TransferSplit(result, transfer, transfer.finish(reader, link));
    }

    private SplitResult split(RdbReader reader, InputStream in, List<RdbWriter> outputs, KeySelector selector, KeyRewriter[] rewriters,
                              EntryRules rules) {
        final Visitor visitor = new Visitor(reader, outputs, selector, rewriters, rules);
        final RdbHeader header = reader.read(in, visitor);
        final long[] keys = new long[outputs.size()];
        final long[] bytes = new long[outputs.size()];
        for (int i = 0; i < outputs.size(); i++) {
            keys[i] = outputs.get(i).entries();
            bytes[i] = outputs.get(i).bytes();
        }
        return new SplitResult(header, keys, bytes, visitor.dropped, reader.offset());
    }

    private final class Visitor implements RdbVisitor {
        private final RdbReader reader;
        private final List<RdbWriter> outputs;
        private final KeySelector selector;
        /** Per shard, the sink that writes its entries: the writer itself, or a key-rewriting one. */
        private final RdbSink[] sinks;
        private final KeyRewriter[] rewriters;
        private final EntryRules rules;
        private long dropped;
        /** The AUX record being read is one of {@code droppedAux}. */
        private boolean dropAux;
        /** The input's last RESIZEDB: its db (-1: none yet) and its sizes, each output's share of which it gets. */
        private long resizeDb = -1;
        private long resizeKeys;
        private long resizeExpires;
        private long nextProgress = progressEvery;
        /** A string entry whose value is being decoded for the rules: its shard (or -1) and a copy of its key. */
        private int pendingShard = -1;
        private byte[] pendingKey = new byte[64];
        private byte[] pendingValue;
        private final RdbValueVisitor stringValue = new RdbValueVisitor() {
            @Override
            public void onString(RdbEntry entry, byte[] value) {
                pendingValue = value;
            }
        };
        /** A collection being rewritten: its plain type, its elements (RDB-encoded) and how many. */
        private int pendingType = -1;
        private String pendingDataType;
        private long pendingCount;
        private final SpillingOutput elements = new SpillingOutput(64 << 20);
        private final RdbWriter elementWriter = new RdbWriter(elements);
        private final RdbValueVisitor collection = new RdbValueVisitor() {
            @Override
            public void onListItem(RdbEntry entry, byte[] item) {
                final byte[] e = rules.element(entry.db(), pendingKey, entry.keyLength(), "list", null, item);
                add(e == null ? item : e); // a list element stays: positions must match the stream's
            }

            @Override
            public void onSetMember(RdbEntry entry, byte[] member) {
                final byte[] e = rules.element(entry.db(), pendingKey, entry.keyLength(), "set", null, member);
                if (e != null) {
                    add(e);
                }
            }

            @Override
            public void onZsetMember(RdbEntry entry, byte[] member, double score) {
                final byte[] e = rules.element(entry.db(), pendingKey, entry.keyLength(), "zset", null, member);
                if (e != null) {
                    add(e);
                    elementWriter.writeBinaryDouble(score);
                }
            }

            @Override
            public void onHashField(RdbEntry entry, byte[] field, byte[] value, long expireAtMs) {
                final byte[] e = rules.element(entry.db(), pendingKey, entry.keyLength(), "hash", field, value);
                if (e != null) {
                    elementWriter.writeString(field, 0, field.length);
                    add(e);
                }
            }

            private void add(byte[] element) {
                elementWriter.writeString(element, 0, element.length);
                pendingCount++;
            }
        };

        Visitor(RdbReader reader, List<RdbWriter> outputs, KeySelector selector, KeyRewriter[] rewriters, EntryRules rules) {
            this.reader = reader;
            this.outputs = outputs;
            this.selector = selector;
            this.rules = rules;
            this.rewriters = new KeyRewriter[outputs.size()];
            this.sinks = new RdbSink[outputs.size()];
            for (int i = 0; i < sinks.length; i++) {
                final KeyRewriter rewriter = rewriters == null || i >= rewriters.length ? null : rewriters[i];
                this.rewriters[i] = rewriter;
                sinks[i] = rewriter == null ? outputs.get(i) : new KeyRewritingSink(outputs.get(i), rewriter);
            }
        }

        @Override
        public void onHeader(RdbHeader header) {
            for (RdbWriter out : outputs) {
                out.header(header);
            }
        }

        @Override
        public void onResizeDb(long db, long dbSize, long expiresSize) {
            resizeDb = db;
            resizeKeys = dbSize;
            resizeExpires = expiresSize;
        }

        /**
         * Selects {@code db} in {@code out}; the first time, with a RESIZEDB of an even share of the
         * input's for that db (where the input had one): a shard replica loading a file without it
         * grows and rehashes its tables all the way (2.65 M keys: 6.5 s against 3.4-4.2 s with it).
         * A shard that gets fewer keys has its tables shrunk by Redis's cron; more, they grow from there.
         */
        private void select(RdbWriter out, long db) {
            if (out.currentDb() == db) {
                return;
            }
            out.selectDb(db);
            if (db == resizeDb) {
                final int n = outputs.size();
                out.resizeDb((resizeKeys + n - 1) / n, (resizeExpires + n - 1) / n);
            }
        }

        @Override
        public void onAux(byte[] key, byte[] value) {
            dropAux = droppedAux.contains(new String(key, java.nio.charset.StandardCharsets.ISO_8859_1)); // its record follows
        }

        @Override
        public void onRecord(int opcode, byte[] raw, int offset, int length) {
            if (opcode == OPCODE_AUX && dropAux) {
                dropAux = false;
                return;
            }
            switch (opcode) {
                case OPCODE_AUX, OPCODE_FUNCTION2, OPCODE_FUNCTION_PRE_GA, OPCODE_MODULE_AUX -> {
                    for (RdbWriter out : outputs) {
                        out.write(raw, offset, length);
                    }
                }
                default -> {
                    // SELECTDB (and a share of RESIZEDB) is written per output when it first needs it;
                    // SLOT_INFO describes the input; SLOT_IMPORT describes the source cluster.
                }
            }
        }

        @Override
        public RdbSink onEntry(RdbEntry entry) {
            final long at = reader.offset();
            if (at >= nextProgress) {
                nextProgress = at + progressEvery;
                progress.accept(at);
            }
            final int shard = selector.shardOf(entry.db(), entry.key(), entry.keyLength());
            if (shard < 0) {
                dropped++;
                return null;
            }
            if (shard >= outputs.size()) {
                throw new IllegalStateException("key selector named shard " + shard + " of " + outputs.size()
                    + " for " + entry);
            }
            if (rules != null && !rules.keeps(entry.type())) {
                dropped++;
                return null;
            }
            final int plain = rules == null ? -1 : plainType(entry.type());
            if (rules != null && ((entry.type() == TYPE_STRING && rules.decodesStrings()) || (plain >= 0 && rules.decodesElements()))) {
                // the key's bytes live in the reader's buffer, which the value may reuse
                if (pendingKey.length < entry.keyLength()) {
                    pendingKey = new byte[Math.max(entry.keyLength(), pendingKey.length * 2)];
                }
                System.arraycopy(entry.key(), 0, pendingKey, 0, entry.keyLength());
                pendingShard = shard;
                pendingType = entry.type() == TYPE_STRING ? -1 : plain;
                pendingCount = 0;
                return null; // written whole in onEntryEnd, with the value the rules give
            }
            final RdbWriter out = outputs.get(shard);
            select(out, entry.db());
            out.entryWritten();
            return sinks[shard];
        }

        @Override
        public RdbValueVisitor onValue(RdbEntry entry) {
            return pendingShard < 0 ? null : pendingType < 0 ? stringValue : collection;
        }

        /** The plain encoding a rewritten collection is written in (every Redis loads these), or -1 for other types. */
        private int plainType(int rdbType) {
            if (rdbType >= TYPE_HASH_METADATA_PRE_GA && rdbType <= TYPE_HASH_LISTPACK_EX) {
                return -1; // hashes with field expiries keep their encoding: the plain one has no room for them
            }
            return switch (RdbConstants.dataType(rdbType)) {
                case "list" -> TYPE_LIST;
                case "set" -> TYPE_SET;
                case "zset" -> TYPE_ZSET_2;
                case "hash" -> TYPE_HASH;
                default -> -1;
            };
        }

        @Override
        public void onEntryEnd(RdbEntry entry) {
            if (pendingShard < 0) {
                return;
            }
            final int shard = pendingShard;
            final int keyLength = entry.keyLength();
            final int type = pendingType;
            final byte[] value = type >= 0 ? null : rules.stringValue(entry.db(), pendingKey, keyLength, pendingValue);
            pendingShard = -1;
            pendingType = -1;
            pendingValue = null;
            if (type >= 0 ? pendingCount == 0 : value == null) {
                elements.reset(); // a collection left with no element is no key, as in Redis
                dropped++;
                return;
            }
            final RdbWriter out = outputs.get(shard);
            select(out, entry.db());
            out.entryWritten();
            final int headType = type >= 0 ? type : TYPE_STRING;
            final KeyRewriter rewriter = rewriters[shard];
            if (rewriter == null) {
                out.entryHead(entry, headType, pendingKey, keyLength);
            } else {
                final int rewritten = rewriter.rewrite(pendingKey, 0, keyLength); // before bytes(): it holds the result after the call
                out.entryHead(entry, headType, rewriter.bytes(), rewritten);
            }
            if (type >= 0) {
                out.writeLength(pendingCount);
                elements.copyTo(out);
            } else {
                out.writeString(value, 0, value.length);
            }
        }

        @Override
        public void onEnd(long stored, long computed) {
            for (RdbWriter out : outputs) {
                out.finish();
            }
        }
    }
}
