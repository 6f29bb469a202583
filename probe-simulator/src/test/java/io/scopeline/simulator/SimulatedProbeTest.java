package io.scopeline.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.model.Report;
import io.scopeline.model.Reports;
import io.scopeline.model.TopologyType;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedProbeTest {
  private static final long T0 = 1_795_311_568_000_000_000L;
  private static final long PUBLISH = 3_000_000_000L;

  private static SimulatedProbe probe(double churn) {
    return new SimulatedProbe(new SimulatedProbe.Spec("host-1", 1, 6, 3, 5, churn, 42), T0);
  }

  @Test
  void publishesAFullReportEveryThirdTimeAndSmallerDeltasBetween() {
    SimulatedProbe p = probe(0);
    Report full = p.publish(T0, PUBLISH);
    Report delta1 = p.publish(T0 + PUBLISH, PUBLISH);
    Report delta2 = p.publish(T0 + 2 * PUBLISH, PUBLISH);
    Report full2 = p.publish(T0 + 3 * PUBLISH, PUBLISH);
    assertThat(full.topology(TopologyType.HOST).nodes().get("host-1;<host>").topology()).isEqualTo("host");
    assertThat(delta1.topology(TopologyType.HOST).nodes().get("host-1;<host>").topology()).as("delta node").isEmpty();
    assertThat(full2.topology(TopologyType.HOST).nodes().get("host-1;<host>").topology()).isEqualTo("host");
    assertThat(full.windowNanos()).isEqualTo(PUBLISH);
    assertThat(ReportCodec.encode(delta1, ReportFormat.MSGPACK).length)
        .isLessThan(ReportCodec.encode(full, ReportFormat.MSGPACK).length);
    assertThat(delta2.topology(TopologyType.CONTAINER_IMAGE).nodes().isEmpty()).as("unchanged, no metrics").isTrue();
  }

  @Test
  void fullThenDeltasMergeToTheCurrentStateWithoutPartMergedNodes() {
    SimulatedProbe p = probe(0);
    Report full = p.publish(T0, PUBLISH);
    Report delta = p.publish(T0 + PUBLISH, PUBLISH);
    Report merged = Reports.merge(List.of(full, delta));
    assertThat(merged.withoutPartMergedNodes().nodeCount()).isEqualTo(merged.nodeCount());
    Report current = p.fullReport(T0 + PUBLISH, PUBLISH);
    for (TopologyType type : TopologyType.all()) {
      assertThat(merged.topology(type).nodes().size()).as(type.wireKey())
          .isEqualTo(current.topology(type).nodes().size());
    }
    assertThat(merged.topology(TopologyType.HOST).nodes().get("host-1;<host>").latest().get("uptime"))
        .isEqualTo(current.topology(TopologyType.HOST).nodes().get("host-1;<host>").latest().get("uptime"));
  }

  @Test
  void aContainerStateChangeEmitsAShortcutReportAtOnce() {
    SimulatedProbe p = probe(1.0);
    p.publish(T0, PUBLISH);
    List<Report> shortcuts = p.drainShortcuts();
    assertThat(shortcuts).singleElement().satisfies(r -> {
      assertThat(r.shortcut()).isTrue();
      assertThat(r.topology(TopologyType.CONTAINER).nodes().size()).isEqualTo(1);
    });
    assertThat(p.drainShortcuts()).isEmpty();
  }

  @Test
  void theSameSeedGivesTheSameReports() {
    assertThat(probe(0.5).publish(T0, PUBLISH)).isEqualTo(probe(0.5).publish(T0, PUBLISH));
  }

  @Test
  void reportsConnectToPeersAndTheInternetAndDecodeAsScopeReports() {
    Report full = probe(0).publish(T0, PUBLISH);
    var endpoints = full.topology(TopologyType.ENDPOINT).nodes();
    List<String> remotes = new java.util.ArrayList<>();
    endpoints.forEach((id, n) -> remotes.addAll(n.adjacency()));
    assertThat(remotes).anyMatch(r -> r.startsWith(";10.0.")).anyMatch(r -> r.startsWith(";93.184.216."));
    byte[] wire = ReportCodec.encode(full, ReportFormat.MSGPACK_GZIP);
    assertThat(ReportCodec.decode(wire, ReportFormat.MSGPACK_GZIP, io.scopeline.codec.ReportLimits.DEFAULT))
        .isEqualTo(full);
  }
}
