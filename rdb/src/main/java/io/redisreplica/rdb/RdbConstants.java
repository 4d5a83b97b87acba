package io.redisreplica.rdb;

/**
 * The RDB grammar, with names from Redis's {@code rdb.h} and the RDB version that introduced each
 * part.
 *
 * <pre>
 * rdb        = magic version record* EOF checksum?
 * magic      = "REDIS" 4 digits            (version 1-13)
 *            | "VALKEY" 3 digits           (Valkey 9+, version 80+)
 * record     = AUX string string           (v7)
 *            | SELECTDB length
 *            | RESIZEDB length length      (v7)
 *            | MODULE_AUX length length length module-value   (v9)
 *            | FUNCTION2 string            (v10, Redis 7.0 GA)
 *            | FUNCTION_PRE_GA string string length [string] string   (7.0 RC only)
 *            | SLOT_INFO length length length                  (v12, 7.4)
 *            | entry
 * entry      = (EXPIRETIME int32le | EXPIRETIME_MS int64le (v3) | IDLE length (v9) | FREQ byte (v9))*
 *              type key:string value
 * length     = 00xxxxxx | 01xxxxxx byte | 0x80 int32be | 0x81 int64be (v9)
 * string     = length bytes | 11000000 int8 | 11000001 int16le | 11000010 int32le
 *            | 11000011 clen:length len:length lzf-bytes
 * checksum   = int64le CRC-64/Jones of everything before it (v5; 0 = not computed)
 * </pre>
 */
public final class RdbConstants {
    // opcodes
    public static final int OPCODE_SLOT_IMPORT_OR_KEY_META = 243; // Valkey: SLOT_IMPORT; Redis 8: KEY_META
    public static final int OPCODE_SLOT_INFO = 244;
    public static final int OPCODE_FUNCTION2 = 245;
    public static final int OPCODE_FUNCTION_PRE_GA = 246;
    public static final int OPCODE_MODULE_AUX = 247;
    public static final int OPCODE_IDLE = 248;
    public static final int OPCODE_FREQ = 249;
    public static final int OPCODE_AUX = 250;
    public static final int OPCODE_RESIZEDB = 251;
    public static final int OPCODE_EXPIRETIME_MS = 252;
    public static final int OPCODE_EXPIRETIME = 253;
    public static final int OPCODE_SELECTDB = 254;
    public static final int OPCODE_EOF = 255;

    // value types
    public static final int TYPE_STRING = 0;
    public static final int TYPE_LIST = 1;
    public static final int TYPE_SET = 2;
    public static final int TYPE_ZSET = 3;
    public static final int TYPE_HASH = 4;
    public static final int TYPE_ZSET_2 = 5;
    public static final int TYPE_MODULE_PRE_GA = 6;
    public static final int TYPE_MODULE_2 = 7;
    public static final int TYPE_HASH_ZIPMAP = 9;
    public static final int TYPE_LIST_ZIPLIST = 10;
    public static final int TYPE_SET_INTSET = 11;
    public static final int TYPE_ZSET_ZIPLIST = 12;
    public static final int TYPE_HASH_ZIPLIST = 13;
    public static final int TYPE_LIST_QUICKLIST = 14;
    public static final int TYPE_STREAM_LISTPACKS = 15;
    public static final int TYPE_HASH_LISTPACK = 16;
    public static final int TYPE_ZSET_LISTPACK = 17;
    public static final int TYPE_LIST_QUICKLIST_2 = 18;
    public static final int TYPE_STREAM_LISTPACKS_2 = 19;
    public static final int TYPE_SET_LISTPACK = 20;
    public static final int TYPE_STREAM_LISTPACKS_3 = 21;
    /** Redis 7.4 RC: hash with field expiry; Valkey 9: RDB_TYPE_HASH_2. */
    public static final int TYPE_HASH_METADATA_PRE_GA = 22;
    public static final int TYPE_HASH_LISTPACK_EX_PRE_GA = 23;
    public static final int TYPE_HASH_METADATA = 24;
    public static final int TYPE_HASH_LISTPACK_EX = 25;
    public static final int TYPE_STREAM_LISTPACKS_4 = 26;

    // module value opcodes
    static final int MODULE_OPCODE_EOF = 0;
    static final int MODULE_OPCODE_SINT = 1;
    static final int MODULE_OPCODE_UINT = 2;
    static final int MODULE_OPCODE_FLOAT = 3;
    static final int MODULE_OPCODE_DOUBLE = 4;
    static final int MODULE_OPCODE_STRING = 5;

    /** Newest Redis RDB version this reader understands. */
    public static final int MAX_REDIS_VERSION = 13;
    /** Valkey's first own RDB version (Valkey 9, "VALKEY080"), and the newest understood. */
    public static final int MIN_VALKEY_VERSION = 80;
    public static final int MAX_VALKEY_VERSION = 80;

    private static final String[] TYPE_NAMES = {"string", "list", "set", "zset", "hash", "zset_2", "module_pre_ga",
        "module_2", "type_8", "hash_zipmap", "list_ziplist", "set_intset", "zset_ziplist", "hash_ziplist",
        "list_quicklist", "stream_listpacks", "hash_listpack", "zset_listpack", "list_quicklist_2",
        "stream_listpacks_2", "set_listpack", "stream_listpacks_3", "hash_metadata_pre_ga", "hash_listpack_ex_pre_ga",
        "hash_metadata", "hash_listpack_ex", "stream_listpacks_4"};

    private RdbConstants() {
    }

    /** {@code "hash_listpack"} for 16, {@code "type 107"} for what we do not know. */
    public static String typeName(int type) {
        return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "type " + type;
    }

    /** The Redis data type of an RDB value type: string, list, set, zset, hash, stream, module. */
    public static String dataType(int type) {
        return switch (type) {
            case TYPE_STRING -> "string";
            case TYPE_LIST, TYPE_LIST_ZIPLIST, TYPE_LIST_QUICKLIST, TYPE_LIST_QUICKLIST_2 -> "list";
            case TYPE_SET, TYPE_SET_INTSET, TYPE_SET_LISTPACK -> "set";
            case TYPE_ZSET, TYPE_ZSET_2, TYPE_ZSET_ZIPLIST, TYPE_ZSET_LISTPACK -> "zset";
            case TYPE_STREAM_LISTPACKS, TYPE_STREAM_LISTPACKS_2, TYPE_STREAM_LISTPACKS_3, TYPE_STREAM_LISTPACKS_4 -> "stream";
            case TYPE_MODULE_PRE_GA, TYPE_MODULE_2 -> "module";
            default -> "hash";
        };
    }
}
