package io.scopeline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scopeline.testing.ReportArbitraries;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The accumulator gives exactly what folding {@link Report#merge} gives. */
class ReportAccumulatorProperties {

  @Provide
  Arbitrary<Report> reports() {
    return ReportArbitraries.reports();
  }

  @Provide
  Arbitrary<List<Report>> sequences() {
    return ReportArbitraries.reports().list().ofMaxSize(8);
  }

  @Property(tries = 300)
  void buildEqualsTheFoldOfMerge(@ForAll("reports") Report base, @ForAll("sequences") List<Report> reports) {
    ReportAccumulator acc = new ReportAccumulator(base);
    Report folded = base;
    for (Report r : reports) {
      acc.add(r);
      folded = folded.merge(r);
      assertThat(acc.build()).isEqualTo(folded);
    }
    assertThat(acc.size()).isEqualTo(reports.size());
  }

  @Test
  void manySmallReportsOfDifferentHostsGiveTheFoldsResult() {
    // Past the first few, each report is small next to what is gathered: the hash-map path.
    ReportAccumulator acc = new ReportAccumulator();
    Report folded = Report.EMPTY;
    for (int i = 0; i < 40; i++) {
      Topology hosts = Topology.EMPTY.withNode(new Node("h" + i + ";<host>", "host", null, null, null, null, null,
          null)).withNode(new Node("shared;<host>", "host", null, StringSet.of("n" + i), null, null, null, null));
      Report r = Report.EMPTY.withTopology(TopologyType.HOST, hosts).toBuilder().windowNanos(i).build();
      acc.add(r);
      folded = folded.merge(r);
    }
    assertThat(acc.build()).isEqualTo(folded);
    assertThat(acc.build().topology(TopologyType.HOST).nodes().get("shared;<host>").adjacency()).hasSize(40);
  }

  @Test
  void aConflictingReportIsRefusedAndChangesNothing() {
    Report host = Report.EMPTY.withTopology(TopologyType.HOST,
        Topology.EMPTY.withNode(new Node("a;<host>", "host", null, null, null, null, null, null)));
    Report other = Report.EMPTY.withTopology(TopologyType.HOST,
        Topology.EMPTY.withNode(new Node("b;<host>", "host", null, null, null, null, null, null))
            .withNode(new Node("a;<host>", "process", null, null, null, null, null, null)))
        .toBuilder().windowNanos(5).build();
    ReportAccumulator acc = new ReportAccumulator();
    acc.add(host);
    Report before = acc.build();

    assertThatThrownBy(() -> acc.add(other)).isInstanceOf(TopologyConflictException.class);
    assertThatThrownBy(() -> host.merge(other)).isInstanceOf(TopologyConflictException.class);
    assertThat(acc.build()).isEqualTo(before);
    assertThat(acc.size()).isEqualTo(1);
  }
}
