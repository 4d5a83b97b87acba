package io.redisreplica.rdb;

import static io.redisreplica.rdb.RdbConstants.*;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The optional second layer: materialises a value element by element for an {@link
 * RdbValueVisitor}, whatever its encoding. Elements are bounded by max-record-bytes like keys;
 * collections are never held whole, except an encoded blob (a ziplist or listpack node), which
 * Redis itself bounds. The bytes still stream to the input's sink as they are read.
 */
final class RdbValueDecoder {
    private static final int STREAM_ITEM_FLAG_DELETED = 1;
    private static final int STREAM_ITEM_FLAG_SAMEFIELDS = 2;

    private final RdbPrimitives prim;
    private final RdbValueSkipper skipper;
    private final RdbHeader header;

    RdbValueDecoder(RdbPrimitives prim, RdbValueSkipper skipper, RdbHeader header) {
        this.prim = prim;
        this.skipper = skipper;
        this.header = header;
    }

    void decode(int type, RdbEntry e, RdbValueVisitor v) {
        switch (type) {
            case TYPE_STRING -> v.onString(e, prim.loadStringCopy("the value"));
            case TYPE_LIST -> {
                final long n = prim.loadCount("the list length");
                for (long i = 0; i < n; i++) {
                    v.onListItem(e, prim.loadStringCopy("a list item"));
                }
            }
            case TYPE_LIST_ZIPLIST -> blob(BlobKind.ZIPLIST, "the list ziplist").forEach(item -> v.onListItem(e, item));
            case TYPE_LIST_QUICKLIST -> {
                final long n = prim.loadCount("the quicklist node count");
                for (long i = 0; i < n; i++) {
                    blob(BlobKind.ZIPLIST, "a quicklist ziplist").forEach(item -> v.onListItem(e, item));
                }
            }
            case TYPE_LIST_QUICKLIST_2 -> {
                final long n = prim.loadCount("the quicklist node count");
                for (long i = 0; i < n; i++) {
                    final long container = prim.loadLen("a quicklist node container");
                    if (container == 1) {
                        v.onListItem(e, prim.loadStringCopy("a plain quicklist node"));
                    } else if (container == 2) {
                        blob(BlobKind.LISTPACK, "a quicklist listpack").forEach(item -> v.onListItem(e, item));
                    } else {
                        throw prim.formatError("quicklist node container " + container + " (expected 1 plain or 2 packed)");
                    }
                }
            }
            case TYPE_SET -> {
                final long n = prim.loadCount("the set size");
                for (long i = 0; i < n; i++) {
                    v.onSetMember(e, prim.loadStringCopy("a set member"));
                }
            }
            case TYPE_SET_INTSET -> blob(BlobKind.INTSET, "the intset").forEach(m -> v.onSetMember(e, m));
            case TYPE_SET_LISTPACK -> blob(BlobKind.LISTPACK, "the set listpack").forEach(m -> v.onSetMember(e, m));
            case TYPE_ZSET, TYPE_ZSET_2 -> {
                final long n = prim.loadCount("the zset size");
                for (long i = 0; i < n; i++) {
                    final byte[] member = prim.loadStringCopy("a zset member");
                    v.onZsetMember(e, member, type == TYPE_ZSET_2 ? binaryDouble() : textDouble());
                }
            }
            case TYPE_ZSET_ZIPLIST, TYPE_ZSET_LISTPACK -> {
                final List<byte[]> items = blob(type == TYPE_ZSET_ZIPLIST ? BlobKind.ZIPLIST : BlobKind.LISTPACK, "the zset blob");
                pairs(items, "zset");
                for (int i = 0; i < items.size(); i += 2) {
                    v.onZsetMember(e, items.get(i), score(items.get(i + 1)));
                }
            }
            case TYPE_HASH -> {
                final long n = prim.loadCount("the hash size");
                for (long i = 0; i < n; i++) {
                    final byte[] field = prim.loadStringCopy("a hash field");
                    v.onHashField(e, field, prim.loadStringCopy("a hash value"), -1);
                }
            }
            case TYPE_HASH_ZIPMAP, TYPE_HASH_ZIPLIST, TYPE_HASH_LISTPACK -> {
                final List<byte[]> items = blob(type == TYPE_HASH_ZIPMAP ? BlobKind.ZIPMAP
                    : type == TYPE_HASH_ZIPLIST ? BlobKind.ZIPLIST : BlobKind.LISTPACK, "the hash blob");
                pairs(items, "hash");
                for (int i = 0; i < items.size(); i += 2) {
                    v.onHashField(e, items.get(i), items.get(i + 1), -1);
                }
            }
            case TYPE_HASH_METADATA_PRE_GA, TYPE_HASH_METADATA -> hashWithFieldExpiry(type, e, v);
            case TYPE_HASH_LISTPACK_EX_PRE_GA, TYPE_HASH_LISTPACK_EX -> {
                if (type == TYPE_HASH_LISTPACK_EX) {
                    prim.input().readLongLE("the hash minimum expiry");
                }
                final List<byte[]> items = blob(BlobKind.LISTPACK, "the hash listpack");
                if (items.size() % 3 != 0) {
                    throw prim.formatError("hash listpack with field expiry of " + items.size() + " items (not triples)");
                }
                for (int i = 0; i < items.size(); i += 3) {
                    final long ttl = Long.parseLong(new String(items.get(i + 2), StandardCharsets.US_ASCII));
                    v.onHashField(e, items.get(i), items.get(i + 1), ttl == 0 ? -1 : ttl);
                }
            }
            case TYPE_STREAM_LISTPACKS, TYPE_STREAM_LISTPACKS_2, TYPE_STREAM_LISTPACKS_3, TYPE_STREAM_LISTPACKS_4 -> stream(type, e, v);
            case TYPE_MODULE_2 -> {
                final long moduleId = prim.loadLen("the module id");
                v.onModuleValue(e, ModuleNames.of(moduleId));
                skipper.skipModuleValue(moduleId, "module value");
            }
            default -> throw prim.formatError("no decoder for value type " + type);
        }
    }

