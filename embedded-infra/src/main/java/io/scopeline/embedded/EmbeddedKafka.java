package io.scopeline.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in this JVM, built from
 * Kafka's production classes and listening on loopback only.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaRaftServer server;
  private final int port;
  private final Path dataDir;
  private final boolean deleteOnClose;

  private final java.util.Map<String, String> clientConfig;

  private EmbeddedKafka(KafkaRaftServer server, int port, Path dataDir, boolean deleteOnClose,
      java.util.Map<String, String> clientConfig) {
    this.server = server;
    this.port = port;
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.clientConfig = clientConfig;
  }

  /** The client settings of a SASL/PLAIN login as {@code user} (empty map for a plain broker's clients). */
  public static java.util.Map<String, String> saslClientConfig(java.util.Map.Entry<String, String> user) {
    return java.util.Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + user.getKey() + "\" password=\"" + user.getValue() + "\";");
  }

  /** What a client of this broker sets besides the bootstrap servers (the login, for a SASL broker). */
  public java.util.Map<String, String> clientConfig() {
    return clientConfig;
  }

  /**
   * Starts a broker. {@code dataDir} null means a temporary directory deleted on close; an
   * existing formatted directory is reused, so topics and offsets survive a restart.
   * {@code port} 0 picks a free port.
   */
  public static EmbeddedKafka start(Path dataDir, int port) {
    return start(dataDir, port, null);
  }

  /**
   * A temporary broker whose client listener takes only SASL/PLAIN logins of {@code users} (name to
   * password) over plaintext; the controller and the broker's own link stay on loopback without
   * authentication. Its {@link #admin()} logs in as the first user.
   */
  public static EmbeddedKafka startWithSasl(java.util.Map<String, String> users) {
    return start(null, 0, new java.util.LinkedHashMap<>(users));
  }

  private static EmbeddedKafka start(Path dataDir, int port, java.util.Map<String, String> saslUsers) {
    boolean temporary = dataDir == null;
    try {
      Path dir = temporary ? Files.createTempDirectory("scopeline-kafka") : Files.createDirectories(dataDir);
      int brokerPort = FreePorts.orPick(port);
      int controllerPort = FreePorts.pick();
      Properties p = new Properties();
      p.put("process.roles", "broker,controller");
      p.put("node.id", "1");
      p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
      p.put("controller.listener.names", "CONTROLLER");
      if (saslUsers == null) {
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      } else {
        int internalPort = FreePorts.pick();
        p.put("listeners", "SASL_PLAINTEXT://127.0.0.1:" + brokerPort + ",INTERNAL://127.0.0.1:" + internalPort
            + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + brokerPort + ",INTERNAL://127.0.0.1:" + internalPort);
        p.put("inter.broker.listener.name", "INTERNAL");
        p.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("sasl.enabled.mechanisms", "PLAIN");
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        saslUsers.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
      }
      p.put("log.dirs", dir.toString());
      p.put("offsets.topic.replication.factor", "1");
      p.put("offsets.topic.num.partitions", "4");
      p.put("transaction.state.log.replication.factor", "1");
      p.put("transaction.state.log.min.isr", "1");
      p.put("share.coordinator.state.topic.replication.factor", "1");
      p.put("share.coordinator.state.topic.min.isr", "1");
      p.put("min.insync.replicas", "1");
      p.put("group.initial.rebalance.delay.ms", "0");
      p.put("auto.create.topics.enable", "false");
      // The default dedupe buffer is 128 MiB of heap; compacted topics here are tiny.
      p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 << 20));
      // Reports may be up to 16 MiB (Scopeline's default limit); Kafka's default is 1 MiB.
      p.put("message.max.bytes", String.valueOf(32 << 20));
      p.put("replica.fetch.max.bytes", String.valueOf(32 << 20));
      KafkaConfig config = KafkaConfig.fromProps(p, false);
      if (!Files.exists(dir.resolve("meta.properties"))) {
        new Formatter().setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setClusterId(Uuid.randomUuid().toString()).setNodeId(1).setControllerListenerName("CONTROLLER")
            .setMetadataLogDirectory(dir.toString()).setDirectories(List.of(dir.toString()))
            .setReleaseVersion(MetadataVersion.latestProduction()).setIgnoreFormatted(true).run();
      }
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      long t0 = System.nanoTime();
      server.startup();
      EmbeddedKafka kafka = new EmbeddedKafka(server, brokerPort, dir, temporary,
          saslUsers == null ? java.util.Map.of() : saslClientConfig(saslUsers.entrySet().iterator().next()));
      kafka.awaitReady();
      log.info("Embedded Kafka (KRaft) ready on 127.0.0.1:{} in {} ms, data in {}", brokerPort,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), dir);
      return kafka;
    } catch (Exception e) {
      throw new IllegalStateException("embedded Kafka failed to start: " + e.getMessage(), e);
    }
  }

  private void awaitReady() throws Exception {
    try (Admin admin = admin()) {
      admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.putAll(clientConfig);
    return Admin.create(p);
  }

  /** Creates topics that do not exist yet. */
  public void createTopics(int partitions, String... names) {
    try (Admin admin = admin()) {
      List<NewTopic> topics = new ArrayList<>();
      for (String name : names) {
        topics.add(new NewTopic(name, partitions, (short) 1));
      }
      for (var f : admin.createTopics(topics).values().values()) {
        try {
          f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topics: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    if (deleteOnClose) {
      Directories.deleteRecursively(dataDir);
    }
  }
}
