package io.redisreplica.router.routing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.agrona.MutableDirectBuffer;

import io.redisreplica.rdb.RdbEntry;
import io.redisreplica.rdb.RdbReader;
import io.redisreplica.rdb.RdbReaderContext;
import io.redisreplica.rdb.RdbValueVisitor;
import io.redisreplica.rdb.RdbVisitor;
import io.redisreplica.resp.RespWriter;

/**
 * A collection's {@code DUMP} payload as the commands that build it (RPUSH, SADD, ZADD, HMSET,
 * with HPEXPIREAT for a hash field's own expiry), a batch of elements at a time: what a
 * translated key becomes when the value rules transform elements, so the transform sees each
 * element as it does on a live write. The payload ({@code type, value, RDB version, CRC64}) is
 * read by the RDB reader as a one-key RDB of that version, whatever the encoding (ziplist,
 * listpack, intset, quicklist).
 */
final class DumpCommands {
    /** Elements per command: a big collection goes as many commands, never one the size of the value. */
    private static final int BATCH = 256;
    private static final byte[] RDB_KEY = {1, 'k'};

    /** Routes the commands written into the buffer up to {@code end}. */
    interface Emitter {
        void emit(int end);
    }

    private DumpCommands() {
    }

    /** Whether the payload is a list, set, sorted set or hash: the types whose elements the value rules transform. */
    static boolean elementsOf(String type) {
        return type.equals("list") || type.equals("set") || type.equals("zset") || type.equals("hash");
    }

    /**
     * Writes the commands that build the dumped value under {@code key} into {@code buffer}, batch
     * after batch, handing each to {@code emitter}.
     *
     * @throws IllegalStateException when the payload cannot be read (a version the reader does not know)
     */
    static void write(byte[] dump, byte[] key, MutableDirectBuffer buffer, RespWriter writer, Emitter emitter) {
        if (dump.length < 11) {
            throw new IllegalStateException("DUMP payload of " + dump.length + " bytes is too short");
        }
        final int version = (dump[dump.length - 10] & 0xff) | (dump[dump.length - 9] & 0xff) << 8;
        final byte[] header = String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII);
        final byte[] typeAndKey = {dump[0], RDB_KEY[0], RDB_KEY[1]};
        final List<InputStream> parts = List.of(new ByteArrayInputStream(header), new ByteArrayInputStream(typeAndKey),
            new ByteArrayInputStream(dump, 1, dump.length - 11), new ByteArrayInputStream(new byte[] {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0}));
        final Batches batches = new Batches(key, buffer, writer, emitter);
        try (InputStream in = new SequenceInputStream(java.util.Collections.enumeration(parts))) {
            new RdbReader(new RdbReaderContext().verifyChecksum(false)).read(in, batches);
        } catch (IOException e) {
            throw new IllegalStateException("reading a DUMP payload: " + e.getMessage(), e);
        }
        batches.flush();
    }

    /** Collects elements and writes a command per batch. */
    private static final class Batches implements RdbVisitor, RdbValueVisitor {
        private final byte[] key;
        private final MutableDirectBuffer buffer;
        private final RespWriter writer;
        private final Emitter emitter;
        private final List<byte[]> args = new ArrayList<>();
        private final List<byte[]> fieldTtls = new ArrayList<>();
        private String command;

        Batches(byte[] key, MutableDirectBuffer buffer, RespWriter writer, Emitter emitter) {
            this.key = key;
            this.buffer = buffer;
            this.writer = writer;
            this.emitter = emitter;
        }

        @Override
        public RdbValueVisitor onValue(RdbEntry entry) {
            return this;
        }

        @Override
        public void onListItem(RdbEntry entry, byte[] item) {
            add("RPUSH", 1, item, null);
        }

        @Override
        public void onSetMember(RdbEntry entry, byte[] member) {
            add("SADD", 1, member, null);
        }

        @Override
        public void onZsetMember(RdbEntry entry, byte[] member, double score) {
            add("ZADD", 2, score(score), member);
        }

        @Override
        public void onHashField(RdbEntry entry, byte[] field, byte[] value, long expireAtMs) {
            add("HMSET", 2, field, value); // HMSET: HSET takes one field before Redis 4.0
            if (expireAtMs >= 0) {
                fieldTtls.add(field);
                fieldTtls.add(Long.toString(expireAtMs).getBytes(StandardCharsets.US_ASCII));
            }
        }

        private void add(String name, int width, byte[] first, byte[] second) {
            command = name;
            args.add(first);
            if (second != null) {
                args.add(second);
            }
            if (args.size() >= BATCH * width) {
                flush();
            }
        }

        void flush() {
            if (!args.isEmpty()) {
                writer.wrap(buffer, 0).arrayHeader(2 + args.size()).bulk(command).bulk(key);
                for (byte[] a : args) {
                    writer.bulk(a);
                }
                args.clear();
                emitter.emit(writer.position());
            }
            // a field's own expiry (Redis 7.4), after the HSET that made the field
            for (int i = 0; i + 1 < fieldTtls.size(); i += 2) {
                writer.wrap(buffer, 0).arrayHeader(6).bulk("HPEXPIREAT").bulk(key).bulk(fieldTtls.get(i + 1)).bulk("FIELDS").bulk(1)
                    .bulk(fieldTtls.get(i));
                emitter.emit(writer.position());
            }
            fieldTtls.clear();
        }

        /** A score as ZADD reads it back to the same double: the shortest round-trip form, infinities as Redis spells them. */
        private static byte[] score(double score) {
            final String s = score == Double.POSITIVE_INFINITY ? "+inf" : score == Double.NEGATIVE_INFINITY ? "-inf"
                : score == 0 && 1 / score < 0 ? "-0"
                : score == Math.rint(score) && Math.abs(score) < 1e15 ? Long.toString((long) score) : Double.toString(score);
            return s.getBytes(StandardCharsets.US_ASCII);
        }
    }
}
