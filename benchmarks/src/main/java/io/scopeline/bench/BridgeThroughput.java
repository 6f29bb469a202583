package io.scopeline.bench;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.WireHeaders;
import io.scopeline.embedded.FreePorts;
import io.scopeline.simulator.ProbeFleet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Reports per second through the probe bridge ({@code POST /api/report}, as Scope probes send
 * them) against the same bodies produced straight to Kafka, in one run on one standalone server
 * (its own JVM, no demo fleet): reports/s and the server's CPU per report (from /proc), so the
 * bridge's own cost is the difference. Both phases are consumed by the server's ingest pipeline as
 * they arrive, so both include ingest's cost per report.
 *
 * <p>Run (after {@code ./mvnw -q -pl standalone -am -DskipTests install}):
 * {@code ./mvnw -q -pl benchmarks exec:java -Dbench.main=io.scopeline.bench.BridgeThroughput
 * -Dexec.args="connections=4 seconds=20 hosts=20"}; {@code profile=/tmp/bridge.jfr} records the server
 * with JFR during the first bridge phase; {@code body=<file>} posts that body (gzip msgpack) instead
 * of simulated ones; {@code rounds=N} repeats both phases (the first round still warms the JIT).
 */
public final class BridgeThroughput {
  private BridgeThroughput() {}

