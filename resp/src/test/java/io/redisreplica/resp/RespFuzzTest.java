package io.redisreplica.resp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutation fuzzer: valid RESP with random bytes flipped, inserted, deleted or cut, fed
 * in random pieces. Each input must end in values or a {@link RespProtocolException}: never
 * another exception, and never a call that neither consumes nor waits (a hang).
 */
class RespFuzzTest {
    private static final int ITERATIONS = 60_000;
    private static final byte[] INTERESTING = "\r\n*$:+-_,#!=(%~>|0123456789-".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    @Test
    void shouldEndInValuesOrProtocolErrorForMutatedInput() {
        final Random random = new Random(Long.getLong("fuzz.seed", 7L));
        final RespDecoderContext ctx = new RespDecoderContext().chunkSize(32).maxInlineLength(256).maxDepth(8)
            .maxArrayLength(64).maxBulkLength(4096).maxCommandLength(8192);
        int rejected = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            final byte[] input = mutate(seed(random), random);
            final long seedForReport = random.nextLong();
            try {
                feed(input, new Random(seedForReport), ctx);
            } catch (RespProtocolException e) {
                rejected++;
            } catch (RuntimeException | StackOverflowError e) {
                fail("iteration " + i + " threw " + e + " for input " + escape(input), e);
            }
        }
        assertTrue(rejected > ITERATIONS / 20, "the mutator should produce invalid input often, got " + rejected);
    }

    /** Feeds the input in random pieces to both decoders; each call must make progress or wait for more. */
    private static void feed(byte[] input, Random random, RespDecoderContext ctx) {
        final RespDecoder decoder = new RespDecoder(ctx);
        final CommandFramer framer = new CommandFramer(ctx);
        final EventRecorder recorder = new EventRecorder();
        byte[] pendingDecoder = new byte[0];
        byte[] pendingFramer = new byte[0];
        int at = 0;
        while (at < input.length) {
            final int n = 1 + random.nextInt(Math.min(64, input.length - at));
            final byte[] piece = java.util.Arrays.copyOfRange(input, at, at + n);
            at += n;
            pendingDecoder = step(concat(pendingDecoder, piece), buf -> decoder.decode(buf, 0, buf.capacity(), recorder),
                ctx.maxInlineLength() + ctx.chunkSize() + 4); // a header line plus a whole short blob
            RespProtocolException framerError = null;
            try {
                pendingFramer = step(concat(pendingFramer, piece), buf -> framer.frame(buf, 0, buf.capacity()), ctx.maxCommandLength() + 64);
            } catch (RespProtocolException e) {
                framerError = e;
            }
            if (framerError != null) {
                throw framerError;
            }
        }
    }

    /** Runs the decoder until it wants more; a buffered remainder beyond {@code bound} means it stalled. */
    private static byte[] step(byte[] pending, java.util.function.ToIntFunction<UnsafeBuffer> decode, int bound) {
        int offset = 0;
        while (offset < pending.length) {
            final UnsafeBuffer buf = new UnsafeBuffer(pending, offset, pending.length - offset);
            final int consumed = decode.applyAsInt(buf);
            if (consumed < 0 || consumed > pending.length - offset) {
                fail("consumed " + consumed + " of " + (pending.length - offset));
            }
            if (consumed == 0) {
                break;
            }
            offset += consumed;
        }
        final byte[] rest = java.util.Arrays.copyOfRange(pending, offset, pending.length);
        if (rest.length > bound) {
            fail("decoder holds " + rest.length + " bytes without consuming or failing (bound " + bound + ")");
        }
        return rest;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        final byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] seed(Random random) {
        final RespWriter w = new RespWriter().wrap(new ExpandableArrayBuffer(), 0);
        final int values = 1 + random.nextInt(4);
        for (int v = 0; v < values; v++) {
            switch (random.nextInt(8)) {
                case 0 -> w.arrayHeader(3).bulk("SET").bulk("key:" + random.nextInt(100)).bulk("x".repeat(random.nextInt(80)));
                case 1 -> w.arrayHeader(2).bulk("INCR").bulk("counter");
                case 2 -> w.simpleString("OK").integer(random.nextLong());
                case 3 -> w.aggregateHeader(RespType.MAP, 1).simpleString("k").aggregateHeader(RespType.SET, 2).doubleValue(1.5).booleanValue(true);
                case 4 -> w.raw("PING\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                case 5 -> w.raw(new byte[] {'\n'});
                case 6 -> w.verbatim("txt", "hello").bigNumber("-12345678901234567890").null3().nullBulk();
                default -> w.aggregateHeader(RespType.PUSH, 2).bulk("message").blobError("ERR x".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        final byte[] out = new byte[w.length()];
        w.buffer().getBytes(0, out);
        return out;
    }

    private static byte[] mutate(byte[] input, Random random) {
        byte[] out = input;
        final int mutations = random.nextInt(4);
        for (int m = 0; m < mutations && out.length > 0; m++) {
            final int at = random.nextInt(out.length);
            switch (random.nextInt(5)) {
                case 0 -> out[at] = (byte) random.nextInt(256);
                case 1 -> out[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                case 2 -> out = concat(java.util.Arrays.copyOf(out, at), java.util.Arrays.copyOfRange(out, at + 1, out.length));
                case 3 -> out = concat(concat(java.util.Arrays.copyOf(out, at), new byte[] {INTERESTING[random.nextInt(INTERESTING.length)]}),
                    java.util.Arrays.copyOfRange(out, at, out.length));
                default -> out = java.util.Arrays.copyOf(out, at);
            }
        }
        return out;
    }

    private static String escape(byte[] input) {
        final StringBuilder sb = new StringBuilder();
        for (byte b : input) {
            final int c = b & 0xFF;
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return sb.toString();
    }
}
