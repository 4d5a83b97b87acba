package io.redisreplica.bench;

import java.io.ByteArrayInputStream;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.redisreplica.resp.CommandFramer;
import io.redisreplica.resp.RespDecoder;
import io.redisreplica.resp.RespType;
import io.redisreplica.resp.RespVisitor;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.RedisInputStream;

/**
 * Decode throughput of 4 MiB of replication-stream-like commands. Every method returns the
 * number of bytes it decoded per invocation, so MB/s = ops/s x 4 MiB. The reference is Jedis's
 * {@code Protocol.read} over its buffered {@code RedisInputStream}, fed the same bytes in the
 * same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class RespDecodeBenchmark {
    static final int STREAM_BYTES = 4 * 1024 * 1024;
    /** A socket read's worth: the framer sees the stream in pieces and carries partial commands over. */
    static final int READ_SIZE = 16 * 1024;

    private byte[] stream;
    private UnsafeBuffer buffer;
    private CommandFramer framer;
    private RespDecoder decoder;
    private UnsafeBuffer receive;
    private final CountingVisitor visitor = new CountingVisitor();
    private int commands;

    /** Counts what a router needs: one command per top-level array, one key per second argument. */
    static final class CountingVisitor implements RespVisitor {
        long blobs;
        long bytes;

        @Override
        public void onBlob(RespType type, DirectBuffer b, int offset, int length) {
            blobs++;
            bytes += length;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        stream = ReplicationStream.generate(STREAM_BYTES, 42);
        buffer = new UnsafeBuffer(stream);
        framer = new CommandFramer();
        decoder = new RespDecoder();
        receive = new UnsafeBuffer(new byte[READ_SIZE * 2 + 64 * 1024]);
        int offset = 0;
        int n;
        while ((n = framer.frame(buffer, offset, stream.length - offset)) > 0) {
            commands++;
            offset += n;
        }
    }

    /** Whole commands as flyweights over one contiguous buffer. */
    @Benchmark
    public long commandFramer() {
        long args = 0;
        int offset = 0;
        int n;
        while ((n = framer.frame(buffer, offset, stream.length - offset)) > 0) {
            args += framer.command().argCount();
            offset += n;
        }
        return args + offset;
    }

    /** As the router uses it: 16 KiB reads appended to a receive buffer, partial commands carried over. */
    @Benchmark
    public long commandFramerSocketReads() {
        long args = 0;
        int pending = 0;
        for (int read = 0; read < stream.length; read += READ_SIZE) {
            final int n = Math.min(READ_SIZE, stream.length - read);
            receive.putBytes(pending, buffer, read, n);
            pending += n;
            int offset = 0;
            int framed;
            while ((framed = framer.frame(receive, offset, pending - offset)) > 0) {
                args += framer.command().argCount();
                offset += framed;
            }
            receive.putBytes(0, receive, offset, pending - offset);
            pending -= offset;
        }
        return args;
    }

    /** The general event decoder (every RESP3 type) over the same bytes. */
    @Benchmark
    public long respDecoder() {
        int offset = 0;
        int n;
        while ((n = decoder.decode(buffer, offset, stream.length - offset, visitor)) > 0) {
            offset += n;
        }
        return visitor.blobs;
    }

    /** Reference: Jedis's RESP parser reading the same bytes from a buffered stream. */
    @Benchmark
    public long jedisProtocolRead() {
        final RedisInputStream in = new RedisInputStream(new ByteArrayInputStream(stream), READ_SIZE);
        long replies = 0;
        for (int i = 0; i < commands; i++) {
            if (Protocol.read(in) != null) {
                replies++;
            }
        }
        return replies;
    }
}
