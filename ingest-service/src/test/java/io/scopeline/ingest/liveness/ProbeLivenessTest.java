package io.scopeline.ingest.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.ingest.config.LivenessProperties;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProbeLivenessTest {
  private static final long WINDOW = 3_000_000_000L;
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final ProbeLiveness liveness = new ProbeLiveness(new LivenessProperties(Duration.ofSeconds(3), 3,
      Duration.ofSeconds(5), Duration.ofSeconds(1), 0.3, 4, 3, Duration.ofHours(1)), clock::get);

  private void advance(Duration d) {
    clock.addAndGet(d.toMillis());
  }

  @Test
  void aProbeSilentForThreeIntervalsTurnsNodataAndItsNextReportTurnsItOk() {
    liveness.reportSeen("acme", "p1", WINDOW);
    advance(Duration.ofSeconds(8));
    assertThat(liveness.check().events()).isEmpty();
    advance(Duration.ofSeconds(2));
    var events = liveness.check().events();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo(ProbeStatusEvent.PROBE_STATUS);
      assertThat(e.status()).isEqualTo(ProbeStatusEvent.NODATA);
      assertThat(e.probe()).isEqualTo("p1");
    });
    assertThat(liveness.check().events()).as("reported once").isEmpty();
    ProbeStatusEvent back = liveness.reportSeen("acme", "p1", WINDOW);
    assertThat(back.status()).isEqualTo(ProbeStatusEvent.OK);
  }

  @Test
  void theMinimumSilenceAppliesToFastProbes() {
    liveness.reportSeen("acme", "fast", 100_000_000L);
    advance(Duration.ofSeconds(4));
    assertThat(liveness.check().events()).isEmpty();
    advance(Duration.ofSeconds(2));
    assertThat(liveness.check().events()).hasSize(1);
  }

  @Test
  void manyProbesOfSeveralTenantsSilentAtOnceIsOnePipelineStallWithoutPerProbeAlarms() {
    for (int i = 0; i < 12; i++) {
      liveness.reportSeen("t" + (i % 3), "p" + i, WINDOW);
    }
    advance(Duration.ofSeconds(20));
    var events = liveness.check().events();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo(ProbeStatusEvent.PIPELINE_STALL);
      assertThat(e.tenant()).as("the whole pipeline").isEmpty();
      assertThat(e.silentProbes()).isEqualTo(12);
      assertThat(e.totalProbes()).isEqualTo(12);
    });
    assertThat(liveness.reportSeen("t0", "p3", WINDOW)).as("recovery after a stall is quiet").isNull();
  }

  @Test
  void oneTenantThatIsMostOfTheFleetGoingSilentDoesNotSuppressAnotherTenantsAlarm() {
    for (int i = 0; i < 10; i++) {
      liveness.reportSeen("big", "p" + i, WINDOW);
    }
    liveness.reportSeen("small", "only", WINDOW);
    advance(Duration.ofSeconds(20));
    var events = liveness.check().events();
    assertThat(events).hasSize(2);
    assertThat(events).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(ProbeStatusEvent.PIPELINE_STALL);
      assertThat(e.tenant()).isEqualTo("big");
      assertThat(e.silentProbes()).isEqualTo(10);
    });
    assertThat(events).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(ProbeStatusEvent.PROBE_STATUS);
      assertThat(e.tenant()).isEqualTo("small");
      assertThat(e.status()).isEqualTo(ProbeStatusEvent.NODATA);
    });
  }

  @Test
  void oneTenantStallingIsReportedForThatTenantWhileOthersStayQuiet() {
    for (int i = 0; i < 5; i++) {
      liveness.reportSeen("stalled", "s" + i, WINDOW);
    }
    for (int i = 0; i < 20; i++) {
      liveness.reportSeen("healthy", "h" + i, WINDOW);
    }
    advance(Duration.ofSeconds(20));
    for (int i = 0; i < 20; i++) {
      liveness.reportSeen("healthy", "h" + i, WINDOW);
    }
    var events = liveness.check().events();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo(ProbeStatusEvent.PIPELINE_STALL);
      assertThat(e.tenant()).isEqualTo("stalled");
    });
  }

  @Test
  void aFewSilentProbesOfManyAreReportedOneByOne() {
    for (int i = 0; i < 10; i++) {
      liveness.reportSeen("acme", "p" + i, WINDOW);
    }
    advance(Duration.ofSeconds(20));
    for (int i = 2; i < 10; i++) {
      liveness.reportSeen("acme", "p" + i, WINDOW);
    }
    var events = liveness.check().events();
    assertThat(events).hasSize(2).allSatisfy(e -> assertThat(e.type()).isEqualTo(ProbeStatusEvent.PROBE_STATUS));
    assertThat(events.get(0).toJson()).contains("\"status\":\"nodata\"").contains("\"tenant\":\"acme\"");
  }

  @Test
  void probesOfTenantsWhosePartitionsMovedAwayAreForgottenNotReportedSilent() {
    for (String p : new String[] {"p1", "p2", "p3", "p4"}) {
      liveness.reportSeen("moved", p, WINDOW);
    }
    liveness.reportSeen("stays", "q1", WINDOW);
    liveness.forgetTenants(java.util.Set.of("moved"));
    advance(Duration.ofSeconds(20));
    var events = liveness.check().events();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.tenant()).isEqualTo("stays");
      assertThat(e.status()).isEqualTo(ProbeStatusEvent.NODATA);
    });
  }

  @Test
  void probesAdoptedFromTheStatusTableAreReportedWhenTheyStaySilent() {
    long now = clock.get();
    liveness.reportSeen("acme", "fresh", WINDOW);
    // Taken over after a rebalance: last seen 4 s ago by the previous owner, then nothing.
    liveness.adopt("acme", "handed-over", false, now - 4_000, 3_000);
    liveness.adopt("acme", "fresh", true, now - 60_000, 3_000); // already tracked here: ignored
    liveness.adopt("acme", "ancient", false, now - Duration.ofDays(2).toMillis(), 3_000); // forgotten long ago
    advance(Duration.ofSeconds(6));
    liveness.reportSeen("acme", "fresh", WINDOW);
    var events = liveness.check().events();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.probe()).isEqualTo("handed-over");
      assertThat(e.status()).isEqualTo(ProbeStatusEvent.NODATA);
    });
  }

  @Test
  void statusRowsRoundTripWhateverTheHostNameHoldsAndGarbageReadsAsNoRow() {
    var row = new io.scopeline.keys.ProbeStatusRow("nodata", 1795311568000L, 3000, "web \"01\"\n\\x");
    assertThat(io.scopeline.keys.ProbeStatusRow.parse(row.toJson())).isEqualTo(row);
    assertThat(io.scopeline.keys.ProbeStatusRow.parse("{\"status\":\"ok\",\"lastSeen\":1795311568000}"))
        .isEqualTo(new io.scopeline.keys.ProbeStatusRow("ok", 1795311568000L, 0, ""));
    assertThat(io.scopeline.keys.ProbeStatusRow.parse("{\"status\":\"ok\"")).isNull();
    assertThat(io.scopeline.keys.ProbeStatusRow.parse("not json")).isNull();
  }

  @Test
  void probeIdsAreLoggedWithTheirControlCharactersEscaped() {
    assertThat(LivenessMonitor.forLog("p1\nINFO forged line")).isEqualTo("\"p1\\u000aINFO forged line\"")
        .doesNotContain("\n");
  }

  @Test
  void theStatusTableLearnsTheProbesHostName() {
    liveness.reportSeen("acme", "p1", WINDOW, "web-01");
    liveness.reportSeen("acme", "p1", WINDOW, null); // a delta without the host's name
    assertThat(liveness.check().changed()).singleElement()
        .satisfies(s -> assertThat(s.hostname()).isEqualTo("web-01"));
    advance(Duration.ofSeconds(20));
    assertThat(liveness.check().changed()).singleElement().satisfies(s -> {
      assertThat(s.status()).isEqualTo(ProbeStatusEvent.NODATA);
      assertThat(s.hostname()).isEqualTo("web-01");
    });
  }

  @Test
  void statusEventsAreJsonThatKeepsWhateverTheProbeIdHolds() {
    String probe = "p\"1\\\n\u0001x";
    var stall = new ProbeStatusEvent(ProbeStatusEvent.PIPELINE_STALL, "acme", probe, ProbeStatusEvent.NODATA, 1, 2, 3, 4);
    var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(stall.toJson());
    assertThat(json.get("probe").asString()).isEqualTo(probe);
    assertThat(json.get("type").asString()).isEqualTo("pipeline-stall");
    assertThat(json.get("lastSeen").asLong()).isEqualTo(1);
    assertThat(json.get("silentProbes").asInt()).isEqualTo(3);
    assertThat(json.get("totalProbes").asInt()).isEqualTo(4);
  }

  @Test
  void probesSilentPastForgetAfterAreDroppedAndSaidToBeSoTheirTableRowsGoToo() {
    liveness.reportSeen("gone-tenant", "p1", WINDOW);
    liveness.reportSeen("busy-tenant", "p2", WINDOW);
    advance(Duration.ofMinutes(59));
    liveness.reportSeen("busy-tenant", "p2", WINDOW);
    advance(Duration.ofMinutes(2));
    var result = liveness.check();
    assertThat(result.forgotten()).containsExactly(new ProbeLiveness.Forgotten("gone-tenant", "p1"));
    assertThat(liveness.trackedTenants()).containsExactly("busy-tenant");
    assertThat(liveness.check().forgotten()).as("said once").isEmpty();
  }
}
