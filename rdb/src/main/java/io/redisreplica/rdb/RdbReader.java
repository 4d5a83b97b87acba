package io.redisreplica.rdb;

import static io.redisreplica.rdb.RdbConstants.*;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads an RDB stream once, front to back, with a bounded buffer. For each entry it decodes only
 * the key; the value is walked (lengths, strings, module opcodes) to find where it ends, and its
 * bytes go to whatever sink the visitor returns, unchanged. Method names mirror {@code rdb.c}
 * ({@code rdbLoadLen}, {@code rdbGenericLoadStringObject}).
 *
 * <p>Every failure is an {@link RdbFormatException} naming the offset, the opcode or type and
 * the key when known. One reader reads one stream; it is not thread-safe.
 */
public final class RdbReader {
    private final RdbReaderContext context;
    private final RdbEntry entry = new RdbEntry();
    private RdbInput input;
    private RdbPrimitives prim;
    private RdbValueSkipper skipper;
    private RdbHeader header;
    private long db;
    private RdbEntry current;
    private long entries;

    public RdbReader() {
        this(new RdbReaderContext());
    }

    public RdbReader(RdbReaderContext context) {
        this.context = context.conclude();
    }

    /** Entries read so far. */
    public long entries() {
        return entries;
    }

    /** Offset of the next byte, for progress reports. */
    public long offset() {
        return input == null ? 0 : input.offset();
    }

    /**
     * After {@link #read}: the bytes that followed the RDB in the stream (for a diskless
     * transfer, the EOF mark and then the replication stream).
     */
    public InputStream remaining() {
        return input.remaining();
    }

    /**
     * Reads the whole RDB from {@code in}, stopping right after its checksum.
     *
     * @return the header
     * @throws RdbFormatException on corrupt, truncated, future-version or wrong-checksum input
     */
    public RdbHeader read(InputStream in, RdbVisitor visitor) {
        input = new RdbInput(in, context.bufferSize(), context.maxRecordBytes(), context.checksumExecutor());
        prim = new RdbPrimitives(input, context.maxRecordBytes(), () -> current);
        skipper = new RdbValueSkipper(prim, () -> header);
        db = 0;
        entries = 0;
        header = readHeader();
        visitor.onHeader(header);
        while (true) {
            final long recordStart = input.offset();
            input.startCapture();
            current = null;
            entry.start(recordStart, db);
            int opcode = input.readByte("an opcode");
            while (true) {
                if (opcode == OPCODE_EXPIRETIME_MS || opcode == OPCODE_EXPIRETIME || opcode == OPCODE_IDLE
                    || opcode == OPCODE_FREQ) {
                    switch (opcode) {
                        case OPCODE_EXPIRETIME_MS -> entry.expireAtMs(input.readLongLE("EXPIRETIME_MS"));
                        case OPCODE_EXPIRETIME -> entry.expireAtMs(input.readIntLE("EXPIRETIME") * 1000L);
                        case OPCODE_IDLE -> entry.idle(prim.loadLen("IDLE"));
                        default -> entry.freq(input.readByte("FREQ"));
                    }
                } else if (opcode == OPCODE_EOF) {
                    readEnd(recordStart, visitor);
                    return header;
                } else if (isRecord(opcode)) {
                    // Redis keeps a pending expiry/LRU/LFU across records (KeyDB writes an AUX there):
                    // the record's own bytes are cut out of the entry prefix collected so far
                    final int prefix = input.capturedLength() - 1;
                    readRecord(opcode, prefix, visitor);
                    if (!entry.hasPrefix()) {
                        break;
                    }
                } else {
                    readEntry(opcode, visitor);
                    break;
                }
                opcode = input.readByte("the type after an expiry/LRU/LFU opcode");
            }
        }
    }

    private void readEnd(long eofOffset, RdbVisitor visitor) {
        if (entry.hasPrefix()) {
            throw new RdbFormatException("EOF at offset " + eofOffset + " after an expiry/LRU/LFU opcode with no key", eofOffset);
        }
        input.stopCapture();
        final long computed = input.crc();
        input.crcEnabled(false);
        final long stored = header.hasChecksum() ? input.readLongLE("the CRC64 checksum") : 0;
        if (context.verifyChecksum() && stored != 0 && stored != computed) {
            throw new RdbFormatException(String.format("RDB checksum mismatch at offset %d: file says %016x, "
                + "content gives %016x", eofOffset + 1, stored, computed), eofOffset + 1);
        }
        visitor.onEnd(stored, computed);
    }

    private RdbHeader readHeader() {
        final byte[] raw = new byte[9];
        input.readFully(raw, 0, 9, "the RDB header");
        final String magic = new String(raw, StandardCharsets.ISO_8859_1);
        if (magic.startsWith("REDIS") && digits(raw, 5)) {
            final int version = Integer.parseInt(magic.substring(5));
            if (version < 1 || version > MAX_REDIS_VERSION) {
                throw new RdbFormatException("RDB version " + version + " is not supported (this build reads 1.."
                    + MAX_REDIS_VERSION + ")", 5);
            }
            return new RdbHeader(version, false, raw);
        }
        if (magic.startsWith("VALKEY") && digits(raw, 6)) {
            final int version = Integer.parseInt(magic.substring(6));
            if (version < MIN_VALKEY_VERSION || version > MAX_VALKEY_VERSION) {
                throw new RdbFormatException("Valkey RDB version " + version + " is not supported (this build reads "
                    + MIN_VALKEY_VERSION + ".." + MAX_VALKEY_VERSION + ")", 6);
            }
            return new RdbHeader(version, true, raw);
        }
        throw new RdbFormatException("not an RDB file: header is " + printable(raw, 9) + ", expected REDIS0xxx or VALKEY0xx", 0);
    }

