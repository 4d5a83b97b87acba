package io.redisreplica.rdb;

/**
 * Copies an entry to a shard's writer under a rewritten key: the head is written anew (same
 * expiry, LRU/LFU and type, the new key), the value's bytes pass through untouched.
 */
final class KeyRewritingSink implements RdbEntrySink {
    private final RdbWriter out;
    private final KeyRewriter rewriter;

    KeyRewritingSink(RdbWriter out, KeyRewriter rewriter) {
        this.out = out;
        this.rewriter = rewriter;
    }

    @Override
    public void head(RdbEntry entry, byte[] raw, int offset, int length) {
        final int keyLength = rewriter.rewrite(entry.key(), 0, entry.keyLength());
        out.entryHead(entry, rewriter.bytes(), keyLength);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        out.write(bytes, offset, length);
    }
}
