package io.scopeline.query.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scopeline.codec.WireHeaders;
import io.scopeline.control.ControlWire;
import io.scopeline.embedded.FreePorts;
import io.scopeline.query.QueryApplication;
import io.scopeline.simulator.ProbeControlClient;
import io.scopeline.simulator.ShellPipe;
import io.scopeline.testsupport.SharedInfrastructure;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two query replicas on the shared Redis: a probe speaking Scope's control protocol holds its
 * control socket on replica A, and a browser on replica B sends it control requests and types into
 * a real shell through a pipe.
 */
@ExtendWith(SharedInfrastructure.class)
class ControlsAcrossReplicasTest {
  private static final List<ConfigurableApplicationContext> replicas = new ArrayList<>();
  private static URI a;
  private static URI b;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String tenant = "ctl-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
  private final List<Process> shells = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startReplicas() {
    for (int i = 0; i < 2; i++) {
      int port = FreePorts.pick();
      Map<String, Object> p = new HashMap<>(SharedInfrastructure.get().springProperties());
      p.put("server.port", port);
      p.put("management.server.port", port);
      p.put("spring.config.name", "control-replica");
      p.put("server.shutdown", "immediate");
      p.put("scopeline.control.timeout", "5s");
      replicas.add(new SpringApplicationBuilder(QueryApplication.class).properties(p).run());
      URI base = URI.create("http://127.0.0.1:" + port);
      if (i == 0) {
        a = base;
      } else {
        b = base;
      }
    }
  }

  @AfterAll
  static void stopReplicas() {
    replicas.forEach(ConfigurableApplicationContext::close);
  }

  private Map<String, String> tenantHeader() {
    return Map.of(WireHeaders.ORG_ID, tenant);
  }

  /** A probe on replica A: echoes its arguments, fails on request, and opens a shell for exec. */
  private ProbeControlClient probe(String probeId) {
    return new ProbeControlClient(http, a, probeId, tenantHeader(), r -> switch (r.control()) {
      case "echo" -> new ControlWire.Response(ControlWire.tree(ControlWire.write(
          Map.of("node", r.nodeId(), "args", r.args() == null ? Map.of() : r.args(), "app", r.appId()))),
          null, null, false, null, null);
      case "fail" -> ControlWire.Response.failure("container " + r.nodeId() + " is not running");
      case "exec" -> {
        String pipe = "pipe-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        shells.add(ShellPipe.open(http, a, pipe, tenantHeader(), List.of("/bin/sh")).join());
        yield ControlWire.Response.ofPipe(pipe, false, null);
      }
      default -> ControlWire.Response.failure("unknown control " + r.control());
    }, Duration.ofMillis(200)).start();
  }

  private HttpResponse<String> post(URI base, String path, String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).header(WireHeaders.ORG_ID, tenant)
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(URI base, String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).header(WireHeaders.ORG_ID, tenant)
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String control(String probe, String node, String control) {
    return "/api/control/" + probe + "/" + URLEncoder.encode(node, StandardCharsets.UTF_8).replace("+", "%20")
        + "/" + control;
  }

  /** The browser's end of a pipe: collects what arrives and notes when it is closed. */
  private static final class Terminal implements WebSocket.Listener {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();

    @Override
    public synchronized CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      received.writeBytes(bytes);
      ws.request(1);
      return null;
    }

