package io.scopeline.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryDiffTest {
  private static NodeSummary node(String id, String label, List<NodeSummary.Metadata> metadata,
      List<NodeSummary.Metric> metrics, String... adjacency) {
    return new NodeSummary(id, label, "", "", "circle", "", false, false, metadata, List.of(), metrics, List.of(),
        List.of(adjacency));
  }

  private static NodeSummary.Metadata meta(String id, String value) {
    return new NodeSummary.Metadata(id, id, value, 1, "", 0);
  }

  private static NodeSummary.Metric cpu(double value) {
    return new NodeSummary.Metric("host_cpu_usage_percent", "CPU", "percent", "", value, false, 1, List.of(), 0, 100);
  }

  @Test
  void nodesAndEdgesThatCameAndWentAreListedAndAChangedNodeNamesWhatChanged() {
    Map<String, NodeSummary> before = Map.of(
        "web", node("web", "web", List.of(meta("os", "Linux"), meta("version", "1.0")), List.of(cpu(5)), "db"),
        "db", node("db", "db", List.of(), List.of()),
        "old", node("old", "old", List.of(), List.of(), "db"));
    Map<String, NodeSummary> after = Map.of(
        "web", node("web", "web", List.of(meta("os", "Linux"), meta("version", "1.1"), meta("kernel", "6.1")),
            List.of(cpu(80)), "db", "cache"),
        "db", node("db", "db", List.of(), List.of()),
        "cache", node("cache", "cache", List.of(), List.of()));

    HistoryDiff d = HistoryDiff.of(before, after);

    assertThat(d.added()).extracting(NodeSummary::id).containsExactly("cache");
    assertThat(d.removed()).extracting(NodeSummary::id).containsExactly("old");
    assertThat(d.changed()).containsExactly(new HistoryDiff.Changed("web", "web", List.of("kernel", "version")));
    assertThat(d.edgesAdded()).containsExactly(new HistoryDiff.Edge("web", "cache"));
    assertThat(d.edgesRemoved()).containsExactly(new HistoryDiff.Edge("old", "db"));
  }

  @Test
  void metricsMovingAloneIsNoChangeAndTheSameViewDiffsToNothing() {
    Map<String, NodeSummary> before = Map.of("web", node("web", "web", List.of(meta("os", "Linux")), List.of(cpu(5)),
        "db"));
    Map<String, NodeSummary> after = Map.of("web", node("web", "web", List.of(meta("os", "Linux")), List.of(cpu(90)),
        "db"));
    HistoryDiff d = HistoryDiff.of(before, after);
    assertThat(d.added()).isEmpty();
    assertThat(d.removed()).isEmpty();
    assertThat(d.changed()).isEmpty();
    assertThat(d.edgesAdded()).isEmpty();
    assertThat(d.edgesRemoved()).isEmpty();
  }

  @Test
  void theAnswerHasEveryListEvenWhenEmpty() {
    String json = JsonOut.string(HistoryDiff.of(Map.of(), Map.of()).toJson("2026-12-01T00:00:00Z",
        "2026-12-02T00:00:00Z"));
    assertThat(json).isEqualTo("{\"from\":\"2026-12-01T00:00:00Z\",\"to\":\"2026-12-02T00:00:00Z\","
        + "\"nodes\":{\"added\":[],\"removed\":[],\"changed\":[]},\"edges\":{\"added\":[],\"removed\":[]}}");
  }
}
