package io.redisreplica.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A record the reader holds (an entry's head up to its key, an AUX, FUNCTION or MODULE_AUX record)
 * is bounded by {@link RdbReaderContext#maxRecordBytes} whatever the read buffer's size: a record
 * that fits the buffer whole used to pass unchecked when the cap was under half the buffer, while
 * the same file failed with a smaller buffer.
 */
class RdbMaxRecordBytesTest {
    private static final int CAP = 1024;
    private static final String TOO_LARGE_AT_9 = "record at offset 9 exceeds max-record-bytes 1024 (a key with its"
        + " expiry/LRU/LFU, or an AUX, FUNCTION or MODULE_AUX record, too large to hold;"
        + " raise RdbReaderContext.maxRecordBytes)";

    @ParameterizedTest
    @ValueSource(ints = {64, 1024, 2048, 64 * 1024, 1 << 20})
    void shouldFailAnAuxRecordOneByteOverMaxRecordBytesWithAnyBufferSize(int bufferSize) {
        // 1 opcode + 2 length + 509 key + 2 length + 511 value: each string under the cap, the record over it
        final byte[] rdb = rdb(w -> w.aux(incompressible(509, 1), incompressible(511, 2)));
        final RdbFormatException e = assertThrows(RdbFormatException.class, () -> read(rdb, bufferSize, new ArrayList<>()));
        assertEquals(TOO_LARGE_AT_9, e.getMessage());
        assertEquals(9, e.offset());
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 1024, 2048, 64 * 1024, 1 << 20})
    void shouldReadAnAuxRecordOfExactlyMaxRecordBytesWithAnyBufferSize(int bufferSize) {
        final byte[] rdb = rdb(w -> w.aux(incompressible(509, 1), incompressible(510, 2)));
        final List<Integer> records = new ArrayList<>();
        read(rdb, bufferSize, records);
        assertEquals(List.of(CAP), records);
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 1024, 2048, 64 * 1024, 1 << 20})
    void shouldFailAFunctionRecordOverMaxRecordBytesWithAnyBufferSize(int bufferSize) {
        // the library's code is skipped, never loaded whole: only the record's capture sees its size
        final byte[] rdb = rdb(w -> {
            w.write(new byte[] {(byte) RdbConstants.OPCODE_FUNCTION2}, 0, 1);
            final byte[] library = incompressible(3000, 3);
            w.writeString(library, 0, library.length);
        });
        final RdbFormatException e = assertThrows(RdbFormatException.class, () -> read(rdb, bufferSize, new ArrayList<>()));
        assertEquals(TOO_LARGE_AT_9, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 1024, 2048, 64 * 1024, 1 << 20})
    void shouldFailAKeyWhoseExpiryTakesItsHeadOverMaxRecordBytesWithAnyBufferSize(int bufferSize) {
        // 9 expiry + 1 type + 2 length + 1020 key: the key alone is under the cap
        final byte[] rdb = rdb(w -> w.stringEntry(incompressible(1020, 4), new byte[] {'v'}, 4_000_000_000_000L));
        final RdbFormatException e = assertThrows(RdbFormatException.class, () -> read(rdb, bufferSize, new ArrayList<>()));
        assertEquals(TOO_LARGE_AT_9, e.getMessage());
    }

    private static void read(byte[] rdb, int bufferSize, List<Integer> recordLengths) {
        new RdbReader(new RdbReaderContext().bufferSize(bufferSize).maxRecordBytes(CAP))
            .read(new ByteArrayInputStream(rdb), new RdbVisitor() {
                @Override
                public void onRecord(int opcode, byte[] raw, int offset, int length) {
                    recordLengths.add(length);
                }
            });
    }

    private static byte[] rdb(Consumer<RdbWriter> records) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final RdbWriter writer = new RdbWriter(out);
        writer.header(10);
        records.accept(writer);
        writer.stringEntry(new byte[] {'k'}, new byte[] {'v'}, -1);
        writer.finish();
        return out.toByteArray();
    }

    /** Random bytes: the writer stores them as they are (LZF would save nothing), so the sizes above hold. */
    private static byte[] incompressible(int length, long seed) {
        final byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }
}
