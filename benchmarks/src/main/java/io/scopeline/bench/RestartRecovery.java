package io.scopeline.bench;

import io.scopeline.embedded.FreePorts;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import io.scopeline.simulator.ProbeFleet;
import io.scopeline.simulator.Publisher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * How long ingest takes to resume after a crash: the standalone jar (demo fleet running) is
 * SIGKILLed and started again on the same data directory; measured are the time until it answers
 * HTTP and, from then, until a report posted to its probe bridge shows in the hosts view. With
 * Kafka static membership (the standalone's default) and without it
 * ({@code -Dscopeline.kafka.group-instance-id=}, dynamic membership: the restarted instance waits
 * for its dead self's session to time out).
 *
 * <p>Run (after {@code ./mvnw -q -pl standalone -am -DskipTests install}):
 * {@code ./mvnw -q -pl benchmarks exec:java -Dbench.main=io.scopeline.bench.RestartRecovery
 * -Dexec.args="runs=2"}.
 */
public final class RestartRecovery {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final String TENANT = "default";

  private RestartRecovery() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new TreeMap<>();
    for (String arg : args) {
      a.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    Path jar = Path.of(a.getOrDefault("jar", "standalone/target/scopeline-standalone.jar")).toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: ./mvnw -q -pl standalone -am -DskipTests install");
    }
    int runs = Integer.parseInt(a.getOrDefault("runs", "2"));
    System.out.println("membership  run   restart to HTTP s   HTTP to new report visible s   restart to visible s");
    for (String mode : List.of("static", "dynamic")) {
      for (int run = 1; run <= runs; run++) {
        double[] t = crashAndRestart(jar, mode.equals("dynamic"));
        System.out.printf(Locale.ROOT, "%-10s  %3d   %17.1f   %28.1f   %20.1f%n", mode, run, t[0], t[1], t[0] + t[1]);
      }
    }
  }

  /** Seconds from the restart to HTTP answering, and from then to a freshly posted report showing. */
  private static double[] crashAndRestart(Path jar, boolean dynamic) throws Exception {
    Path data = Files.createTempDirectory("scopeline-restart");
    List<Integer> ports = List.of(FreePorts.pick(), FreePorts.pick(), FreePorts.pick(), FreePorts.pick(),
        FreePorts.pick());
    int port = ports.get(0);
    List<String> cmd = command(jar, data, dynamic, ports);
    Process first = start(cmd, data.resolve("first.log"));
    try {
      awaitVisible(first, port, "t0-host-0", Duration.ofMinutes(3), null);
      Thread.sleep(10_000); // steady state: quanta committed, the group settled
    } finally {
      first.destroyForcibly();
      first.waitFor();
    }
    long restartedAt = System.nanoTime();
    Process second = start(cmd, data.resolve("second.log"));
    try {
      awaitHttp(second, port, Duration.ofMinutes(2));
      long answeringAt = System.nanoTime();
      String marker = "restart-marker-" + System.nanoTime();
      awaitVisible(second, port, marker, Duration.ofMinutes(3), marker);
      long visibleAt = System.nanoTime();
      return new double[] {(answeringAt - restartedAt) / 1e9, (visibleAt - answeringAt) / 1e9};
    } finally {
      second.destroy();
      if (!second.waitFor(30, TimeUnit.SECONDS)) {
        second.destroyForcibly();
      }
    }
  }

  /** The same ports on both starts: the embedded Kafka keeps its listener in the data directory. */
  private static List<String> command(Path jar, Path data, boolean dynamic, List<Integer> ports) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g"));
    if (dynamic) {
      cmd.add("-Dscopeline.kafka.group-instance-id=");
    }
    cmd.addAll(List.of("-jar", jar.toString(), "--data", data.toString(), "--http-port", ports.get(0).toString(),
        "--kafka-port", ports.get(1).toString(), "--s3-port", ports.get(2).toString(), "--dynamodb-port",
        ports.get(3).toString(), "--redis-port", ports.get(4).toString()));
    return cmd;
  }

  private static Process start(List<String> cmd, Path log) throws IOException {
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void awaitHttp(Process p, int port, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline && p.isAlive()) {
      try {
        if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the restarted standalone did not answer HTTP within " + within);
  }

  /** Until host {@code name} is in the hosts view; with {@code post}, posting a report of that host every 250 ms. */
  private static void awaitVisible(Process p, int port, String name, Duration within, String post) throws Exception {
    Publisher bridge = post == null ? null : Publisher.http("http://127.0.0.1:" + port);
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline && p.isAlive()) {
      if (bridge != null) {
        bridge.send(new ProbeFleet.Outgoing(TENANT, "restart-probe", marker(post))).exceptionally(e -> 0);
      }
      try {
        String hosts = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/api/topology/hosts")).build(), HttpResponse.BodyHandlers.ofString()).body();
        if (hosts.contains("\"" + name + ";<host>\"")) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(name + " not visible within " + within + " (process alive: " + p.isAlive() + ")");
  }

  private static Report marker(String host) {
    long now = System.currentTimeMillis() * 1_000_000L;
    Node h = Node.of(host + ";<host>", "host").withLatest("host_name", now, host);
    return Report.builder().id(host + "-" + now).ts(now).windowNanos(3_000_000_000L)
        .topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(h)).build();
  }
}