    private void hashWithFieldExpiry(int type, RdbEntry e, RdbValueVisitor v) {
        final long minExpire = type == TYPE_HASH_METADATA ? prim.input().readLongLE("the hash minimum expiry") : 0;
        final long n = prim.loadCount("the hash size");
        for (long i = 0; i < n; i++) {
            if (type == TYPE_HASH_METADATA_PRE_GA && header.valkey()) {
                final byte[] field = prim.loadStringCopy("a hash field");
                final byte[] value = prim.loadStringCopy("a hash value");
                final long at = prim.input().readLongLE("a hash field expiry");
                v.onHashField(e, field, value, at < 0 ? -1 : at);
                continue;
            }
            final long ttl = prim.loadLen("a hash field expiry");
            final long at = ttl == 0 ? -1 : type == TYPE_HASH_METADATA ? ttl + minExpire - 1 : ttl;
            final byte[] field = prim.loadStringCopy("a hash field");
            v.onHashField(e, field, prim.loadStringCopy("a hash value"), at);
        }
    }

    /** Stream listpacks: a master entry (count, deleted, fields), then entries as deltas from the node's id. */
    private void stream(int type, RdbEntry e, RdbValueVisitor v) {
        final long nodes = prim.loadCount("the stream listpack count");
        for (long n = 0; n < nodes; n++) {
            final byte[] nodeKey = prim.loadStringCopy("a stream node key");
            if (nodeKey.length != 16) {
                throw prim.formatError("stream node key of " + nodeKey.length + " bytes (expected 16)");
            }
            final long masterMs = be64(nodeKey, 0);
            final long masterSeq = be64(nodeKey, 8);
            final List<byte[]> items = blob(BlobKind.LISTPACK, "a stream listpack");
            try {
                int i = 0;
                final long count = num(items.get(i++));
                final long deleted = num(items.get(i++));
                final int masterFields = (int) num(items.get(i++));
                final List<byte[]> fields = items.subList(i, i + masterFields);
                i += masterFields + 1; // the master entry's terminating 0
                for (long k = 0; k < count + deleted; k++) {
                    final long flags = num(items.get(i++));
                    final long ms = masterMs + num(items.get(i++));
                    final long seq = masterSeq + num(items.get(i++));
                    final byte[][] fv;
                    if ((flags & STREAM_ITEM_FLAG_SAMEFIELDS) != 0) {
                        fv = new byte[masterFields * 2][];
                        for (int f = 0; f < masterFields; f++) {
                            fv[2 * f] = fields.get(f);
                            fv[2 * f + 1] = items.get(i++);
                        }
                    } else {
                        final int nf = (int) num(items.get(i++));
                        fv = new byte[nf * 2][];
                        for (int f = 0; f < nf * 2; f++) {
                            fv[f] = items.get(i++);
                        }
                    }
                    i++; // lp-count
                    if ((flags & STREAM_ITEM_FLAG_DELETED) == 0) {
                        v.onStreamEntry(e, ms, seq, fv);
                    }
                }
            } catch (IndexOutOfBoundsException | NumberFormatException bad) {
                throw prim.formatError("malformed stream listpack (" + bad.getMessage() + ")");
            }
        }
        skipper.skipStreamTail(type);
    }

    private enum BlobKind { ZIPLIST, LISTPACK, INTSET, ZIPMAP }

    private List<byte[]> blob(BlobKind kind, String what) {
        final byte[] blob = prim.loadStringCopy(what);
        try {
            return switch (kind) {
                case ZIPLIST -> BlobElements.ziplist(blob);
                case LISTPACK -> BlobElements.listpack(blob);
                case INTSET -> BlobElements.intset(blob);
                case ZIPMAP -> BlobElements.zipmap(blob);
            };
        } catch (IllegalArgumentException | IndexOutOfBoundsException bad) {
            throw prim.formatError("corrupt " + kind.name().toLowerCase() + " in " + what + ": " + bad.getMessage());
        }
    }

    private void pairs(List<byte[]> items, String what) {
        if (items.size() % 2 != 0) {
            throw prim.formatError(what + " blob of " + items.size() + " items (not pairs)");
        }
    }

    private double textDouble() {
        final int len = prim.input().readByte("a zset score");
        return switch (len) {
            case 253 -> Double.NaN;
            case 254 -> Double.POSITIVE_INFINITY;
            case 255 -> Double.NEGATIVE_INFINITY;
            default -> {
                final byte[] text = new byte[len];
                prim.input().readFully(text, 0, len, "a zset score");
                yield score(text);
            }
        };
    }

    private double binaryDouble() {
        return Double.longBitsToDouble(prim.input().readLongLE("a zset score"));
    }

    private double score(byte[] text) {
        final String s = new String(text, StandardCharsets.US_ASCII);
        try {
            return switch (s) {
                case "inf", "+inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(s);
            };
        } catch (NumberFormatException bad) {
            throw prim.formatError("zset score \"" + s + "\" is not a number");
        }
    }

    private static long num(byte[] text) {
        return Long.parseLong(new String(text, StandardCharsets.US_ASCII));
    }

    private static long be64(byte[] b, int p) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[p + i] & 0xffL);
        }
        return v;
    }
}
