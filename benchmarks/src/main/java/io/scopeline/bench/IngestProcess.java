package io.scopeline.bench;

import io.scopeline.embedded.EmbeddedDynamoDb;
import io.scopeline.embedded.EmbeddedKafka;
import io.scopeline.embedded.EmbeddedRedis;
import io.scopeline.embedded.EmbeddedS3;
import io.scopeline.embedded.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ingest service in its own JVM, started from the standalone jar's classes, so that its heap,
 * RSS and CPU are its own and not the embedded servers'.
 */
final class IngestProcess {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final List<String> command = new ArrayList<>();
  private final Path logDir;
  private final String name;
  private final AtomicInteger starts = new AtomicInteger();
  private final int port = FreePorts.pick();
  private volatile Process process;

  /**
   * {@code settings}: {@code --key=value} arguments for the service beyond the servers' addresses
   * (topics, consumer group, bucket, table, layout).
   */
  IngestProcess(Path jar, Path logDir, String name, String xmx, EmbeddedKafka kafka, EmbeddedS3 s3,
      EmbeddedDynamoDb dynamo, EmbeddedRedis redis, String accessKey, List<String> settings) {
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: ./mvnw -q -pl standalone -am -DskipTests install");
    }
    this.logDir = logDir;
    this.name = name;
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + xmx, "-cp", jar.toString(), "-Dloader.main=io.scopeline.ingest.IngestApplication",
        "org.springframework.boot.loader.launch.PropertiesLauncher", "--server.port=" + port,
        "--scopeline.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
        "--scopeline.storage.s3.endpoint=" + s3.endpoint(),
        "--scopeline.storage.dynamodb.endpoint=" + dynamo.endpoint(),
        "--scopeline.storage.region=us-east-1", "--scopeline.storage.access-key=" + accessKey,
        "--scopeline.storage.secret-key=" + accessKey, "--scopeline.storage.redis.uri=" + redis.uri(),
        "--scopeline.storage.create-resources=true", "--logging.level.io.scopeline=INFO"));
    command.addAll(settings);
  }

  int port() {
    return port;
  }

  void start() throws Exception {
    Path log = logDir.resolve(name + "-" + starts.incrementAndGet() + ".log");
    process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("ingest exited with " + process.exitValue() + "; see " + log);
      }
      try {
        if (get("/actuator/health/readiness").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("ingest not ready within 3 min; see " + log);
  }

  /** Graceful (SIGTERM, as Kubernetes stops a pod) or SIGKILL (a crashed machine). */
  void stop(boolean graceful) throws InterruptedException {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    if (graceful) {
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        System.out.println("WARNING: ingest did not stop within 60 s of SIGTERM; killed");
        p.destroyForcibly();
      }
    } else {
      p.destroyForcibly();
    }
    p.waitFor();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The service's Prometheus samples summed by metric name (labels dropped); empty when it does
   * not answer.
   */
  Map<String, Double> metrics() {
    Map<String, Double> out = new HashMap<>();
    try {
      for (String line : get("/actuator/prometheus").body().split("\n")) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        String metric = line.substring(0, brace > 0 ? brace : line.indexOf(' '));
        if (metric.equals("jvm_memory_used_bytes") && !line.contains("area=\"heap\"")) {
          continue;
        }
        out.merge(metric, Double.parseDouble(line.substring(space + 1)), Double::sum);
      }
    } catch (Exception e) {
      return Map.of();
    }
    return out;
  }

  String heapMb() {
    Double bytes = metrics().get("jvm_memory_used_bytes");
    return bytes == null ? "-" : Long.toString((long) (bytes / (1 << 20)));
  }

  String rssMb() {
    long kb = statusKb("VmRSS:");
    return kb < 0 ? "-" : Long.toString(kb / 1024);
  }

  /** A size from /proc/&lt;pid&gt;/status in KiB, or -1 when the process is gone. */
  long statusKb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process is gone
    }
    return -1;
  }

  /** CPU seconds (user + system) the process has used so far, or -1 when it is gone. */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // Fields 14 and 15 of stat (utime, stime), counted from after the command name.
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
