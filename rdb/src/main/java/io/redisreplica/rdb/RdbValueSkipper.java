package io.redisreplica.rdb;

import static io.redisreplica.rdb.RdbConstants.*;

import java.util.function.Supplier;

/**
 * The low-level pass over a value: walks its lengths, strings and module opcodes to find where
 * it ends without decoding it, every byte going to the input's sink. Mirrors the shape of
 * {@code rdbLoadObject} per type.
 */
final class RdbValueSkipper {
    private final RdbPrimitives prim;
    private final Supplier<RdbHeader> header;

    RdbValueSkipper(RdbPrimitives prim, Supplier<RdbHeader> header) {
        this.prim = prim;
        this.header = header;
    }

    void skipValue(int type) {
        switch (type) {
            case TYPE_STRING, TYPE_HASH_ZIPMAP, TYPE_LIST_ZIPLIST, TYPE_SET_INTSET, TYPE_ZSET_ZIPLIST, TYPE_HASH_ZIPLIST,
                TYPE_HASH_LISTPACK, TYPE_ZSET_LISTPACK, TYPE_SET_LISTPACK, TYPE_HASH_LISTPACK_EX_PRE_GA ->
                prim.skipString("the value");
            case TYPE_LIST, TYPE_SET, TYPE_LIST_QUICKLIST -> {
                final long n = prim.loadCount("the element count");
                for (long i = 0; i < n; i++) {
                    prim.skipString("an element");
                }
            }
            case TYPE_ZSET -> {
                final long n = prim.loadCount("the zset size");
                for (long i = 0; i < n; i++) {
                    prim.skipString("a zset member");
                    final int len = prim.input().readByte("a zset score");
                    if (len < 253) {
                        prim.input().skip(len, "a zset score");
                    }
                }
            }
            case TYPE_ZSET_2 -> {
                final long n = prim.loadCount("the zset size");
                for (long i = 0; i < n; i++) {
                    prim.skipString("a zset member");
                    prim.input().skip(8, "a zset score");
                }
            }
            case TYPE_HASH -> {
                final long n = prim.loadCount("the hash size");
                for (long i = 0; i < n; i++) {
                    prim.skipString("a hash field");
                    prim.skipString("a hash value");
                }
            }
            case TYPE_LIST_QUICKLIST_2 -> {
                final long n = prim.loadCount("the quicklist node count");
                for (long i = 0; i < n; i++) {
                    final long container = prim.loadLen("a quicklist node container");
                    if (container != 1 && container != 2) {
                        throw prim.formatError("quicklist node container " + container + " (expected 1 plain or 2 packed)");
                    }
                    prim.skipString("a quicklist node");
                }
            }
            case TYPE_MODULE_2 -> skipModuleValue(prim.loadLen("the module id"), "module value");
            case TYPE_HASH_METADATA_PRE_GA -> {
                final long n = prim.loadCount("the hash size");
                for (long i = 0; i < n; i++) {
                    if (header.get().valkey()) { // Valkey 9 RDB_TYPE_HASH_2: field, value, absolute expiry
                        prim.skipString("a hash field");
                        prim.skipString("a hash value");
                        prim.input().skip(8, "a hash field expiry");
                    } else {
                        prim.loadLen("a hash field expiry");
                        prim.skipString("a hash field");
                        prim.skipString("a hash value");
                    }
                }
            }
            case TYPE_HASH_METADATA -> {
                prim.input().skip(8, "the hash minimum expiry");
                final long n = prim.loadCount("the hash size");
                for (long i = 0; i < n; i++) {
                    prim.loadLen("a hash field expiry");
                    prim.skipString("a hash field");
                    prim.skipString("a hash value");
                }
            }
            case TYPE_HASH_LISTPACK_EX -> {
                prim.input().skip(8, "the hash minimum expiry");
                prim.skipString("the hash listpack");
            }
            case TYPE_STREAM_LISTPACKS, TYPE_STREAM_LISTPACKS_2, TYPE_STREAM_LISTPACKS_3, TYPE_STREAM_LISTPACKS_4 ->
                skipStream(type);
            default -> throw prim.formatError("no reader for value type " + type);
        }
    }

    /** rdbLoadObject's stream branch: listpacks, metadata, consumer groups (PELs, consumers), and v4's IDMP table. */
    void skipStream(int type) {
        final long listpacks = prim.loadCount("the stream listpack count");
        for (long i = 0; i < listpacks; i++) {
            prim.skipString("a stream node key");
            prim.skipString("a stream listpack");
        }
        skipStreamTail(type);
    }

    /** What follows a stream's listpacks: length, ids, consumer groups, IDMP. */
    void skipStreamTail(int type) {
        prim.loadLen("the stream length");
        prim.loadLen("the stream last id ms");
        prim.loadLen("the stream last id seq");
        if (type >= TYPE_STREAM_LISTPACKS_2) {
            prim.loadLen("the stream first id ms");
            prim.loadLen("the stream first id seq");
            prim.loadLen("the stream max deleted id ms");
            prim.loadLen("the stream max deleted id seq");
            prim.loadLen("the stream entries added");
        }
        final long groups = prim.loadCount("the consumer group count");
        for (long g = 0; g < groups; g++) {
            prim.skipString("a consumer group name");
            prim.loadLen("a group last id ms");
            prim.loadLen("a group last id seq");
            if (type >= TYPE_STREAM_LISTPACKS_2) {
                prim.loadLen("a group entries-read");
            }
            final long pel = prim.loadCount("a group PEL size");
            for (long p = 0; p < pel; p++) {
                prim.input().skip(16 + 8, "a PEL entry");
                prim.loadLen("a PEL delivery count");
            }
            final long consumers = prim.loadCount("a group consumer count");
            for (long c = 0; c < consumers; c++) {
                prim.skipString("a consumer name");
                prim.input().skip(type >= TYPE_STREAM_LISTPACKS_3 ? 16 : 8, "a consumer seen/active time");
                final long cpel = prim.loadCount("a consumer PEL size");
                prim.input().skip(cpel * 16, "a consumer PEL");
            }
        }
        if (type == TYPE_STREAM_LISTPACKS_4) {
            // IDMP (idempotent producers, RDB 13): settings, then per producer its ids and the entries they made
            prim.loadLen("the stream IDMP duration");
            prim.loadLen("the stream IDMP max entries");
            final long producers = prim.loadCount("the stream IDMP producer count");
            for (long p = 0; p < producers; p++) {
                prim.skipString("an IDMP producer id");
                final long ids = prim.loadCount("an IDMP producer's id count");
                for (long i = 0; i < ids; i++) {
                    prim.skipString("an IDMP id");
                    prim.loadLen("an IDMP stream id ms");
                    prim.loadLen("an IDMP stream id seq");
                }
            }
            prim.loadLen("the stream IDMP ids added");
            prim.loadLen("the stream IDMP duplicates");
        }
    }

    void skipModuleValue(long moduleId, String what) {
        while (true) {
            final long opcode = prim.loadLen(what + " opcode");
            switch ((int) opcode) {
                case MODULE_OPCODE_EOF -> {
                    return;
                }
                case MODULE_OPCODE_SINT, MODULE_OPCODE_UINT -> prim.loadLen(what + " integer");
                case MODULE_OPCODE_FLOAT -> prim.input().skip(4, what + " float");
                case MODULE_OPCODE_DOUBLE -> prim.input().skip(8, what + " double");
                case MODULE_OPCODE_STRING -> prim.skipString(what + " string");
                default -> throw prim.formatError("unknown opcode " + opcode + " in " + what + " of module "
                    + ModuleNames.of(moduleId));
            }
        }
    }

}
