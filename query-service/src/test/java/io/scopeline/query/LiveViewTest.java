package io.scopeline.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scopeline.codec.WireHeaders;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.Reports;
import io.scopeline.model.TopologyType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Live windows and shared frame streams on the real stores, through the real HTTP and WebSocket endpoints. */
class LiveViewTest extends QueryTestBase {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void aQuantumWhoseAnnouncementIsLostStillAppearsWhenTheWindowIsReconciled() {
    TenantId tenant = TenantId.of("lost-announcement");
    store(tenant, now() - 1_000_000_000L, 0, host("announced", now()));
    assertThat(getReport(tenant.value(), "").nodeCount()).isEqualTo(1);
    storeUnannounced(tenant, now() - 500_000_000L, 1, host("unannounced", now()));
    // Reconciled every 3 s here (reconcile-interval): it shows without any further announcement.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(getReport(tenant.value(), "")
        .topology(TopologyType.HOST).nodes().get("unannounced;<host>")).isNotNull());
  }

  @Test
  void anAnnouncedQuantumShowsBeforeTheNextReconcile() {
    TenantId tenant = TenantId.of("announced-tenant");
    assertThat(getReport(tenant.value(), "").nodeCount()).isZero();
    store(tenant, now() - 500_000_000L, 0, host("fresh", now()));
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(getReport(tenant.value(), "")
        .topology(TopologyType.HOST).nodes().get("fresh;<host>")).isNotNull());
  }

  @Test
  void watchersOfOneViewGetTheSameFramesAndANewWatchersResetEqualsTheTopologyAnswer() throws Exception {
    TenantId tenant = TenantId.of("shared-frames");
    store(tenant, now() - 1_000_000_000L, 0, host("one", now()));
    String path = "/api/topology/hosts/ws?t=1s";
    try (Watcher a = new Watcher(port, tenant.value(), path); Watcher b = new Watcher(port, tenant.value(), path)) {
      assertThat(a.next(Duration.ofSeconds(10))).contains("\"reset\":true").contains("one;<host>");
      assertThat(b.next(Duration.ofSeconds(10))).contains("\"reset\":true").contains("one;<host>");
      store(tenant, now() - 500_000_000L, 1, host("two", now()));
      String da = a.nextMatching(f -> f.contains("two;<host>"), Duration.ofSeconds(10));
      String db = b.nextMatching(f -> f.contains("two;<host>"), Duration.ofSeconds(10));
      assertThat(da).isEqualTo(db).doesNotContain("reset");
      // A watcher joining now starts from a full reset equal to what GET answers.
      try (Watcher c = new Watcher(port, tenant.value(), path)) {
        String reset = c.next(Duration.ofSeconds(10));
        assertThat(reset).contains("\"reset\":true");
        assertThat(nodesOf(reset)).isEqualTo(nodesOfGet(tenant, "/api/topology/hosts"));
      }
    }
  }

  @Test
  void aShortTickIsRefusedWithTheFloorAndExtraSocketsAreClosedWithTheLimit() throws Exception {
    http.get().uri("/api/topology/hosts/ws?t=1ns").header(WireHeaders.ORG_ID, "t").exchange()
        .expectStatus().isBadRequest().expectBody(String.class).value(b -> assertThat(b).contains("at least 100ms"));
    TenantId tenant = TenantId.of("capped-tenant");
    List<Watcher> open = new ArrayList<>();
    try {
      for (int i = 0; i < 12; i++) {
        open.add(new Watcher(port, tenant.value(), "/api/topology/hosts/ws?t=1s"));
      }
      for (Watcher w : open) {
        w.next(Duration.ofSeconds(10));
      }
      try (Watcher extra = new Watcher(port, tenant.value(), "/api/topology/hosts/ws?t=1s")) {
        var status = extra.closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(1013);
        assertThat(status.getReason()).contains("too many topology sockets for tenant capped-tenant (limit 12)");
      }
      // Another tenant is not affected by this one's limit.
      try (Watcher other = new Watcher(port, "uncapped-tenant", "/api/topology/hosts/ws?t=1s")) {
        assertThat(other.next(Duration.ofSeconds(10))).contains("\"reset\":true");
      }
    } finally {
      open.forEach(Watcher::close);
    }
    // Closed sockets give their places back.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      try (Watcher again = new Watcher(port, tenant.value(), "/api/topology/hosts/ws?t=1s")) {
        assertThat(again.next(Duration.ofSeconds(5))).contains("\"reset\":true");
      }
    });
  }

  @Test
  void aWatcherThatStopsReadingSkipsToTheLatestStateWithoutHoldingUpTheOthers() throws Exception {
    TenantId tenant = TenantId.of("slow-reader");
    store(tenant, now() - 1_000_000_000L, 0, hosts("slow-reader-host-", 300)); // a reset frame of ~0.9 MB
    String path = "/api/topology/hosts/ws?t=100ms";
    double skippedBefore = meters.counter("scopeline.query.ws.frames.skipped").count();
    try (RawSocket slow = RawSocket.open(port, tenant, path, 1024); Watcher fast = new Watcher(port, tenant.value(), path)) {
      fast.next(Duration.ofSeconds(10));
      // The slow socket reads nothing: the kernel's buffers (~2 MB on loopback) fill, and it falls
      // behind while the view changes (each change adds ~0.3 MB of nodes).
      for (int i = 0; i < 10; i++) {
        String added = "extra-" + i + "-0" + LONG + ";<host>";
        store(tenant, now() - 500_000_000L, 1 + i, hosts("extra-" + i + "-", 100));
        // The watcher that reads is not held up: it sees every change.
        fast.nextMatching(f -> f.contains(added), Duration.ofSeconds(10));
      }
      // When it reads again, a reset brings it to exactly the latest state...
      String reset = slow.nextTextMatching(f -> f.contains("\"reset\":true") && f.contains("extra-9-0" + LONG + ";<host>"),
          Duration.ofSeconds(20));
      assertThat(nodesOf(reset)).isEqualTo(nodesOfGet(tenant, "/api/topology/hosts"));
      // ...because it was not buffered frame by frame: it skipped them (counted once it moved on).
      assertThat(meters.counter("scopeline.query.ws.frames.skipped").count()).isGreaterThan(skippedBefore);
    }
  }

  /** Makes each host's summary ~3 KB, so that a few hundred fill a socket's buffers. */
  private static final String LONG = "-" + "x".repeat(1000);

  private static Report hosts(String prefix, int n) {
    List<Report> hosts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      hosts.add(host(prefix + i + LONG, now()));
    }
    return Reports.merge(hosts);
  }

  /** A WebSocket client on a plain socket, so that it can stop reading (and shrink its receive window). */
  private static final class RawSocket implements AutoCloseable {
    private final java.net.Socket socket;
    private final java.io.DataInputStream in;

    private RawSocket(java.net.Socket socket) throws java.io.IOException {
      this.socket = socket;
      this.in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
    }

    static RawSocket open(int port, TenantId tenant, String path, int receiveBuffer) throws java.io.IOException {
      java.net.Socket s = new java.net.Socket();
      s.setReceiveBufferSize(receiveBuffer); // before connecting, so the window is small from the start
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port));
      String handshake = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: c2xvdy1yZWFkZXIta2V5IQ==\r\nSec-WebSocket-Version: 13\r\n"
          + WireHeaders.ORG_ID + ": " + tenant.value() + "\r\n\r\n";
      s.getOutputStream().write(handshake.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      return new RawSocket(s);
    }

    /** Reads (after the handshake answer) until a text frame {@code p} accepts. */
    String nextTextMatching(java.util.function.Predicate<String> p, Duration within) throws java.io.IOException {
      socket.setSoTimeout((int) within.toMillis());
      if (!handshakeRead) {
        String line;
        while (!(line = readLine()).isEmpty()) {
          if (line.startsWith("HTTP/")) {
            assertThat(line).contains(" 101 ");
          }
        }
        handshakeRead = true;
      }
      long deadline = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < deadline) {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        // Server frames are not masked; text frames of this service are not fragmented.
        if ((b0 & 0x0f) == 1) {
          String text = new String(payload, java.nio.charset.StandardCharsets.UTF_8);
          if (p.test(text)) {
            return text;
          }
        }
      }
      throw new AssertionError("no matching frame within " + within);
    }

    private boolean handshakeRead;

    private String readLine() throws java.io.IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = in.read()) != '\n') {
        if (c < 0) {
          throw new java.io.EOFException("closed during the handshake");
        }
        if (c != '\r') {
          sb.append((char) c);
        }
      }
      return sb.toString();
    }

    @Override
    public void close() throws java.io.IOException {
      socket.close();
    }
  }

  /** Node id → summary of a reset frame. */
  private static Map<String, JsonNode> nodesOf(String reset) {
    Map<String, JsonNode> out = new TreeMap<>();
    JSON.readTree(reset).get("add").forEach(n -> out.put(n.get("id").asString(), n));
    return out;
  }

  private Map<String, JsonNode> nodesOfGet(TenantId tenant, String path) {
    String body = http.get().uri(path).header(WireHeaders.ORG_ID, tenant.value()).exchange().expectStatus().isOk()
        .expectBody(String.class).returnResult().getResponseBody();
    Map<String, JsonNode> out = new TreeMap<>();
    JSON.readTree(body).get("nodes").properties().forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
