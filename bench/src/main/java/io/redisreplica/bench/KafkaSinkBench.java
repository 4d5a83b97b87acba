package io.redisreplica.bench;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.redisreplica.router.Router;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.sinks.SinkRunner;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.KafkaBroker;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * Events/s into Kafka through the kafka sink against Kafka's own {@code ProducerPerformance}, in
 * one run on one broker ({@link KafkaBroker}, KRaft, its own JVM): redis-benchmark SET on a master
 * replicated through the router to 2 slot shards, journaled first; then the router again with
 * {@code sink events kafka ... batch=B} added, timed until the sinks have committed one event per
 * SET (a new sink starts at the snapshot, before the load); then
 * ProducerPerformance with records of the sink's mean key plus value size, plain (acks=all) and
 * transactional (a transaction per 100 ms), each sending as many records as the sink did.
 */
public final class KafkaSinkBench {
    private KafkaSinkBench() {
    }

    public static void main(String[] args) throws Exception {
        final int requests = Integer.parseInt(args[0]);
        final int batch = Integer.parseInt(args[1]);
        final Path dir = Files.createTempDirectory("kafka-sink-bench-");
        try (RedisServers redis = new RedisServers(); KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"))) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic("events", 3, (short) 1), new NewTopic("perf", 3, (short) 1),
                    new NewTopic("perf-tx", 3, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            final RedisServer master = redis.start();
            final String shards = "upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal") + "\nshard s0 127.0.0.1:"
                + FreePort.find() + " slots=0-8191\nshard s1 127.0.0.1:" + FreePort.find() + " slots=8192-16383\n";
            // first the load into the journal, without the sink: a master on these 2 shared cores writes slower than
            // the sink delivers, so timing both at once would time the master
            String rate;
            try (Router router = Router.start(ConfigParser.parse(shards, "bench"), CrossShardPolicy.LOG)) {
                // writes during the first sync land in the snapshot, which makes no events
                while (router.upstream().state() != UpstreamLink.State.STREAMING) {
                    Thread.sleep(10);
                }
                rate = SinkBench.benchmark(master, requests, "SET", "key:__rand_int__", "v");
                while (!acknowledgedAll(master)) { // the router acknowledges what its journal holds
                    Thread.sleep(10);
                }
            }
            // then a new sink, which starts at the shard's snapshot: before the load
            final String sink = "sink events kafka bootstrap=" + broker.bootstrap() + " topic=events batch=" + batch + "\n";
            try (Router router = Router.start(ConfigParser.parse(shards + sink, "bench"), CrossShardPolicy.LOG)) {
                final long start = System.nanoTime();
                long events = 0;
                while (events < requests) { // one event per SET
                    Thread.sleep(5);
                    events = router.sinks().stream().mapToLong(SinkRunner::events).sum();
                }
                final double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("kafka sink (batch=%d, key=key, 3 partitions, 2 shards): %d events of a journal of %s committed in "
                    + "%.2f s: %.0f events/s%n", batch, events, rate, seconds, events / seconds);
            }
            final int size = meanRecordSize(broker.bootstrap());
            System.out.printf("ProducerPerformance, %d records of %d bytes (the sink's mean key + value), acks=all linger.ms=5: %s%n",
                requests, size, producerPerformance(broker.bootstrap(), "perf", requests, size, false));
            System.out.printf("ProducerPerformance, the same, transactional (a transaction per 100 ms): %s%n",
                producerPerformance(broker.bootstrap(), "perf-tx", requests, size, true));
        }
    }

    /** Whether the master's one replica (the router) acknowledged its whole replication offset. */
    private static boolean acknowledgedAll(RedisServer master) {
        final String info = new String((byte[]) master.call("INFO", "replication"), StandardCharsets.UTF_8);
        final java.util.regex.Matcher ack = java.util.regex.Pattern.compile("slave0:.*offset=(\\d+)").matcher(info);
        final java.util.regex.Matcher own = java.util.regex.Pattern.compile("master_repl_offset:(\\d+)").matcher(info);
        return ack.find() && own.find() && ack.group(1).equals(own.group(1));
    }

    /** The mean key plus value bytes of the first 10 000 records of the sink's topic. */
    private static int meanRecordSize(String bootstrap) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "isolation.level",
            "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final TopicPartition tp = new TopicPartition("events", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long bytes = 0;
            int records = 0;
            while (records < 10_000) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    bytes += r.key().length + r.value().length;
                    records++;
                }
            }
            return (int) (bytes / records);
        }
    }

    /** Runs {@code org.apache.kafka.tools.ProducerPerformance} in a JVM of its own; returns its summary line. */
    private static String producerPerformance(String bootstrap, String topic, int records, int size, boolean transactional)
        throws Exception {
        final List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator
            + "java", "-Xmx512m", "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile", ""), "-cp",
            System.getProperty("java.class.path"), "org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records",
            Integer.toString(records), "--record-size", Integer.toString(size), "--throughput", "-1", "--producer-props",
            "bootstrap.servers=" + bootstrap, "acks=all", "linger.ms=5"));
        if (transactional) {
            cmd.addAll(List.of("--transactional-id", "perf-tx", "--transaction-duration-ms", "100"));
        }
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        String last = "";
        for (String line : out.split("\n")) {
            if (line.contains("records sent")) {
                last = line.trim();
            }
        }
        return last.isEmpty() ? "no summary:\n" + out : last;
    }
}
