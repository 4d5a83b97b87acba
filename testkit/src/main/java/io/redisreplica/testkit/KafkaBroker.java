package io.redisreplica.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One real Kafka broker in KRaft mode (broker and controller in one node), as a JVM of its own on
 * two free loopback ports with a temp dir: like {@link RedisServer}, a test can SIGKILL and
 * restart it. It runs {@code kafka.Kafka} from Maven Central's {@code org.apache.kafka:kafka_2.13}
 * artifact, which the calling module puts on its test class path (testkit itself depends on no
 * Kafka jar); its storage is formatted once by {@code kafka.tools.StorageTool}. Internal topics
 * have one replica and one partition, so transactions work on a single node.
 *
 * <p>{@link #startSecured} adds a {@code SASL_SSL} listener (TLS with a certificate of a test CA,
 * SASL PLAIN with one user), as a managed Kafka service offers it; the plain listener stays for
 * the broker's own use.
 *
 * <p>Logs go to {@code broker-N.log} in {@link #dir()}, one per start; {@link #logTail(int)} shows
 * the last start's when something goes wrong.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 60_000;

    private final Path dir;
    private final int port = FreePort.find();
    private final int controllerPort = FreePort.find();
    private final Path config;
    /** The SASL_SSL listener's port, or 0 without one. */
    private final int securePort;
    private final TlsCertificates certificates;
    private final String user;
    private final String password;
    private Process process;
    private int starts;

    private KafkaBroker(Path dir, TlsCertificates certificates, String user, String password) {
        this.dir = dir;
        this.config = dir.resolve("server.properties");
        this.certificates = certificates;
        this.securePort = certificates == null ? 0 : FreePort.find();
        this.user = user;
        this.password = password;
    }

    /** Formats a new broker's storage in {@code dir} and starts it; close it after the test. */
    public static KafkaBroker start(Path dir) {
        return start(new KafkaBroker(dir, null, null, null));
    }

    /**
     * As {@link #start}, with a {@code SASL_SSL} listener ({@link #secureBootstrap()}): the server
     * certificate of {@code certificates} (clients trust its CA), SASL PLAIN accepting {@code user}
     * with {@code password}.
     */
    public static KafkaBroker startSecured(Path dir, TlsCertificates certificates, String user, String password) {
        return start(new KafkaBroker(dir, certificates, user, password));
    }

    private static KafkaBroker start(KafkaBroker broker) {
        broker.format();
        broker.startProcess();
        return broker;
    }

    /** {@code 127.0.0.1:PORT} of the SASL_SSL listener. */
    public String secureBootstrap() {
        if (securePort == 0) {
            throw new IllegalStateException("this broker has no SASL_SSL listener: start it with startSecured");
        }
        return "127.0.0.1:" + securePort;
    }

    /** {@code 127.0.0.1:PORT}, for {@code bootstrap.servers}. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILLs the broker (no clean shutdown) and starts it again on the same ports and data. */
    public void restart() {
        kill();
        startProcess();
    }

    /** SIGKILLs the broker and waits for it to be gone. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void format() {
        final String secure = securePort == 0 ? "" : ",SASL_SSL://127.0.0.1:" + securePort;
        final String properties = String.join("\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:" + port + secure + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + secure,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT" + (securePort == 0 ? "" : ",SASL_SSL:SASL_SSL"),
            secureListener(),
            "log.dirs=" + dir.resolve("data"),
            "num.partitions=1",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "transaction.state.log.num.partitions=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            // a test restarts the broker while producers stream: their open transactions end soon
            "transaction.abort.timed.out.transaction.cleanup.interval.ms=1000",
            "");
        try {
            Files.createDirectories(dir);
            Files.writeString(config, properties, StandardCharsets.UTF_8);
            // a log config of its own: the broker at INFO, so its log says when it started and what went wrong
            Files.writeString(dir.resolve("logback.xml"), "<configuration>"
                + "<appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>%d %-5level %logger{20} %msg%n</pattern></encoder></appender>"
                + "<root level=\"INFO\"><appender-ref ref=\"out\"/></root></configuration>", StandardCharsets.UTF_8);
            final Process format = new ProcessBuilder(java("kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", config.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("kafka storage format failed:\n" + Files.readString(dir.resolve("format.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot format a kafka broker in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted formatting a kafka broker", e);
        }
    }

    /** The SASL_SSL listener's settings (a PEM key store of the server key and certificate), or none. */
    private String secureListener() {
        if (securePort == 0) {
            return "";
        }
        try {
            final Path keyStore = dir.resolve("broker-keystore.pem");
            Files.createDirectories(dir);
            // Kafka's PEM key store takes an unencrypted PKCS#8 key followed by the certificate chain
            final TlsCertificates.Issued server = certificates.issue("kafka-broker", 30, TlsCertificates.KeyForm.PKCS8);
            Files.writeString(keyStore, Files.readString(server.key()) + Files.readString(server.cert()), StandardCharsets.US_ASCII);
            return String.join("\n",
                "sasl.enabled.mechanisms=PLAIN",
                "listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN",
                "listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_"
                    + user + "=\"" + password + "\";",
                "listener.name.sasl_ssl.ssl.keystore.type=PEM",
                "listener.name.sasl_ssl.ssl.keystore.location=" + keyStore);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the kafka broker's key store in " + dir, e);
        }
    }

    private void startProcess() {
        final Path log = dir.resolve("broker-" + starts++ + ".log");
        try {
            process = new ProcessBuilder(java("kafka.Kafka", config.toString())).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a kafka broker", e);
        }
        final long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!logTail(Integer.MAX_VALUE).contains("Kafka Server started") || !listening()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("kafka broker exited with " + process.exitValue() + "\n" + logTail(40));
            }
            if (System.currentTimeMillis() > deadline) {
                kill();
                throw new IllegalStateException("kafka broker not started in " + START_TIMEOUT_MS + " ms\n" + logTail(40));
            }
            Await.pause(100);
        }
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The test JVM's java and class path, a heap limit and our log config for a Kafka main class. */
    private List<String> java(String mainClass, String... args) {
        final List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-Dlogback.configurationFile=" + dir.resolve("logback.xml"), "-cp",
            System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A KRaft cluster id: 16 random bytes in URL-safe base64, not starting with '-' (Kafka's own rule). */
    private static String clusterId() {
        while (true) {
            final UUID u = UUID.randomUUID();
            final String id = Base64.getUrlEncoder().withoutPadding().encodeToString(ByteBuffer.allocate(16)
                .putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    /** The last {@code lines} lines of the current start's log. */
    public String logTail(int lines) {
        final Path log = dir.resolve("broker-" + (starts - 1) + ".log");
        try {
            if (!Files.exists(log)) {
                return "";
            }
            final List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Kills the broker and deletes its data. */
    @Override
    public void close() {
        kill();
        try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // the temp dir goes with the test
        }
    }
}
