package io.redisreplica.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

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

import io.redisreplica.router.Router;
import io.redisreplica.router.config.ConfigParser;
import io.redisreplica.router.routing.CrossShardPolicy;
import io.redisreplica.router.sinks.SinkRunner;
import io.redisreplica.router.upstream.UpstreamLink;
import io.redisreplica.testkit.Await;
import io.redisreplica.testkit.FreePort;
import io.redisreplica.testkit.KafkaBroker;
import io.redisreplica.testkit.RedisServer;
import io.redisreplica.testkit.RedisServers;
import io.redisreplica.testkit.TlsCertificates;

/**
 * Issue 17: the kafka sink against a broker that only takes SASL_SSL from clients, as managed
 * Kafka services do: TLS with a certificate of a test CA (host name verified) and SASL PLAIN, set
 * through the {@code kafka.} pass-through on the sink's line, the JAAS line quoted. One sink with
 * the right password delivers every event; one with a wrong password pauses with the broker's
 * reason, and its password shows nowhere.
 */
class KafkaSinkSecuredIntegrationTest {
    private static final String PASSWORD = "s3cret pass";
    private static final String WRONG = "not the password";

    @RegisterExtension
    final RedisServers redis = new RedisServers();

    @TempDir
    Path dir;

    private static String sink(String name, KafkaBroker broker, TlsCertificates certs, String password) {
        return "sink " + name + " kafka bootstrap=" + broker.secureBootstrap() + " topic=events values=yes"
            + " kafka.security.protocol=SASL_SSL kafka.sasl.mechanism=PLAIN"
            + " 'kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"router\" password=\""
            + password + "\";' kafka.ssl.truststore.type=PEM kafka.ssl.truststore.location=" + certs.caCert() + " shards=a\n";
    }

    @Test
    void shouldDeliverOverSaslSslAndPauseASinkWithAWrongPasswordWithoutShowingIt() throws Exception {
        final TlsCertificates certs = TlsCertificates.create(dir.resolve("tls"));
        final RedisServer master = redis.start();
        try (KafkaBroker broker = KafkaBroker.startSecured(dir.resolve("kafka"), certs, "router", PASSWORD)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic("events", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            final var config = ConfigParser.parse("upstream 127.0.0.1:" + master.port() + "\njournal " + dir.resolve("journal")
                + "\nshard a 127.0.0.1:" + FreePort.find() + " prefix=k\n" + sink("good", broker, certs, PASSWORD)
                + sink("bad", broker, certs, WRONG), "test");
            try (Router router = Router.start(config, CrossShardPolicy.LOG)) {
                Await.until("streaming", () -> router.upstream().state() == UpstreamLink.State.STREAMING);
                for (int i = 0; i < 10; i++) {
                    master.call("SET", "k" + i, "v" + i);
                }
                Await.until("ten events over SASL_SSL", () -> consume(broker.bootstrap()).size() == 10, 60_000);
                final List<String> events = consume(broker.bootstrap());
                for (int i = 0; i < 10; i++) {
                    assertTrue(events.get(i).contains("\"key\":\"k" + i + "\"") && events.get(i).contains("\"args\":[\"v" + i + "\"]"),
                        events.get(i));
                }
                final SinkRunner good = router.sinks().get(0);
                final SinkRunner bad = router.sinks().get(1);
                assertEquals(SinkRunner.State.RUNNING, good.state());
                Await.until("the sink with the wrong password to pause", () -> bad.state() == SinkRunner.State.PAUSED, 60_000);
                assertTrue(bad.lastError().contains("Authentication failed"), bad.lastError());
                assertFalse(bad.lastError().contains(WRONG), "no password in the error: " + bad.lastError());
                assertFalse(config.toString().contains(PASSWORD), "no password in the config's text form");
            }
        }
    }

    /** Every event in the topic, read over the broker's plain listener with read_committed. */
    private static List<String> consume(String bootstrap) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<String> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final TopicPartition tp = new TopicPartition("events", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return seen;
    }
}
