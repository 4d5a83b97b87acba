package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.KafkaBroker;
import io.redisreplica.testkit.RedisBinary;
import io.redisreplica.testkit.RedisClient;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;

/**
 * A kafka sink with event kinds ({@code kinds=}) on a real broker (KRaft, its own JVM), with the
 * router SIGKILLed three times while the sink delivers and the broker SIGKILLed and restarted once
 * while the master is written: a {@code read_committed} consumer sees, for every key, exactly the
 * events the test's model of the key space expects (SET and HSET as add or change with their
 * value, DEL as del, EXPIRE as change), each once, in order. The key index is rebuilt after each
 * kill and after each failed delivery while the broker is down.
 */
class KafkaSinkChaosIntegrationTest {
    private static final Pattern VALUE = Pattern.compile(
        "\"event\":\"(\\w+)\".*\"command\":\"(\\w+)\",\"key\":\"([^\"]*)\"(?:,\"type\":\"\\w+\")?(?:,\"args\":\\[(.*)])?");

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    /** Per key, what the consumer must see: "add:VALUE", "change:VALUE", "del", "change:ttl" (an EXPIRE). */
    private final Map<String, List<String>> model = new TreeMap<>();
    private final Set<String> exists = new HashSet<>();
    private final Random random = new Random(17);
    private int step;

    @Test
    void shouldDeliverEveryEventOnceInKeyOrderAcrossRouterKillNinesAndABrokerRestart() throws Exception {
        final RedisServer master = redis.start(RedisBinary.local(), Map.of("repl-backlog-size", "64mb"));
        try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"))) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic("events", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            final int adminPort = FreePort.find();
            final Path config = Files.writeString(dir.resolve("router.conf"), "upstream 127.0.0.1:" + master.port() + "\njournal "
                + dir.resolve("journal") + "\nadmin 127.0.0.1:" + adminPort + "\nshard s0 127.0.0.1:" + FreePort.find()
                + " slots=0-8191\nshard s1 127.0.0.1:" + FreePort.find() + " slots=8192-16383\nsink events kafka bootstrap="
                + broker.bootstrap() + " topic=events values=yes batch=20 compression=lz4 kafka.max.block.ms=20000"
                + " kinds=add,change,del,expire,flush\n");
            final RouterProcess routers = new RouterProcess(dir);
            Process router = routers.start(config);
            try {
                routers.awaitStreaming(0);
                for (int kill = 0; kill < 3; kill++) {
                    write(master, 400);
                    router.destroyForcibly(); // SIGKILL while the sink delivers the burst
                    router.waitFor();
                    write(master, 200); // the master's backlog holds these
                    router = routers.start(config);
                    routers.awaitStreaming(routers.starts() - 1);
                    if (kill == 1) {
                        broker.kill(); // the sink pauses; the router and the master go on
                        write(master, 300);
                        broker.restart();
                    }
                }
                write(master, 300);
                final int expected = model.values().stream().mapToInt(List::size).sum();
                // all events in the topic, then nothing left to deliver: a duplicate could not come after
                Await.until(expected + " events in the topic", () -> count(consume(broker.bootstrap())) >= expected, 120_000);
                Await.until("every shard's sink delivered to the journal's end", () -> caughtUp(adminPort), 30_000);
                final Map<String, List<String>> seen = consume(broker.bootstrap());
                assertEquals(expected, count(seen), "events in the topic");
                assertEquals(model, seen);
            } finally {
                router.destroyForcibly();
            }
        }
    }

    /** Runs {@code n} commands on random keys and records the events they must make. */
    private void write(RedisServer master, int n) {
        try (RedisClient c = master.client()) {
            for (int i = 0; i < n; i++) {
                final String key = "k:" + random.nextInt(60);
                final String value = Integer.toString(step++);
                final int pick = random.nextInt(100);
                if (pick < 15 && exists.remove(key)) {
                    c.call("DEL", key);
                    expect(key, "del");
                } else if (pick < 25 && exists.contains(key)) {
                    c.call("EXPIRE", key, "100000");
                    expect(key, "change:ttl");
                } else if (pick < 40) {
                    c.call("HSET", "h:" + key, "f", value); // a hash of its own: SET and HSET do not mix
                    expect("h:" + key, (exists.add("h:" + key) ? "add" : "change") + ":\"f\",\"" + value + "\"");
                } else {
                    c.call("SET", key, value);
                    expect(key, (exists.add(key) ? "add" : "change") + ":\"" + value + "\"");
                }
            }
        }
    }

    private void expect(String key, String event) {
        model.computeIfAbsent(key, k -> new ArrayList<>()).add(event);
    }

    /** Every committed record of the topic, by key, in partition order. */
    private static Map<String, List<String>> consume(String bootstrap) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final Map<String, List<String>> seen = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor("events").forEach(i -> partitions.add(new TopicPartition("events", i.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions); // the last stable offsets
            final Map<TopicPartition, Boolean> done = new HashMap<>();
            while (done.size() < partitions.size()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    final Matcher m = VALUE.matcher(new String(r.value(), StandardCharsets.UTF_8));
                    if (!m.find()) {
                        throw new AssertionError("not an event: " + new String(r.value(), StandardCharsets.UTF_8));
                    }
                    assertEquals(m.group(3), new String(r.key(), StandardCharsets.UTF_8), "record key");
                    // an EXPIRE comes as PEXPIREAT with the master's absolute time: the test knows only that it came
                    final String event = m.group(2).equals("PEXPIREAT") ? m.group(1) + ":ttl"
                        : m.group(4) != null ? m.group(1) + ":" + m.group(4) : m.group(1);
                    seen.computeIfAbsent(m.group(3), k -> new ArrayList<>()).add(event);
                }
                for (TopicPartition tp : partitions) {
                    if (consumer.position(tp) >= ends.get(tp)) {
                        done.put(tp, true);
                    }
                }
            }
        }
        return seen;
    }

    private static int count(Map<String, List<String>> events) {
        return events.values().stream().mapToInt(List::size).sum();
    }

    /** Whether INFO sinks shows both shards' sink running with nothing left to deliver. */
    private static boolean caughtUp(int admin) {
        try (RedisClient c = new RedisClient("127.0.0.1", admin)) {
            final String info = c.callString("INFO", "sinks");
            return info.split("state=running").length == 3 && info.split("lag_bytes=0,").length == 3;
        } catch (RuntimeException notUpYet) {
            return false;
        }
    }
}
