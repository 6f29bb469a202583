package io.scopeline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The individual merge rules of Scope's model, one behaviour each. */
class MergeRulesTest {
  private static final long T1 = 1_000_000_000L;
  private static final long T2 = 2_000_000_000L;
  private static final long T3 = 3_000_000_000L;

  @Test
  void latestValueWithTheLaterTimestampWins() {
    LatestMap a = LatestMap.builder(2).put("state", T1, "running").put("name", T1, "web").build();
    LatestMap b = LatestMap.builder(1).put("state", T2, "stopped").build();
    assertThat(a.merge(b).get("state")).isEqualTo("stopped");
    assertThat(b.merge(a).get("state")).isEqualTo("stopped");
    assertThat(a.merge(b).get("name")).isEqualTo("web");
  }

  @Test
  void latestTieOnTimestampIsDecidedTheSameWayWhicheverSideReceives() {
    LatestMap a = LatestMap.builder(1).put("state", T1, "running").build();
    LatestMap b = LatestMap.builder(1).put("state", T1, "paused").build();
    assertThat(a.merge(b)).isEqualTo(b.merge(a));
    assertThat(a.merge(b).get("state")).isEqualTo("running");
  }

  @Test
  void decodingARepeatedLatestKeyKeepsTheLastOne() {
    LatestMap m = LatestMap.builder(3).put("b", T1, "1").put("a", T1, "x").put("b", T1, "2").build();
    assertThat(m.get("b")).isEqualTo("2");
    assertThat(m.size()).isEqualTo(2);
  }

  @Test
  void setsAreSortedUnions() {
    assertThat(StringSet.of("c", "a").merge(StringSet.of("b", "a"))).containsExactly("a", "b", "c");
    assertThat(StringSet.of("b", "b", "a")).containsExactly("a", "b");
  }

  @Test
  void metricSamplesInterleaveInTimeAndEqualDatesKeepTheReceiversSample() {
    Metric a = Metric.of(new long[] {T1, T3}, new double[] {1, 3}, 1, 100);
    Metric b = Metric.of(new long[] {T2, T3}, new double[] {2, 9}, 0.5, 9);
    Metric m = a.merge(b);
    assertThat(m.sampleCount()).isEqualTo(3);
    assertThat(new double[] {m.valueAt(0), m.valueAt(1), m.valueAt(2)}).containsExactly(1, 2, 3);
    assertThat(m.min()).isEqualTo(0.5);
    assertThat(m.max()).as("declared capacity survives").isEqualTo(100);
  }

  @Test
  void disjointMetricRangesConcatenateInTimeOrder() {
    Metric late = Metric.of(new long[] {T3}, new double[] {3}, 3, 3);
    Metric early = Metric.of(new long[] {T1, T2}, new double[] {1, 2}, 1, 2);
    Metric m = late.merge(early);
    assertThat(new long[] {m.dateAt(0), m.dateAt(1), m.dateAt(2)}).containsExactly(T1, T2, T3);
  }

  @Test
  void metricWithoutSamplesYieldsTheOtherSide() {
    Metric capacityOnly = Metric.of(new long[0], new double[0], 0, 500);
    Metric real = Metric.of(new long[] {T1}, new double[] {7}, 7, 7);
    assertThat(capacityOnly.merge(real)).isSameAs(real);
    assertThat(real.merge(capacityOnly)).isSameAs(real);
  }

  @Test
  void nodeTakesFirstNonEmptyIdAndTopologyWhichRestoresDeltaNodes() {
    Node full = Node.of("h;<host>", "host").withLatest("os", T1, "linux");
    Node delta = new Node("", "", null, null, LatestMap.builder(1).put("os", T2, "linux").build(), null, null, null);
    Node merged = delta.merge(full);
    assertThat(merged.id()).isEqualTo("h;<host>");
    assertThat(merged.topology()).isEqualTo("host");
    assertThat(merged.latest().timestamp("os")).isEqualTo(T2);
  }

  @Test
  void twoDifferentTopologiesForOneNodeIsATypedError() {
    Node a = Node.of("x", "host");
    Node b = Node.of("x", "process");
    assertThatThrownBy(() -> a.merge(b)).isInstanceOfSatisfying(TopologyConflictException.class,
        e -> assertThat(e.nodeId()).isEqualTo("x")).hasMessageContaining("host").hasMessageContaining("process");
  }

  @Test
  void hostActiveControlsFromTwoProbesAreUnioned() {
    Node a = Node.of("h;<host>", "host").withLatest(Node.ACTIVE_CONTROLS, T1, "host_exec");
    Node b = Node.of("h;<host>", "host").withLatest(Node.ACTIVE_CONTROLS, T2, "host_reboot;host_exec");
    Node m = a.merge(b);
    assertThat(m.latest().get(Node.ACTIVE_CONTROLS)).isEqualTo("host_exec;host_reboot");
    assertThat(m.latest().timestamp(Node.ACTIVE_CONTROLS)).isEqualTo(T2);
    Node c = Node.of("c;<container>", "container").withLatest(Node.ACTIVE_CONTROLS, T1, "docker_stop");
    Node d = Node.of("c;<container>", "container").withLatest(Node.ACTIVE_CONTROLS, T2, "docker_start");
    assertThat(c.merge(d).latest().get(Node.ACTIVE_CONTROLS)).as("other topologies: latest wins")
        .isEqualTo("docker_start");
  }

  @Test
  void higherPriorityTemplateWinsAndTopologyPresentationKeepsTheFirstNonEmpty() {
    MetadataTemplate low = new MetadataTemplate("os", "OS", 0, "", 1, "latest");
    MetadataTemplate high = new MetadataTemplate("os", "Operating system", 0, "", 5, "latest");
    Topology a = Topology.EMPTY.withLabels("host", "hosts").withMetadataTemplates(KeyedMap.of("os", low));
    Topology b = Topology.EMPTY.withShape("circle").withLabels("machine", "machines")
        .withMetadataTemplates(KeyedMap.of("os", high));
    Topology m = a.merge(b);
    assertThat(m.metadataTemplates().get("os")).isEqualTo(high);
    assertThat(m.shape()).isEqualTo("circle");
    assertThat(m.label()).isEqualTo("host");
    assertThat(m.labelPlural()).isEqualTo("hosts");
  }

  @Test
  void reportMergeSumsWindowAndSamplingAndKeepsEarliestNonZeroTs() {
    Report a = Report.builder().id("a").ts(Timestamps.ZERO).windowNanos(3).sampling(new Sampling(1, 2)).build();
    Report b = Report.builder().id("b").ts(T2).windowNanos(4).sampling(new Sampling(3, 4)).build();
    Report c = Report.builder().id("c").ts(T1).shortcut(true).build();
    Report m = a.merge(b).merge(c);
    assertThat(m.ts()).isEqualTo(T1);
    assertThat(m.windowNanos()).isEqualTo(7);
    assertThat(m.sampling()).isEqualTo(new Sampling(4, 6));
    assertThat(m.id()).isEqualTo("a");
    assertThat(m.shortcut()).isFalse();
  }

  @Test
  void windowMergeStartsFromScopesPresetsAndHashesInputIds() {
    Report r = Report.builder().id("x").build();
    Report once = Reports.merge(List.of(r));
    assertThat(once.topology(TopologyType.HOST).shape()).isEqualTo("circle");
    assertThat(once.id()).isEqualTo(Reports.merge(List.of(r)).id()).isNotEqualTo(Reports.merge(List.of(r, r)).id());
  }
}
