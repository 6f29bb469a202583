package io.scopeline.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.model.KeyedMap;
import io.scopeline.model.Metric;
import io.scopeline.model.MetricTemplate;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.Reports;
import io.scopeline.model.TopologyType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Metric values in summaries, as Scope's app shows them. */
class MetricSummaryTest {
  private static final long T = 1_795_311_568_000_000_000L;

  private static double cpuValueShownFor(double last) {
    Node host = Node.of("h;<host>", "host").withLatest("host_name", T, "h")
        .withMetrics(KeyedMap.<Metric>empty().with("host_cpu_usage_percent",
            Metric.of(new long[] {T - 1, T}, new double[] {1.0, last}, 0, 100)));
    Report r = Report.builder().ts(T).topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(host)
        .withMetricTemplates(KeyedMap.<MetricTemplate>empty().with("host_cpu_usage_percent",
            new MetricTemplate("host_cpu_usage_percent", "CPU", "percent", "", 1)))).build();
    var summary = new Views(Reports.merge(List.of(r))).summaries("hosts", Map.of()).orElseThrow().get("h;<host>");
    return summary.metrics().get(0).value();
  }

  @Test
  void valuesAreCutToTwoDecimalsTowardZeroNotRounded() {
    assertThat(cpuValueShownFor(15.459)).isEqualTo(15.45);
    assertThat(cpuValueShownFor(99.999)).isEqualTo(99.99);
    assertThat(cpuValueShownFor(-1.239)).isEqualTo(-1.23);
    assertThat(cpuValueShownFor(2.0)).isEqualTo(2.0);
  }
}