  /** With {@code profile=<file>}: a JFR recording of the server during the first bridge phase. */
  private static String profile;

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new TreeMap<>(Map.of("connections", "4", "seconds", "20", "hosts", "20",
        "jar", "standalone/target/scopeline-standalone.jar"));
    for (String arg : args) {
      a.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    Path jar = Path.of(a.get("jar")).toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: ./mvnw -q -pl standalone -am -DskipTests install");
    }
    int connections = Integer.parseInt(a.get("connections"));
    Duration duration = Duration.ofSeconds(Long.parseLong(a.get("seconds")));
    // body=<file>: post that one body instead (e.g. a real probe's capture, read where it lies).
    List<byte[]> bodies = a.containsKey("body") ? List.of(Files.readAllBytes(Path.of(a.get("body"))))
        : bodies(Integer.parseInt(a.get("hosts")));
    long bytes = bodies.stream().mapToLong(b -> b.length).sum() / bodies.size();
    System.out.printf(Locale.ROOT, "bodies: %s, gzip msgpack, %d bytes on average; %d connections (threads), %d s per"
        + " phase after 10 s of warm-up%n", a.containsKey("body") ? a.get("body") : bodies.size()
        + " simulated hosts' full reports", bytes, connections, duration.toSeconds());
    Path data = Files.createTempDirectory("scopeline-bridge-bench");
    int http = FreePorts.pick();
    int kafka = FreePorts.pick();
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + a.getOrDefault("serverXmx", "2g"), "-jar", jar.toString(), "--no-demo", "--data", data.toString(),
        "--http-port", Integer.toString(http), "--kafka-port", Integer.toString(kafka),
        "--s3-port", Integer.toString(FreePorts.pick()), "--dynamodb-port", Integer.toString(FreePorts.pick()),
        "--redis-port", Integer.toString(FreePorts.pick()));
    Process server = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(data.resolve("server.log").toFile()).start();
    try {
      awaitReady(server, http, data);
      double idle = ProcessCpu.cores(server.pid(), Duration.ofSeconds(5));
      System.out.printf(Locale.ROOT, "idle server: %.2f cores%n", idle);
      System.out.println("phase               reports/s   server cores   server CPU ms/report   rejected");
      profile = a.get("profile");
      for (int round = 1; round <= Integer.parseInt(a.getOrDefault("rounds", "2")); round++) {
        print("bridge (HTTP) #" + round, bridge(server, http, connections, bodies, duration));
        profile = null;
        print("raw Kafka #" + round, kafka(server, kafka, connections, bodies, duration));
      }
    } finally {
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private static void print(String phase, double[] r) {
    System.out.printf(Locale.ROOT, "%-18s  %9.0f   %12.2f   %20.2f   %8.0f%n", phase, r[0], r[1], r[1] * 1000 / r[0],
        r[2]);
  }

  /** Full reports of {@code hosts} simulated hosts (containers and processes), as a probe posts them. */
  static List<byte[]> bodies(int hosts) {
    ProbeFleet fleet = new ProbeFleet(new ProbeFleet.Spec(1, hosts, 4, 2, 0, Duration.ofSeconds(3), 7),
        System.currentTimeMillis() * 1_000_000L);
    List<byte[]> out = new ArrayList<>();
    for (ProbeFleet.Outgoing o : fleet.tick(System.currentTimeMillis() * 1_000_000L)) {
      out.add(ReportCodec.encode(o.report(), ReportFormat.MSGPACK_GZIP));
    }
    return out;
  }

  /** reports/s, server cores, rejected: {@code connections} threads posting as fast as answered. */
  private static double[] bridge(Process server, int port, int connections, List<byte[]> bodies, Duration d)
      throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create("http://127.0.0.1:" + port + "/api/report");
    return load(server, connections, d, (i, n) -> {
      HttpResponse<Void> r = client.send(HttpRequest.newBuilder(uri)
          .header("Content-Type", "application/msgpack").header("Content-Encoding", "gzip")
          .header(WireHeaders.PROBE_ID, "bench-" + i).header(WireHeaders.ORG_ID, "bench")
          .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get((int) (n % bodies.size())))).build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    });
  }

  /** The same bodies and headers, produced to the reports topic by one producer per thread, each waiting for its ack. */
  private static double[] kafka(Process server, int port, int connections, List<byte[]> bodies, Duration d)
      throws Exception {
    List<KafkaProducer<String, byte[]>> producers = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      producers.add(new KafkaProducer<>(Map.of("bootstrap.servers", "127.0.0.1:" + port, "acks", "all",
          "linger.ms", 0), new StringSerializer(), new ByteArraySerializer()));
    }
    try {
      return load(server, connections, d, (i, n) -> {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>("scope.reports", "bench",
            bodies.get((int) (n % bodies.size())));
        r.headers().add(WireHeaders.ORG_ID, "bench".getBytes(StandardCharsets.UTF_8));
        r.headers().add(WireHeaders.PROBE_ID, ("bench-" + i).getBytes(StandardCharsets.UTF_8));
        r.headers().add(WireHeaders.CONTENT_TYPE, "application/msgpack".getBytes(StandardCharsets.UTF_8));
        r.headers().add(WireHeaders.CONTENT_ENCODING, "gzip".getBytes(StandardCharsets.UTF_8));
        producers.get(i).send(r).get();
        return true;
      });
    } finally {
      producers.forEach(KafkaProducer::close);
    }
  }

  private interface Send {
    boolean send(int thread, long n) throws Exception;
  }

  private static double[] load(Process server, int threads, Duration d, Send send) throws Exception {
    AtomicBoolean counting = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong ok = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    AtomicLong seq = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int id = i;
      Thread t = new Thread(() -> {
        while (!stop.get()) {
          try {
            boolean accepted = send.send(id, seq.getAndIncrement());
            if (counting.get()) {
              (accepted ? ok : rejected).incrementAndGet();
            }
          } catch (Exception e) {
            if (counting.get()) {
              rejected.incrementAndGet();
            }
          }
        }
      });
      t.start();
      workers.add(t);
    }
    Thread.sleep(10_000); // warm-up: JIT, connections, the ingest pipeline catching up
    if (profile != null) {
      new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(server.pid()),
          "JFR.start", "settings=profile", "duration=" + d.toSeconds() + "s", "filename=" + Path.of(profile)
          .toAbsolutePath()).inheritIO().start().waitFor();
    }
    counting.set(true);
    long t0 = System.nanoTime();
    double cores = ProcessCpu.cores(server.pid(), d);
    double seconds = (System.nanoTime() - t0) / 1e9;
    counting.set(false);
    long n = ok.get();
    stop.set(true);
    for (Thread t : workers) {
      t.join(30_000);
    }
    Thread.sleep(5_000); // let ingest drain before the next phase
    return new double[] {n / seconds, cores, rejected.get()};
  }

  private static void awaitReady(Process server, int port, Path data) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("the server exited; see " + data.resolve("server.log"));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not up yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the server was not ready within 3 minutes; see " + data.resolve("server.log"));
  }
}
