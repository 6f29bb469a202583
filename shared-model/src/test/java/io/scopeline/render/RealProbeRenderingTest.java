package io.scopeline.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import io.scopeline.model.Reports;
import io.scopeline.testsupport.SharedFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A real probe's full report and the delta after it render as the Scope app rendered them. */
class RealProbeRenderingTest {

  private static Report decode(String name) {
    return ReportUpgrade.upgrade(ReportCodec.decode(SharedFixtures.read("realprobe/inputs/" + name),
        ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT));
  }

  @Test
  void fullThenDeltaRendersEighteenProcessesFiveConnectedAndOneHost() {
    Views views = new Views(Reports.merge(List.of(decode("post-full.gz.msgpack"), decode("post-delta.gz.msgpack"))));

    Map<String, NodeSummary> all = views.summaries("processes", Map.of()).orElseThrow();
    Map<String, NodeSummary> defaults = views.summaries("processes", Views.parseQuery("t=5s")).orElseThrow();
    int edges = all.values().stream().mapToInt(s -> s.adjacency().size()).sum();

    assertThat(all).hasSize(18);
    assertThat(defaults).hasSize(5);
    assertThat(edges).isEqualTo(5);
    assertThat(views.summaries("hosts", Map.of()).orElseThrow()).hasSize(1);
  }
}
