package io.scopeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import io.scopeline.testsupport.Poses;
import io.scopeline.testsupport.Poses.Case;
import io.scopeline.testsupport.Poses.Pose;
import io.scopeline.testsupport.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.test.context.TestPropertySource;

/**
 * The probe side of the security suite: every endpoint of the ingest bridge against each way of
 * posing as another tenant. Each is refused with its status, and no report it carried ever lands
 * in the victim tenant's storage.
 */
@TestPropertySource(properties = {
    "scopeline.security.tenants.trusted-proxies=192.0.2.1/32",
    "scopeline.security.allowed-hosts=127.0.0.1",
    "scopeline.bridge.default-tenant=",
    "scopeline.bridge.probe-tokens.victim-token=bridge-victim",
    "scopeline.bridge.probe-tokens.attacker-token=bridge-attacker"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestSecurityMatrixTest extends IngestTestBase {
  private static final TenantId VICTIM = TenantId.of("bridge-victim");
  private static final AtomicInteger POSTED = new AtomicInteger();

  record Endpoint(String method, String path, boolean socket) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }



  static final List<Endpoint> ENDPOINTS = List.of(new Endpoint("POST", "/api/report", false),
      new Endpoint("GET", "/api/control/ws", true), new Endpoint("GET", "/api/pipe/pipe-1/probe", true));

  static final List<Pose> POSES = List.of(
      new Pose("no credentials", List.of(), 401),
      new Pose("forged tenant header", List.<String[]>of(Poses.header("X-Scope-OrgID", "bridge-victim")), 401),
      new Pose("two tenant headers", List.of(Poses.header("X-Scope-OrgID", "bridge-attacker"),
          Poses.header("X-Scope-OrgID", "bridge-victim"), Poses.header("Authorization", "Scope-Probe token=attacker-token")),
          400),
      new Pose("another tenant's token naming the victim",
          List.of(Poses.header("Authorization", "Scope-Probe token=attacker-token"),
              Poses.header("X-Scope-OrgID", "bridge-victim")), 401),
      new Pose("a guessed token", List.<String[]>of(Poses.header("Authorization", "Scope-Probe token=guessed")), 401),
      new Pose("the victim's token from a foreign Origin",
          List.of(Poses.header("Authorization", "Scope-Probe token=victim-token"),
              Poses.header("Origin", "https://evil.example")), 403),
      new Pose("the victim's token to a foreign Host",
          List.of(Poses.header("Authorization", "Scope-Probe token=victim-token"),
              Poses.header("Host", "rebind.evil.example")), 403));

  static List<Case<Endpoint>> cases() {
    return Poses.cases(ENDPOINTS, POSES);
  }

  private static byte[] report(String host) {
    long now = now();
    return ReportCodec.encode(Report.builder().id(host).ts(now).windowNanos(3_000_000_000L).topology(TopologyType.HOST,
        TopologyType.HOST.defaultTopology().withNode(Node.of(host + ";<host>", "host")
            .withLatest("host_name", now, host))).build(), ReportFormat.JSON);
  }

  private RawHttp.Answer send(Endpoint e, List<String[]> headers, String host) throws Exception {
    List<String[]> all = new ArrayList<>(headers);
    all.add(Poses.header("X-Scope-Probe-ID", "probe-" + host));
    if (e.socket()) {
      return RawHttp.send(port, e.method(), e.path(), all, true);
    }
    all.add(Poses.header("Content-Type", "application/json"));
    return RawHttp.send(port, e.method(), e.path(), all, false, report(host));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refused(Case<Endpoint> c) throws Exception {
    String host = "posed-" + POSTED.incrementAndGet();
    RawHttp.Answer a = send(c.endpoint(), c.pose().headers(), host);
    assertThat(a.status()).as(a.head()).isEqualTo(c.pose().status());
  }

  @Test
  void theVictimsOwnTokenIsServed() throws Exception {
    List<String[]> victim = List.<String[]>of(Poses.header("Authorization", "Scope-Probe token=victim-token"));
    assertThat(send(ENDPOINTS.get(0), victim, "legit-host").status()).isBetween(200, 299);
    assertThat(send(ENDPOINTS.get(1), victim, "legit-host").status()).isEqualTo(101);
  }

  @AfterAll
  void nothingPosedLandedInTheVictimsStorage() throws Exception {
    // The victim's own report is stored after everything the poses sent went through the bridge.
    send(ENDPOINTS.get(0), List.<String[]>of(Poses.header("Authorization", "Scope-Probe token=victim-token")), "last-legit-host");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(stored.hostIds(VICTIM))
        .contains("last-legit-host;<host>"));
    assertThat(stored.hostIds(VICTIM)).noneMatch(id -> id.startsWith("posed-"));
  }
}
