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

  private EmbeddedKafka(KafkaRaftServer server, int port, Path dataDir, boolean deleteOnClose) {
    this.server = server;
    this.port = port;
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
  }

  /**
   * Starts a broker. {@code dataDir} null means a temporary directory deleted on close; an
   * existing formatted directory is reused, so topics and offsets survive a restart.
   * {@code port} 0 picks a free port.
   */
  public static EmbeddedKafka start(Path dataDir, int port) {
    boolean temporary = dataDir == null;
    try {
      Path dir = temporary ? Files.createTempDirectory("scopeline-kafka") : Files.createDirectories(dataDir);
      int brokerPort = FreePorts.orPick(port);
      int controllerPort = FreePorts.pick();
      Properties p = new Properties();
      p.put("process.roles", "broker,controller");
      p.put("node.id", "1");
      p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
      p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
      p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
      p.put("controller.listener.names", "CONTROLLER");
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
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
      EmbeddedKafka kafka = new EmbeddedKafka(server, brokerPort, dir, temporary);
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
