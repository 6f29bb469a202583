package io.scopeline.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.Reports;
import io.scopeline.model.TopologyType;
import io.scopeline.simulator.SimulatedProbe;
import io.scopeline.testsupport.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OIDC/JWT bearer tokens over real HTTP: who the caller is, and what a namespace-limited caller sees. */
class BearerTokenTest extends QueryTestBase {
  private static final TenantId TENANT = TenantId.of("token-tenant");
  /** Its own tenant: a window another test already reads would take the new quantum in only later. */
  private static final TenantId CLUSTER = TenantId.of("namespaced-tenant");

  /** Two simulated Kubernetes hosts whose pods are in the namespaces "shop" and "default". */
  private void storeCluster() {
    long now = now();
    List<Report> reports = new ArrayList<>();
    for (int h = 0; h < 2; h++) {
      SimulatedProbe probe = new SimulatedProbe(new SimulatedProbe.Spec("k8s-" + h, h, 6, 1, 2, 0, 7 + h, true),
          now - 10_000_000_000L);
      reports.add(probe.publish(now, 3_000_000_000L));
    }
    store(CLUSTER, now - 1_000_000_000L, 0, Reports.merge(reports));
  }

  private String get(String path, String token) {
    return http.get().uri(path).header("Authorization", "Bearer " + token).exchange()
        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
  }

  private Report report(String token) {
    byte[] body = http.get().uri("/api/report").header("Authorization", "Bearer " + token).exchange()
        .expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
    return ReportCodec.decode(body, ReportFormat.JSON, ReportLimits.DEFAULT);
  }

  /** Ids of the pods and containers of namespace {@code ns} in {@code r}. */
  private static List<String> idsIn(Report r, String ns) {
    List<String> out = new ArrayList<>();
    r.topology(TopologyType.POD).nodes().forEach((id, n) -> {
      if (ns.equals(n.latest().get("kubernetes_namespace"))) {
        out.add(id);
      }
    });
    r.topology(TopologyType.CONTAINER).nodes().forEach((id, n) -> {
      if (ns.equals(n.latest().get("docker_label_io.kubernetes.pod.namespace"))) {
        out.add(id);
      }
    });
    return out;
  }

  @Test
  void aNamespaceLimitedTokenSeesNothingOfOtherNamespaces() {
    storeCluster();
    String everything = TestTokens.token(Map.of("scopeline_tenants", CLUSTER.value()));
    String shopOnly = TestTokens.token(Map.of("scopeline_tenants", CLUSTER.value(),
        "scopeline_namespaces", List.of("shop")));

    Report all = report(everything);
    List<String> shop = idsIn(all, "shop");
    List<String> others = idsIn(all, "default");
    assertThat(shop).isNotEmpty();
    assertThat(others).as("the simulation puts pods in both namespaces").isNotEmpty();

    Report limited = report(shopOnly);
    assertThat(idsIn(limited, "shop")).containsExactlyInAnyOrderElementsOf(shop);
    assertThat(idsIn(limited, "default")).isEmpty();
    for (String view : List.of("pods", "containers", "containers-by-image", "containers-by-hostname",
        "kube-controllers", "services", "processes", "hosts")) {
      String body = get("/api/topology/" + view + "?system=all&stopped=both&pseudo=show", shopOnly);
      for (String id : others) {
        // Node ids, and edges to them, are keys and adjacency entries: the id never appears.
        assertThat(body).as(view + " hides " + id).doesNotContain(id.substring(0, id.indexOf(';')));
      }
    }
    assertThat(get("/api/topology/pods", everything)).contains(others.get(0).substring(0, others.get(0).indexOf(';')));
    assertThat(get("/api/topology", shopOnly)).doesNotContain("\"default\"");
  }

  @Test
  void aTokenProvesItsTenantsAndNothingElse() {
    long now = now();
    store(TENANT, now - 1_000_000_000L, 1, host("token-host", now));
    String token = TestTokens.token(Map.of("scopeline_tenants", TENANT.value()));
    assertThat(get("/api/topology/hosts", token)).contains("token-host;<host>");

    String otherTenant = TestTokens.token(Map.of("scopeline_tenants", "someone-else"));
    assertThat(get("/api/topology/hosts", otherTenant)).doesNotContain("token-host");
    http.get().uri("/api/topology/hosts").header("Authorization", "Bearer " + otherTenant)
        .header(io.scopeline.codec.WireHeaders.ORG_ID, TENANT.value()).exchange()
        .expectStatus().isUnauthorized().expectBody(String.class)
        .value(b -> assertThat(b).contains("does not grant").doesNotContain("token-host"));

    String expired = TestTokens.sign(TestTokens.builder(Map.of("scopeline_tenants", TENANT.value()))
        .expirationTime(Date.from(Instant.now().minus(Duration.ofHours(2)))).build(), true);
    String forged = TestTokens.sign(TestTokens.builder(Map.of("scopeline_tenants", TENANT.value())).build(), false);
    for (String bad : List.of(expired, forged)) {
      http.get().uri("/api/topology/hosts").header("Authorization", "Bearer " + bad).exchange()
          .expectStatus().isUnauthorized().expectBody(String.class)
          .value(b -> assertThat(b).contains("invalid bearer token").doesNotContain("token-host"));
    }
    // A viewer's token reads but does not act through probes.
    http.post().uri("/api/control/p/n/docker_stop_container").header("Authorization", "Bearer " + token).exchange()
        .expectStatus().isForbidden();
  }
}