    synchronized String text() {
      return received.toString(StandardCharsets.UTF_8);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      closed.complete(status);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.completeExceptionally(error);
    }
  }

  private CompletableFuture<WebSocket> openTerminal(URI base, String pipe, Terminal terminal) {
    return http.newWebSocketBuilder().header(WireHeaders.ORG_ID, tenant)
        .buildAsync(ProbeControlClient.webSocketUri(base, "/api/pipe/" + pipe), terminal);
  }

  @Test
  void aProbeOnOneReplicaServesControlsAndAShellToABrowserOnTheOther() throws Exception {
    try (ProbeControlClient probe = probe("a1b2c3")) {
      String node = "4f3e2d;<container>";
      // The probe's socket is registered a moment after it opens.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        HttpResponse<String> r = post(b, control("a1b2c3", node, "echo"), "{\"width\":\"80\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      });
      HttpResponse<String> echoed = post(b, control("a1b2c3", node, "echo"), "{\"width\":\"80\"}");
      Map<?, ?> value = (Map<?, ?>) new tools.jackson.databind.json.JsonMapper().readValue(echoed.body(), Map.class)
          .get("value");
      assertThat(value.get("node")).isEqualTo(node);
      assertThat(value.get("args")).isEqualTo(Map.of("width", "80"));
      assertThat(value.get("app")).as("the app id of the replica the request came to, as Scope sends it")
          .isEqualTo(new tools.jackson.databind.json.JsonMapper().readValue(
              http.send(HttpRequest.newBuilder(b.resolve("/api")).header(WireHeaders.ORG_ID, tenant).build(),
                  HttpResponse.BodyHandlers.ofString()).body(), Map.class).get("id"));
      assertThat(post(a, control("a1b2c3", node, "echo"), null).statusCode()).as("on the probe's own replica")
          .isEqualTo(200);

      HttpResponse<String> failed = post(b, control("a1b2c3", node, "fail"), null);
      assertThat(failed.statusCode()).isEqualTo(400);
      assertThat(failed.body()).isEqualTo("\"container 4f3e2d;<container> is not running\"");

      HttpResponse<String> exec = post(b, control("a1b2c3", node, "exec"), null);
      assertThat(exec.statusCode()).as(exec.body()).isEqualTo(200);
      String pipe = (String) new tools.jackson.databind.json.JsonMapper().readValue(exec.body(), Map.class)
          .get("pipe");
      assertThat(send(b, "GET", "/api/pipe/" + pipe + "/check").statusCode()).isEqualTo(204);

      Terminal terminal = new Terminal();
      WebSocket ui = openTerminal(b, pipe, terminal).join();
      ui.sendBinary(ByteBuffer.wrap("echo hello-$((6*7))\n".getBytes(StandardCharsets.UTF_8)), true).join();
      await().atMost(Duration.ofSeconds(20)).until(() -> terminal.text().contains("hello-42"));

      // Closing from the browser's replica ends the shell on the probe's side and refuses the pipe from then on.
      assertThat(send(b, "DELETE", "/api/pipe/" + pipe).statusCode()).isEqualTo(200);
      assertThat(terminal.closed.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1000);
      await().atMost(Duration.ofSeconds(20)).until(() -> shells.stream().noneMatch(Process::isAlive));
      HttpResponse<String> check = send(a, "GET", "/api/pipe/" + pipe + "/check");
      assertThat(check.statusCode()).isEqualTo(404);
      assertThat(check.body()).contains("closed");
      assertThat(handshakeStatus(openTerminal(b, pipe, new Terminal()))).isEqualTo(404);
    }
  }

  @Test
  void aShellThatExitsClosesTheBrowsersEnd() throws Exception {
    try (ProbeControlClient probe = probe("e5e5e5")) {
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(post(b, control("e5e5e5", "n", "exec"), null).statusCode()).isEqualTo(200));
      HttpResponse<String> exec = post(b, control("e5e5e5", "n", "exec"), null);
      String pipe = (String) new tools.jackson.databind.json.JsonMapper().readValue(exec.body(), Map.class)
          .get("pipe");
      Terminal terminal = new Terminal();
      WebSocket ui = openTerminal(b, pipe, terminal).join();
      ui.sendBinary(ByteBuffer.wrap("echo bye; exit\n".getBytes(StandardCharsets.UTF_8)), true).join();
      assertThat(terminal.closed).as(() -> "the browser's end after the shell exited; it received: " + terminal.text())
          .succeedsWithin(Duration.ofSeconds(20)).isEqualTo(1000);
      assertThat(terminal.text()).contains("bye");
      assertThat(send(b, "GET", "/api/pipe/" + pipe + "/check").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void requestsThatCannotBeServedAreRefusedWithTheReason() throws Exception {
    HttpResponse<String> absent = post(b, control("0000aa", "n", "echo"), null);
    assertThat(absent.statusCode()).isEqualTo(400);
    assertThat(absent.body()).isEqualTo("\"probe 0000aa is not connected right now\"");

    try (ProbeControlClient probe = probe("b0b0b0")) {
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(post(b, control("b0b0b0", "n", "echo"), null).statusCode()).isEqualTo(200));
      HttpResponse<String> badArgs = post(b, control("b0b0b0", "n", "echo"), "{\"width\":80}");
      assertThat(badArgs.statusCode()).isEqualTo(400);
      assertThat(badArgs.body()).contains("width must be a string");
      assertThat(post(b, control("b0b0b0", "n", "echo"), "not json").body()).contains("not JSON");
    }
    // The probe went away: its replica no longer takes requests for it.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(post(b, control("b0b0b0", "n", "echo"), null).body()).contains("not connected right now"));

    assertThat(handshakeStatus(http.newWebSocketBuilder().header(WireHeaders.ORG_ID, tenant)
        .buildAsync(ProbeControlClient.webSocketUri(a, "/api/control/ws"), new Terminal()))).isEqualTo(400);
    HttpResponse<String> noProbeId = send(a, "GET", "/api/control/ws");
    assertThat(noProbeId.statusCode()).isEqualTo(400);
    assertThat(noProbeId.body()).contains(ControlWire.PROBE_ID_HEADER);
    assertThat(send(b, "GET", "/api/pipe/not%20an%20id/check").statusCode()).isEqualTo(400);
    assertThat(send(b, "GET", "/api/pipe/never-opened/check").statusCode())
        .as("a pipe not yet opened may still be (Scope answers the same)").isEqualTo(204);
  }

  private static int handshakeStatus(CompletableFuture<WebSocket> opening) {
    try {
      opening.join();
      return 101;
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw e;
    }
  }
}
