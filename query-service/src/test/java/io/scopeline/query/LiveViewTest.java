package io.scopeline.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scopeline.codec.WireHeaders;
import io.scopeline.keys.TenantId;
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
