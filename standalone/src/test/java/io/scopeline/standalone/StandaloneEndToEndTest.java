package io.scopeline.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.WireHeaders;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone stack with its demo fleet, checked through the public API only. */
class StandaloneEndToEndTest {
  @TempDir
  Path data;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  static StandaloneOptions options(Path data, int hosts) {
    return new StandaloneOptions(data, true, hosts, "default", 0, 0, 0, 0, 0, null, false, "127.0.0.1");
  }

  static String get(int port, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  /** The status line of {@code GET /api} sent with {@code host} as its Host header (HttpClient will not set one). */
  static String statusLine(int port, String host) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.getOutputStream().write(("GET /api HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  /** Polls {@code path} until its body satisfies {@code ok}. */
  static String await(int port, String path, Predicate<String> ok, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = get(port, path);
      if (ok.test(last)) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(path + " never matched within " + within + "; last answer: " + last);
  }

  @Test
  void hostsAndContainersAppearAShortcutIsPushedAndDataSurvivesARestart() throws Exception {
    Instant beforeRestart;
    try (Standalone s = Standalone.start(options(data, 3))) {
      int port = s.httpPort();
      String hosts = await(port, "/api/topology/hosts", b -> s.fleet().hosts().stream()
          .allMatch(h -> b.contains("\"" + h + ";<host>\"")), Duration.ofSeconds(40));
      assertThat(hosts).contains("\"shape\":\"circle\"");
      await(port, "/api/topology/containers", b -> b.contains("\"shape\":\"hexagon\""), Duration.ofSeconds(20));

      // The UI stops a running container through the demo probe's control socket; the map follows.
      var probe = s.fleet().members().get(0).probe();
      int c = probe.isRunning(0) ? 0 : 1;
      String node = probe.containerNodeId(c);
      String encoded = java.net.URLEncoder.encode(node, StandardCharsets.UTF_8);
      HttpResponse<String> stopped = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
              + "/api/control/" + probe.probeId() + "/" + encoded + "/docker_stop_container"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
      // The same request from another web page the user's browser visits is refused...
      HttpResponse<String> forged = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
              + "/api/control/" + probe.probeId() + "/" + encoded + "/docker_start_container"))
          .header("Origin", "https://evil.example").POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(forged.statusCode()).isEqualTo(403);
      assertThat(forged.body()).contains("cross-origin POST from https://evil.example refused");
      // ...and so is a page that rebinds its own name to this machine (the standalone answers to loopback names only).
      assertThat(statusLine(port, "rebind.evil.example:" + port)).contains(" 403 ");
      assertThat(statusLine(port, "localhost:" + port)).contains(" 200 ");
      await(port, "/api/topology/containers?stopped=stopped", b -> b.contains("\"" + node + "\""),
          Duration.ofSeconds(15));
      await(port, "/api/topology/containers/" + encoded + "?stopped=stopped",
          b -> b.contains("\"docker_start_container\"") && !b.contains("\"docker_stop_container\""),
          Duration.ofSeconds(15));

      // A container starts on a demo host: its shortcut report must reach a watcher long before the tick.
      Frames frames = new Frames(port, "/api/topology/containers/ws?t=60s&stopped=both");
      try (frames; KafkaProducer<String, byte[]> producer = producer(s)) {
        assertThat(frames.next(Duration.ofSeconds(20))).contains("\"reset\":true");
        Duration best = null;
        for (int attempt = 0; attempt < 3 && (best == null || best.compareTo(Duration.ofSeconds(1)) > 0); attempt++) {
          String container = "e2e-started-" + attempt;
          producer.send(shortcut(s.fleet().hosts().get(0), container)).get();
          long sent = System.nanoTime();
          frames.until(f -> f.contains(container), Duration.ofSeconds(20));
          Duration took = Duration.ofNanos(System.nanoTime() - sent);
          best = best == null || took.compareTo(best) < 0 ? took : best;
        }
        assertThat(best).as("shortcut to WebSocket").isLessThanOrEqualTo(Duration.ofSeconds(1));
      }
      beforeRestart = Instant.now();
      Thread.sleep(4000); // let the quantum holding beforeRestart be persisted and indexed
    }

    try (Standalone s = Standalone.start(new StandaloneOptions(data, false, 3, "default", 0, 0, 0, 0, 0, null, false, "127.0.0.1"))) {
      String past = get(s.httpPort(), "/api/topology/hosts?timestamp=" + beforeRestart);
      assertThat(past).contains("t0-host-0;<host>").contains("t0-host-2;<host>");
    }
  }

  @Test
  void aRedisPortTakenByAServerThisDataDirectoryDidNotStartIsRefusedWithTheWayOut() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Standalone.start(
              new StandaloneOptions(data, false, 1, "default", 0, 0, 0, 0, port, null, false, "127.0.0.1")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Redis port " + port)
          .hasMessageContaining("--redis-url redis://localhost:" + port);
    }
  }

  private static KafkaProducer<String, byte[]> producer(Standalone s) {
    return new KafkaProducer<>(Map.of("bootstrap.servers", s.kafkaBootstrapServers(), "acks", "all"),
        new StringSerializer(), new ByteArraySerializer());
  }

  /** What a probe sends when a container starts: a shortcut report with just that container. */
  private static ProducerRecord<String, byte[]> shortcut(String host, String containerId) {
    long now = System.currentTimeMillis() * 1_000_000L;
    Node c = Node.of(containerId + ";<container>", "container")
        .withLatest("docker_container_id", now, containerId)
        .withLatest("docker_container_name", now, containerId)
        .withLatest("docker_container_state", now, "running")
        .withLatest("host_node_id", now, host + ";<host>");
    Report r = Report.builder().shortcut(true).ts(now)
        .topology(TopologyType.CONTAINER, TopologyType.CONTAINER.defaultTopology().withNode(c)).build();
    ProducerRecord<String, byte[]> record = new ProducerRecord<>("scope.reports", "default",
        ReportCodec.encode(r, ReportFormat.MSGPACK_GZIP));
    record.headers().add(WireHeaders.ORG_ID, "default".getBytes(StandardCharsets.UTF_8));
    record.headers().add(WireHeaders.PROBE_ID, "e2e".getBytes(StandardCharsets.UTF_8));
    record.headers().add(WireHeaders.CONTENT_TYPE, "application/msgpack".getBytes(StandardCharsets.UTF_8));
    record.headers().add(WireHeaders.CONTENT_ENCODING, "gzip".getBytes(StandardCharsets.UTF_8));
    return record;
  }

  /** A WebSocket client (the JDK's) collecting text frames. */
  static final class Frames implements WebSocket.Listener, AutoCloseable {
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;

    Frames(int port, String path) {
      socket = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + path), this).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        queue.add(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    String next(Duration within) throws InterruptedException {
      String f = queue.poll(within.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(f).as("a frame within %s", within).isNotNull();
      return f;
    }

    String until(Predicate<String> p, Duration within) throws InterruptedException {
      long deadline = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < deadline) {
        String f = queue.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
        if (f != null && p.test(f)) {
          return f;
        }
      }
      throw new AssertionError("no matching frame within " + within);
    }

    @Override
    public void close() {
      socket.abort();
    }
  }
}