    private static boolean digits(byte[] raw, int from) {
        for (int i = from; i < raw.length; i++) {
            if (raw[i] < '0' || raw[i] > '9') {
                return false;
            }
        }
        return true;
    }

    private boolean isRecord(int opcode) {
        return opcode == OPCODE_AUX || opcode == OPCODE_SELECTDB || opcode == OPCODE_RESIZEDB
            || opcode == OPCODE_MODULE_AUX || opcode == OPCODE_FUNCTION2 || opcode == OPCODE_FUNCTION_PRE_GA
            || opcode == OPCODE_SLOT_INFO || opcode == OPCODE_SLOT_IMPORT_OR_KEY_META;
    }

    private void readRecord(int opcode, int prefix, RdbVisitor visitor) {
        final long recordStart = input.offset() - 1;
        switch (opcode) {
            case OPCODE_SELECTDB -> db = prim.loadLen("SELECTDB");
            case OPCODE_RESIZEDB -> {
                final long dbSize = prim.loadLen("RESIZEDB db size");
                visitor.onResizeDb(db, dbSize, prim.loadLen("RESIZEDB expires size"));
            }
            case OPCODE_AUX -> {
                final int keyLength = prim.loadKey("AUX key");
                final byte[] key = java.util.Arrays.copyOf(prim.buffer(), keyLength);
                final int valueLength = prim.loadKey("AUX value");
                visitor.onAux(key, java.util.Arrays.copyOf(prim.buffer(), valueLength));
            }
            case OPCODE_MODULE_AUX -> {
                final long moduleId = prim.loadLen("MODULE_AUX module id");
                final long whenOpcode = prim.loadLen("MODULE_AUX when opcode");
                if (whenOpcode != MODULE_OPCODE_UINT) {
                    throw new RdbFormatException("MODULE_AUX of module " + ModuleNames.of(moduleId) + " at offset "
                        + recordStart + ": when-opcode " + whenOpcode + ", expected " + MODULE_OPCODE_UINT, recordStart);
                }
                prim.loadLen("MODULE_AUX when");
                skipper.skipModuleValue(moduleId, "MODULE_AUX");
            }
            case OPCODE_FUNCTION2 -> prim.skipString("FUNCTION2 library");
            case OPCODE_FUNCTION_PRE_GA -> {
                prim.skipString("FUNCTION name");
                prim.skipString("FUNCTION engine");
                if (prim.loadLen("FUNCTION has-description") != 0) {
                    prim.skipString("FUNCTION description");
                }
                prim.skipString("FUNCTION code");
            }
            case OPCODE_SLOT_INFO -> {
                prim.loadLen("SLOT_INFO slot id");
                prim.loadLen("SLOT_INFO slot size");
                prim.loadLen("SLOT_INFO expires slot size");
            }
            default -> {
                if (!header.valkey()) {
                    throw new RdbFormatException("opcode 243 (RDB_OPCODE_KEY_META) at offset " + recordStart
                        + " is not supported", recordStart);
                }
                prim.skipString("SLOT_IMPORT job name");
                final long ranges = prim.loadCount("SLOT_IMPORT range count");
                for (long i = 0; i < ranges * 2; i++) {
                    prim.loadLen("SLOT_IMPORT slot");
                }
            }
        }
        final int end = input.capturedLength();
        visitor.onRecord(opcode, input.capturedArray(), input.capturedOffset() + prefix, end - prefix);
        input.truncateCapture(prefix);
        if (opcode == OPCODE_SELECTDB) {
            entry.db(db);
            visitor.onSelectDb(db);
        }
    }

    private void readEntry(int type, RdbVisitor visitor) {
        if (!isKnownType(type)) {
            final long at = input.offset() - 1;
            throw new RdbFormatException("unknown value type " + type + " at offset " + at + " (db " + db + ")", at);
        }
        entry.type(type);
        final int keyLength = prim.loadKey("a key");
        entry.key(prim.buffer(), keyLength);
        current = entry;
        input.stopCapture();
        final RdbSink sink = visitor.onEntry(entry);
        if (sink instanceof RdbEntrySink entrySink) {
            entrySink.head(entry, input.capturedArray(), input.capturedOffset(), input.capturedLength());
            input.sink(sink);
        } else if (sink != null) {
            input.sinkWithCapture(sink); // the head goes with the value's bytes
        }
        final long valueStart = input.offset();
        try {
            final RdbValueVisitor values = visitor.onValue(entry);
            if (values == null) {
                skipper.skipValue(type);
            } else {
                new RdbValueDecoder(prim, skipper, header).decode(type, entry, values);
            }
        } finally {
            input.sink(null);
        }
        entry.valueLength(input.offset() - valueStart);
        entries++;
        visitor.onEntryEnd(entry);
        current = null;
    }

    private boolean isKnownType(int type) {
        if (type == TYPE_MODULE_PRE_GA) {
            throw new RdbFormatException("module value of the pre-GA format (type 6) at offset " + (input.offset() - 1)
                + ": it cannot be read without its module; re-save the RDB with a current Redis", input.offset() - 1);
        }
        return (type >= TYPE_STRING && type <= TYPE_MODULE_2) || (type >= TYPE_HASH_ZIPMAP && type <= TYPE_STREAM_LISTPACKS_4);
    }

    private static String printable(byte[] raw, int n) {
        final StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < Math.min(n, raw.length); i++) {
            final int c = raw[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return sb.append('"').toString();
    }
}
