package io.scopeline.standalone;

import io.scopeline.embedded.EmbeddedDynamoDb;
import io.scopeline.embedded.EmbeddedKafka;
import io.scopeline.embedded.EmbeddedRedis;
import io.scopeline.embedded.EmbeddedS3;
import io.scopeline.embedded.FreePorts;
import io.scopeline.simulator.FleetControls;
import io.scopeline.simulator.ProbeFleet;
import io.scopeline.simulator.Publisher;
import io.scopeline.simulator.Simulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Scopeline in one process: embedded Kafka, S3 (S3Proxy), DynamoDB Local and Redis on loopback,
 * the ingest and query services sharing one HTTP port, and optionally a simulated fleet.
 */
public final class Standalone implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Standalone.class);
  public static final String ACCESS_KEY = "scopeline";
  public static final String SECRET_KEY = "scopeline";
  public static final String REGION = "us-east-1";

  private final StandaloneOptions options;
  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private EmbeddedKafka kafka;
  private EmbeddedS3 s3;
  private EmbeddedDynamoDb dynamo;
  private EmbeddedRedis redis;
  private ConfigurableApplicationContext app;
  private int httpPort;
  private ProbeFleet fleet;
  private Simulator simulator;
  private Thread simulatorThread;

  private Standalone(StandaloneOptions options) {
    this.options = options;
  }

  /** Starts everything; fails with a clear message when a fixed port is taken. */
  public static Standalone start(StandaloneOptions options) {
    Standalone s = new Standalone(options);
    try {
      s.startAll();
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** The embedded servers log at INFO per request; until Spring sets levels (application.yml), quiet them here. */
  static void quietEmbeddedServers() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
      for (String name : new String[] {"org.apache.kafka", "kafka", "state.change.logger", "org.eclipse.jetty",
          "org.gaul", "org.jclouds", "com.amazonaws.services.dynamodbv2.local"}) {
        context.getLogger(name).setLevel(ch.qos.logback.classic.Level.WARN);
      }
      context.getLogger("com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler")
          .setLevel(ch.qos.logback.classic.Level.ERROR);
    }
  }

  private void startAll() {
    quietEmbeddedServers();
    Path data = options.dataDir().toAbsolutePath();
    checkFree("HTTP", "--http-port", options.httpPort());
    checkFree("Kafka", "--kafka-port", options.kafkaPort());
    checkFree("S3", "--s3-port", options.s3Port());
    checkFree("DynamoDB", "--dynamodb-port", options.dynamoDbPort());
    if (options.redisUrl() != null) {
      redis = EmbeddedRedis.external(options.redisUrl());
      log.info("Redis: using {} (--redis-url)", options.redisUrl());
    } else {
      // Its own Redis, under --data: a Redis this directory's killed run left behind is stopped,
      // and one it did not start is never adopted silently (its state is another run's).
      Path redisDir = data.resolve("redis");
      EmbeddedRedis.stopLeftover(redisDir);
      if (options.redisPort() != 0 && FreePorts.isListening(options.redisPort())) {
        throw new IllegalStateException("Redis port " + options.redisPort() + " is already in use by a server this"
            + " data directory did not start; use it with --redis-url redis://localhost:" + options.redisPort()
            + ", or start one of our own with --redis-port N (0 = any free port)");
      }
      redis = EmbeddedRedis.start(options.redisPort(), redisDir);
      toClose.push(redis);
    }
    kafka = EmbeddedKafka.start(data.resolve("kafka"), options.kafkaPort());
    toClose.push(kafka);
    s3 = EmbeddedS3.start(data.resolve("s3"), options.s3Port(), ACCESS_KEY, SECRET_KEY);
    toClose.push(s3);
    dynamo = EmbeddedDynamoDb.start(data.resolve("dynamodb"), options.dynamoDbPort());
    toClose.push(dynamo);

    app = new SpringApplicationBuilder(StandaloneApplication.class).web(WebApplicationType.REACTIVE)
        .properties(springProperties()).run();
    toClose.push(app);
    httpPort = ((WebServerApplicationContext) app).getWebServer().getPort();
    // The bucket and table are created as the context starts; until they exist every read is a
    // 503, so the stack is "up" (banner, demo) only once they do.
    app.getBean(io.scopeline.ingest.store.StorageBootstrap.class).ready().block(Duration.ofMinutes(2));
    if (options.demo()) {
      startDemo();
    }
  }

  private Map<String, Object> springProperties() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("server.port", options.httpPort());
    p.put("server.address", options.listen());
    if (options.loopbackOnly()) {
      // Reached by its loopback names only: a page that rebinds its own name to 127.0.0.1 is refused.
      p.put("scopeline.security.allowed-hosts", "localhost,127.0.0.1,::1");
    }
    p.put("scopeline.kafka.bootstrap-servers", kafka.bootstrapServers());
    p.put("scopeline.kafka.create-topics", true);
    p.put("scopeline.kafka.topic-partitions", 2);
    p.put("scopeline.storage.region", REGION);
    p.put("scopeline.storage.access-key", ACCESS_KEY);
    p.put("scopeline.storage.secret-key", SECRET_KEY);
    p.put("scopeline.storage.create-resources", true);
    p.put("scopeline.storage.s3.endpoint", s3.endpoint().toString());
    p.put("scopeline.storage.dynamodb.endpoint", dynamo.endpoint().toString());
    p.put("scopeline.storage.redis.uri", redis.uri());
    p.put("scopeline.bridge.default-tenant", options.tenant());
    p.put("scopeline.query.default-tenant", options.tenant());
    // Three missed 3 s publishes mark a probe silent; no extra floor, so the UI shows it within ~10 s.
    p.put("scopeline.liveness.min-silence", "9s");
    // Kafka static membership under a name that belongs to this data directory (whose embedded
    // Kafka holds the group): restarted after a crash, ingest resumes at once instead of waiting
    // for its dead self's session to time out. -Dscopeline.kafka.group-instance-id= turns it off.
    p.put("scopeline.kafka.group-instance-id", groupInstanceId(options.dataDir()));
    return p;
  }

  /** A stable group member name for a data directory (a short hash of its absolute path). */
  static String groupInstanceId(Path dataDir) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(dataDir.toAbsolutePath().normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "standalone-" + java.util.HexFormat.of().formatHex(digest, 0, 6);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private void startDemo() {
    fleet = new ProbeFleet(new ProbeFleet.Spec(1, options.demoHosts(), 4, 2, 0.05, Duration.ofSeconds(3), 1, true),
        System.currentTimeMillis() * 1_000_000L, options.tenant());
    Publisher publisher = Publisher.kafka(kafka.bootstrapServers(), "scope.reports");
    simulator = new Simulator();
    simulatorThread = new Thread(() -> {
      try (publisher) {
        simulator.run(fleet, publisher, Duration.ZERO, false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        log.error("The demo fleet stopped: {}", e.toString());
      }
    }, "scopeline-demo-fleet");
    simulatorThread.setDaemon(true);
    simulatorThread.start();
    toClose.push(() -> {
      simulator.stop();
      simulatorThread.join(10_000);
    });
    log.info("Demo: {} simulated hosts of tenant '{}' publishing to Kafka every 3 s", options.demoHosts(),
        options.tenant());
    // The demo probes hold control sockets like Scope probes, so the UI's container controls act.
    FleetControls controls = new FleetControls(fleet, java.net.URI.create("http://" + selfAddress() + ":" + httpPort),
        options.demoShell() ? FleetControls.REAL_SHELL : FleetControls.ECHO_TERMINAL).start();
    toClose.push(controls);
    if (options.demoShell()) {
      log.warn("--demo-shell: \"Exec shell\" in the UI opens a shell on this machine for whoever reaches port {}",
          httpPort);
    }
  }

  /** Where this process reaches its own HTTP port: the listen address, or loopback when that is a wildcard. */
  private String selfAddress() {
    try {
      java.net.InetAddress a = java.net.InetAddress.getByName(options.listen());
      if (a.isAnyLocalAddress()) {
        return "127.0.0.1";
      }
      return a instanceof java.net.Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return "127.0.0.1";
    }
  }

  private static void checkFree(String what, String flag, int port) {
    if (port != 0 && FreePorts.isListening(port)) {
      throw new IllegalStateException(what + " port " + port + " is already in use; choose another with " + flag);
    }
  }

  /** What to tell the user: where everything is. */
  public String banner() {
    String http = "http://localhost:" + httpPort;
    StringBuilder sb = new StringBuilder();
    sb.append("\n  Scopeline is running. Open ").append(http).append("/\n\n");
    sb.append(String.format("  %-22s %s  (UI, Scope API, WebSocket, probe bridge; tenant '%s' without X-Scope-OrgID)%n",
        "HTTP", http, options.tenant()));
    if (!options.loopbackOnly()) {
      sb.append(String.format("  %-22s %s: anyone who reaches it is tenant '%s'%n", "listening on", options.listen(),
          options.tenant()));
    }
    sb.append(String.format("  %-22s %s  (topic scope.reports)%n", "Kafka", kafka.bootstrapServers()));
    sb.append(String.format("  %-22s %s  (bucket scopeline-reports)%n", "S3", s3.endpoint()));
    sb.append(String.format("  %-22s %s  (table scopeline_reports)%n", "DynamoDB", dynamo.endpoint()));
    sb.append(String.format("  %-22s %s  (%s)%n", "Redis", redis.uri(), switch (redis.source()) {
      case EXTERNAL -> "--redis-url";
      case REDIS_SERVER_PROCESS -> "started redis-server";
      case EMBEDDED_JAR -> "embedded-redis";
    }));
    sb.append(String.format("  %-22s access key %s, secret key %s, region %s%n", "S3/DynamoDB credentials",
        ACCESS_KEY, SECRET_KEY, REGION));
    sb.append(String.format("  %-22s %s%n", "data", options.dataDir().toAbsolutePath()));
    sb.append(String.format("  %-22s %s%n", "demo", options.demo() ? options.demoHosts() + " simulated hosts"
        : "off (--no-demo): point Scope probes at " + http));
    return sb.toString();
  }

  public int httpPort() {
    return httpPort;
  }

  public String kafkaBootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The demo fleet, or null with {@code --no-demo}. */
  public ProbeFleet fleet() {
    return fleet;
  }

  @Override
  public void close() {
    while (!toClose.isEmpty()) {
      try {
        toClose.pop().close();
      } catch (Exception e) {
        log.warn("While stopping: {}", e.toString());
      }
    }
  }
}
