package io.scopeline.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.keys.TenantId;
import io.scopeline.testsupport.Poses;
import io.scopeline.testsupport.Poses.Case;
import io.scopeline.testsupport.Poses.Pose;
import io.scopeline.testsupport.RawHttp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.test.context.TestPropertySource;

/**
 * Every public endpoint of the query service against each way of posing as someone else: no
 * credentials, another tenant's key, a forged or doubled tenant header, a foreign Origin, a
 * foreign Host. Each is refused with its status, and nothing of the victim tenant ever appears.
 * Requests go over raw HTTP/1.1 so headers are exactly what an attacker sends.
 */
@TestPropertySource(properties = {
    // The test client is on loopback: here loopback is not a trusted gateway.
    "scopeline.security.tenants.trusted-proxies=192.0.2.1/32",
    "scopeline.security.allowed-hosts=127.0.0.1",
    "scopeline.security.tenants.api-keys.victim-key=victim-tenant:operator",
    "scopeline.security.tenants.api-keys.attacker-key=attacker-tenant:operator"})
class SecurityMatrixTest extends QueryTestBase {
  private static final TenantId VICTIM = TenantId.of("victim-tenant");
  private static final String SECRET = "victim-host";

  /** An endpoint; {@code socket}: a WebSocket handshake; {@code reads}: answers with the tenant's data. */
  record Endpoint(String method, String path, boolean socket, boolean reads) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }



  static final List<Endpoint> ENDPOINTS = List.of(
      new Endpoint("GET", "/api/topology", false, true),
      new Endpoint("GET", "/api/topology/hosts", false, true),
      new Endpoint("GET", "/api/topology/hosts/vhost%3B%3Chost%3E", false, true),
      new Endpoint("GET", "/api/report", false, true),
      new Endpoint("GET", "/api/topology/hosts/vhost%3B%3Chost%3E/neighbours?depth=2", false, true),
      new Endpoint("GET", "/api/topology/hosts/export?format=dot", false, true),
      new Endpoint("GET", "/api/lookup?name=" + SECRET, false, true),
      new Endpoint("GET", "/api/probes", false, false),
      new Endpoint("GET", "/api/history", false, false),
      new Endpoint("GET", "/api/topology/hosts/diff?from=2026-01-01T00:00:00Z", false, true),
      new Endpoint("GET", "/api/topology/hosts/edges?window=1h", false, false),
      new Endpoint("POST", "/api/control/probe-1/node-1/docker_stop_container", false, false),
      new Endpoint("GET", "/api/pipe/pipe-1/check", false, false),
      new Endpoint("DELETE", "/api/pipe/pipe-1", false, false),
      new Endpoint("GET", "/api/topology/hosts/ws?t=1s", true, true),
      new Endpoint("GET", "/api/pipe/pipe-1", true, false),
      new Endpoint("GET", "/api/control/ws", true, false));

  static final List<Pose> POSES = List.of(
      new Pose("no credentials", List.of(), 401),
      new Pose("forged tenant header", List.<String[]>of(new String[] {"X-Scope-OrgID", "victim-tenant"}), 401),
      new Pose("two tenant headers", List.of(new String[] {"X-Scope-OrgID", "attacker-tenant"},
          new String[] {"X-Scope-OrgID", "victim-tenant"}, new String[] {"Authorization", "Bearer attacker-key"}), 400),
      new Pose("another tenant's key", List.<String[]>of(new String[] {"Authorization", "Bearer attacker-key"}), 0),
      new Pose("another tenant's key naming the victim", List.of(new String[] {"Authorization", "Bearer attacker-key"},
          new String[] {"X-Scope-OrgID", "victim-tenant"}), 401),
      new Pose("the victim's key from a foreign Origin", List.of(new String[] {"Authorization", "Bearer victim-key"},
          new String[] {"Origin", "https://evil.example"}), 403),
      new Pose("the victim's key to a foreign Host", List.of(new String[] {"Authorization", "Bearer victim-key"},
          new String[] {"Host", "rebind.evil.example"}), 403));

  static List<Case<Endpoint>> cases() {
    return Poses.cases(ENDPOINTS, POSES);
  }

  @BeforeEach
  void victimHasData() {
    // Stored afresh for each case, so it is in the window however long the matrix runs.
    long now = now();
    // The secret is the host's name, never in a request: an echoed path proves nothing.
    io.scopeline.model.Node n = io.scopeline.model.Node.of("vhost;<host>", "host").withLatest("host_name", now, SECRET);
    store(VICTIM, now - 1_000_000_000L, 0, io.scopeline.model.Report.builder().id("victim").ts(now)
        .windowNanos(3_000_000_000L).topology(io.scopeline.model.TopologyType.HOST,
            io.scopeline.model.TopologyType.HOST.defaultTopology().withNode(n)).build());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusedAndNothingOfTheVictimAppears(Case<Endpoint> c) throws Exception {
    RawHttp.Answer a = send(c.endpoint(), c.pose().headers());
    if (c.pose().status() != 0) {
      assertThat(a.status()).as(a.head()).isEqualTo(c.pose().status());
    } else if (c.endpoint().reads()) {
      // Served as the caller's own tenant: its data, or no such node (404).
      assertThat(a.status()).as(a.head()).isIn(200, 101, 404);
    }
    assertThat(a.text()).as("nothing of the victim").doesNotContain(SECRET);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("readers")
  void theVictimsOwnKeyReadsItsData(Endpoint e) throws Exception {
    RawHttp.Answer a = send(e, List.<String[]>of(new String[] {"Authorization", "Bearer victim-key"}));
    assertThat(a.text()).as("the matrix would prove nothing without the victim's data").contains(SECRET);
  }

  static List<Endpoint> readers() {
    // /api/topology lists stats only, so it never names a node.
    return ENDPOINTS.stream().filter(e -> e.reads() && !e.path().equals("/api/topology")).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unexposed")
  void internalAndManagementEndpointsAreNotOnThePublicPort(String path) throws Exception {
    RawHttp.Answer a = send(new Endpoint("GET", path, false, false),
        List.<String[]>of(new String[] {"Authorization", "Bearer victim-key"}));
    assertThat(a.status()).as(a.head()).isEqualTo(404);
  }

  static List<String> unexposed() {
    return List.of("/internal/quantum?tenant=victim-tenant&key=x", "/actuator/health", "/actuator/prometheus",
        "/actuator/env");
  }

  private RawHttp.Answer send(Endpoint e, List<String[]> headers) throws Exception {
    List<String[]> all = new ArrayList<>(headers);
    if (e.path().equals("/api/control/ws")) {
      all.add(new String[] {"X-Scope-Probe-ID", "probe-1"}); // as a probe connects
    }
    return RawHttp.send(port, e.method(), e.path(), all, e.socket());
  }
}
