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
    private byte[] keyBuffer = new byte[256];
    private byte[] scratch = new byte[256];
    private RdbInput input;
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
        input = new RdbInput(in, context.bufferSize(), context.maxRecordBytes());
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
                        case OPCODE_IDLE -> entry.idle(loadLen("IDLE"));
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
            case OPCODE_SELECTDB -> db = loadLen("SELECTDB");
            case OPCODE_RESIZEDB -> {
                loadLen("RESIZEDB db size");
                loadLen("RESIZEDB expires size");
            }
            case OPCODE_AUX -> {
                final int keyLength = loadString("AUX key");
                final byte[] key = java.util.Arrays.copyOf(keyBuffer, keyLength);
                final int valueLength = loadString("AUX value");
                visitor.onAux(key, java.util.Arrays.copyOf(keyBuffer, valueLength));
            }
            case OPCODE_MODULE_AUX -> {
                final long moduleId = loadLen("MODULE_AUX module id");
                final long whenOpcode = loadLen("MODULE_AUX when opcode");
                if (whenOpcode != MODULE_OPCODE_UINT) {
                    throw new RdbFormatException("MODULE_AUX of module " + ModuleNames.of(moduleId) + " at offset "
                        + recordStart + ": when-opcode " + whenOpcode + ", expected " + MODULE_OPCODE_UINT, recordStart);
                }
                loadLen("MODULE_AUX when");
                skipModuleValue(moduleId, "MODULE_AUX");
            }
            case OPCODE_FUNCTION2 -> skipString("FUNCTION2 library");
            case OPCODE_FUNCTION_PRE_GA -> {
                skipString("FUNCTION name");
                skipString("FUNCTION engine");
                if (loadLen("FUNCTION has-description") != 0) {
                    skipString("FUNCTION description");
                }
                skipString("FUNCTION code");
            }
            case OPCODE_SLOT_INFO -> {
                loadLen("SLOT_INFO slot id");
                loadLen("SLOT_INFO slot size");
                loadLen("SLOT_INFO expires slot size");
            }
            default -> {
                if (!header.valkey()) {
                    throw new RdbFormatException("opcode 243 (RDB_OPCODE_KEY_META) at offset " + recordStart
                        + " is not supported", recordStart);
                }
                skipString("SLOT_IMPORT job name");
                final long ranges = loadCount("SLOT_IMPORT range count");
                for (long i = 0; i < ranges * 2; i++) {
                    loadLen("SLOT_IMPORT slot");
                }
            }
        }
        final int end = input.capturedLength();
        visitor.onRecord(opcode, input.captured(), prefix, end - prefix);
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
        final int keyLength = loadString("a key");
        entry.key(keyBuffer, keyLength);
        current = entry;
        input.stopCapture();
        final RdbSink sink = visitor.onEntry(entry);
        if (sink != null) {
            sink.write(input.captured(), 0, input.capturedLength());
            input.sink(sink);
        }
        final long valueStart = input.offset();
        try {
            skipValue(type);
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

    private void skipValue(int type) {
        switch (type) {
            case TYPE_STRING, TYPE_HASH_ZIPMAP, TYPE_LIST_ZIPLIST, TYPE_SET_INTSET, TYPE_ZSET_ZIPLIST, TYPE_HASH_ZIPLIST,
                TYPE_HASH_LISTPACK, TYPE_ZSET_LISTPACK, TYPE_SET_LISTPACK, TYPE_HASH_LISTPACK_EX_PRE_GA ->
                skipString("the value");
            case TYPE_LIST, TYPE_SET, TYPE_LIST_QUICKLIST -> {
                final long n = loadCount("the element count");
                for (long i = 0; i < n; i++) {
                    skipString("an element");
                }
            }
            case TYPE_ZSET -> {
                final long n = loadCount("the zset size");
                for (long i = 0; i < n; i++) {
                    skipString("a zset member");
                    final int len = input.readByte("a zset score");
                    if (len < 253) {
                        input.skip(len, "a zset score");
                    }
                }
            }
            case TYPE_ZSET_2 -> {
                final long n = loadCount("the zset size");
                for (long i = 0; i < n; i++) {
                    skipString("a zset member");
                    input.skip(8, "a zset score");
                }
            }
            case TYPE_HASH -> {
                final long n = loadCount("the hash size");
                for (long i = 0; i < n; i++) {
                    skipString("a hash field");
                    skipString("a hash value");
                }
            }
            case TYPE_LIST_QUICKLIST_2 -> {
                final long n = loadCount("the quicklist node count");
                for (long i = 0; i < n; i++) {
                    final long container = loadLen("a quicklist node container");
                    if (container != 1 && container != 2) {
                        throw formatError("quicklist node container " + container + " (expected 1 plain or 2 packed)");
                    }
                    skipString("a quicklist node");
                }
            }
            case TYPE_MODULE_2 -> skipModuleValue(loadLen("the module id"), "module value");
            case TYPE_HASH_METADATA_PRE_GA -> {
                final long n = loadCount("the hash size");
                for (long i = 0; i < n; i++) {
                    if (header.valkey()) { // Valkey 9 RDB_TYPE_HASH_2: field, value, absolute expiry
                        skipString("a hash field");
                        skipString("a hash value");
                        input.skip(8, "a hash field expiry");
                    } else {
                        loadLen("a hash field expiry");
                        skipString("a hash field");
                        skipString("a hash value");
                    }
                }
            }
            case TYPE_HASH_METADATA -> {
                input.skip(8, "the hash minimum expiry");
                final long n = loadCount("the hash size");
                for (long i = 0; i < n; i++) {
                    loadLen("a hash field expiry");
                    skipString("a hash field");
                    skipString("a hash value");
                }
            }
            case TYPE_HASH_LISTPACK_EX -> {
                input.skip(8, "the hash minimum expiry");
                skipString("the hash listpack");
            }
            case TYPE_STREAM_LISTPACKS, TYPE_STREAM_LISTPACKS_2, TYPE_STREAM_LISTPACKS_3, TYPE_STREAM_LISTPACKS_4 ->
                skipStream(type);
            default -> throw formatError("no reader for value type " + type);
        }
    }

    /** rdbLoadObject's stream branch: listpacks, metadata, consumer groups (PELs, consumers), and v4's IDMP table. */
    private void skipStream(int type) {
        final long listpacks = loadCount("the stream listpack count");
        for (long i = 0; i < listpacks; i++) {
            skipString("a stream node key");
            skipString("a stream listpack");
        }
        loadLen("the stream length");
        loadLen("the stream last id ms");
        loadLen("the stream last id seq");
        if (type >= TYPE_STREAM_LISTPACKS_2) {
            loadLen("the stream first id ms");
            loadLen("the stream first id seq");
            loadLen("the stream max deleted id ms");
            loadLen("the stream max deleted id seq");
            loadLen("the stream entries added");
        }
        final long groups = loadCount("the consumer group count");
        for (long g = 0; g < groups; g++) {
            skipString("a consumer group name");
            loadLen("a group last id ms");
            loadLen("a group last id seq");
            if (type >= TYPE_STREAM_LISTPACKS_2) {
                loadLen("a group entries-read");
            }
            final long pel = loadCount("a group PEL size");
            for (long p = 0; p < pel; p++) {
                input.skip(16 + 8, "a PEL entry");
                loadLen("a PEL delivery count");
            }
            final long consumers = loadCount("a group consumer count");
            for (long c = 0; c < consumers; c++) {
                skipString("a consumer name");
                input.skip(type >= TYPE_STREAM_LISTPACKS_3 ? 16 : 8, "a consumer seen/active time");
                final long cpel = loadCount("a consumer PEL size");
                input.skip(cpel * 16, "a consumer PEL");
            }
        }
        if (type == TYPE_STREAM_LISTPACKS_4) {
            // IDMP (idempotent producers, RDB 13): settings, then per producer its ids and the entries they made
            loadLen("the stream IDMP duration");
            loadLen("the stream IDMP max entries");
            final long producers = loadCount("the stream IDMP producer count");
            for (long p = 0; p < producers; p++) {
                skipString("an IDMP producer id");
                final long ids = loadCount("an IDMP producer's id count");
                for (long i = 0; i < ids; i++) {
                    skipString("an IDMP id");
                    loadLen("an IDMP stream id ms");
                    loadLen("an IDMP stream id seq");
                }
            }
            loadLen("the stream IDMP ids added");
            loadLen("the stream IDMP duplicates");
        }
    }

    private void skipModuleValue(long moduleId, String what) {
        while (true) {
            final long opcode = loadLen(what + " opcode");
            switch ((int) opcode) {
                case MODULE_OPCODE_EOF -> {
                    return;
                }
                case MODULE_OPCODE_SINT, MODULE_OPCODE_UINT -> loadLen(what + " integer");
                case MODULE_OPCODE_FLOAT -> input.skip(4, what + " float");
                case MODULE_OPCODE_DOUBLE -> input.skip(8, what + " double");
                case MODULE_OPCODE_STRING -> skipString(what + " string");
                default -> throw formatError("unknown opcode " + opcode + " in " + what + " of module "
                    + ModuleNames.of(moduleId));
            }
        }
    }

    /** rdbLoadLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian; an encoded-value marker is an error here. */
    private long loadLen(String what) {
        final int first = input.readByte(what);
        switch (first >> 6) {
            case 0:
                return first & 0x3f;
            case 1:
                return ((first & 0x3f) << 8) | input.readByte(what);
            case 2:
                if (first == 0x80) {
                    return input.readUnsignedBE(4, what);
                }
                if (first == 0x81) {
                    return input.readUnsignedBE(8, what); // unsigned: module ids and -1 markers use the top bit
                }
                throw formatError(String.format("invalid length encoding 0x%02x for %s", first, what));
            default:
                throw formatError(String.format("expected a length for %s, got encoded value 0x%02x", what, first));
        }
    }

    /** A length used as a count or a size: unsigned values past Long.MAX_VALUE are corrupt here. */
    private long loadCount(String what) {
        final long n = loadLen(what);
        if (n < 0) {
            throw formatError(what + " " + Long.toUnsignedString(n) + " is too large");
        }
        return n;
    }

    /** rdbGenericLoadStringObject without keeping the string: passes its bytes to the sink. */
    private void skipString(String what) {
        final int first = input.peekByte(what);
        if ((first >> 6) == 3) {
            input.readByte(what);
            switch (first & 0x3f) {
                case 0 -> input.skip(1, what);
                case 1 -> input.skip(2, what);
                case 2 -> input.skip(4, what);
                case 3 -> {
                    final long clen = loadCount(what + " (compressed length)");
                    loadCount(what + " (length)");
                    input.skip(clen, what);
                }
                default -> throw formatError(String.format("unknown string encoding 0x%02x for %s", first, what));
            }
            return;
        }
        input.skip(loadCount(what), what);
    }

    /** rdbGenericLoadStringObject into {@link #keyBuffer}; returns the length. Integers become their decimal text. */
    private int loadString(String what) {
        final int first = input.peekByte(what);
        if ((first >> 6) == 3) {
            input.readByte(what);
            final long value;
            switch (first & 0x3f) {
                case 0 -> value = (byte) input.readByte(what);
                case 1 -> value = (short) (input.readByte(what) | input.readByte(what) << 8);
                case 2 -> value = input.readIntLE(what);
                case 3 -> {
                    return loadLzf(what);
                }
                default -> throw formatError(String.format("unknown string encoding 0x%02x for %s", first, what));
            }
            final byte[] text = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
            ensureKey(text.length, what);
            System.arraycopy(text, 0, keyBuffer, 0, text.length);
            return text.length;
        }
        final long len = loadCount(what);
        ensureKey(len, what);
        input.readFully(keyBuffer, 0, (int) len, what);
        return (int) len;
    }

    private int loadLzf(String what) {
        final long clen = loadCount(what + " (compressed length)");
        final long len = loadCount(what + " (length)");
        ensureKey(len, what);
        if (clen > len + 64 || clen > context.maxRecordBytes()) {
            throw formatError("LZF " + what + " of " + clen + " compressed bytes for " + len + " bytes");
        }
        if (scratch.length < clen) {
            scratch = new byte[(int) clen];
        }
        input.readFully(scratch, 0, (int) clen, what);
        if (!Lzf.decompress(scratch, 0, (int) clen, keyBuffer, (int) len)) {
            throw formatError("corrupt LZF data in " + what);
        }
        return (int) len;
    }

    private void ensureKey(long len, String what) {
        if (len > context.maxRecordBytes()) {
            throw formatError(what + " of " + len + " bytes exceeds max-record-bytes " + context.maxRecordBytes());
        }
        if (keyBuffer.length < len) {
            keyBuffer = new byte[(int) Math.max(len, keyBuffer.length * 2L)];
        }
    }

    private RdbFormatException formatError(String what) {
        final long at = input.offset();
        final StringBuilder sb = new StringBuilder(what).append(" at offset ").append(at);
        if (current != null) {
            sb.append(" in ").append(current);
        }
        return new RdbFormatException(sb.toString(), at);
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
