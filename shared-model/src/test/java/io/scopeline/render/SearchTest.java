package io.scopeline.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scope's search syntax on the containers of the shared Kubernetes + Docker cluster (cluster4). */
class SearchTest {
  private static Map<String, NodeSummary> containers() {
    return new Views(Cluster4ConformanceTest.window("cluster4")).summaries("containers", Map.of()).orElseThrow();
  }

  /** What the queries find, as "label@host" (the host is each container's minor label). */
  private static List<String> found(String... queries) {
    Search.Result r = Search.of(Map.of(Search.PARAM, List.of(queries))).apply(containers());
    return r.nodes().values().stream().map(n -> n.label() + "@" + n.labelMinor().replace(".prod.example", ""))
        .sorted().toList();
  }

  @Test
  void aTermMatchesAnyFieldAsARegularExpressionIgnoringCase() {
    assertThat(found("label:^api$")).containsExactly("api@node-b", "api@node-c", "api@node-d");
    // Table cells too: the api pods' pause containers carry the Docker label app=api.
    assertThat(found("^API$")).containsExactly("POD@node-b", "POD@node-c", "POD@node-d", "api@node-b",
        "api@node-c", "api@node-d");
    // "Paused" is only in the batch worker's state.
    assertThat(found("paused")).containsExactly("batch-worker@node-d");
    // Not a valid expression: searched for as it is written ("Up 3 hours (Paused)").
    assertThat(found("(paused")).containsExactly("batch-worker@node-d");
    assertThat(found("[paused")).isEmpty();
  }

  @Test
  void aFieldPrefixLimitsTheTermToFieldsWhoseLabelItMatches() {
    assertThat(found("label:nginx")).containsExactly("nginx@node-a", "nginx@node-b");
    // Parents count under their topology: the containers of host node-b.
    assertThat(found("hosts:node-b")).containsExactly("POD@node-b", "POD@node-b", "api@node-b", "db-migrate@node-b",
        "nginx@node-b", "node-exporter@node-b");
    // Metadata by its label ("Image tag" is imagetag).
    assertThat(found("imagetag:v1\\.7")).containsExactly("node-exporter@node-a", "node-exporter@node-b",
        "node-exporter@node-c", "node-exporter@node-d");
  }

  @Test
  void metricComparisonsUseTheLastValueWithBinaryUnits() {
    assertThat(found("cpu > 10")).containsExactly("nginx@node-b", "node-exporter@node-b", "node-exporter@node-c",
        "node-exporter@node-d");
    assertThat(found("memory < 40MB")).containsExactly("nginx@node-b", "node-exporter@node-b");
    assertThat(found("Memory<0.04g")).containsExactly("nginx@node-b", "node-exporter@node-b");
  }

  @Test
  void everyQueryMustMatchAndOnlyEdgesAmongTheMatchedStay() {
    assertThat(found("node-exporter", "cpu > 10")).containsExactly("node-exporter@node-b", "node-exporter@node-c",
        "node-exporter@node-d");
    Map<String, NodeSummary> all = containers();
    Search.Result onB = Search.of(Map.of(Search.PARAM, List.of("hosts:node-b"))).apply(all);
    List<String> kept = new ArrayList<>();
    onB.nodes().values().forEach(n -> n.adjacency().forEach(to -> {
      assertThat(onB.nodes()).containsKey(to);
      kept.add(to);
    }));
    long edgesOnB = onB.nodes().keySet().stream().mapToLong(id -> all.get(id).adjacency().stream()
        .filter(onB.nodes()::containsKey).count()).sum();
    assertThat(kept).hasSize((int) edgesOnB);
    assertThat(onB.matches()).containsOnlyKeys(onB.nodes().keySet());
    Search.Match m = Search.of(Map.of(Search.PARAM, List.of("label:ngi"))).apply(all).matches().values().iterator()
        .next().get(0);
    assertThat(m).isEqualTo(new Search.Match("label", "nginx", 0, 3));
  }

  @Test
  void aQueryThatCannotBeSearchedSaysWhy() {
    assertThatThrownBy(() -> Search.of(Map.of(Search.PARAM, List.of("cpu > lots"))))
        .isInstanceOf(Search.BadQueryException.class).hasMessageContaining("compare cpu with a number");
    assertThatThrownBy(() -> Search.of(Map.of(Search.PARAM, List.of(" "))))
        .hasMessageContaining("q is empty");
    assertThatThrownBy(() -> Search.of(Map.of(Search.PARAM, List.of("label:"))))
        .hasMessageContaining("both the field and the term");
    assertThatThrownBy(() -> Search.of(Map.of(Search.PARAM, List.of("> 2"))))
        .hasMessageContaining("name the metric");
  }

  @Test
  void aRegularExpressionThatBacktracksWithoutEndIsStoppedAndRefused() {
    NodeSummary n = new NodeSummary("x", "a".repeat(28) + "!", "", "", "circle", "", false, false, List.of(),
        List.of(), List.of(), List.of(), List.of());
    // Unbounded, this one takes about 10 s on 29 characters.
    Search evil = Search.of(Map.of(Search.PARAM, List.of("(.*a){20}$")));
    assertThatThrownBy(() -> evil.apply(Map.of("x", n))).isInstanceOf(Search.BadQueryException.class)
        .hasMessageContaining("takes too long to match");
    assertThatThrownBy(() -> Search.of(Map.of(Search.PARAM, List.of("a".repeat(501)))))
        .hasMessageContaining("at most 500");
  }

  @Test
  void theTopologyAnswerWithASearchHasTheMatchedNodesAndWhereEachMatched() {
    Views views = new Views(Cluster4ConformanceTest.window("cluster4"));
    Map<String, Object> body = views.topology("containers", Map.of(Search.PARAM, List.of("batch"))).orElseThrow();
    assertThat(body).containsOnlyKeys("nodes", "matches");
    assertThat(JsonOut.string(body)).contains("\"field\":\"label\",\"text\":\"batch-worker\",\"start\":0,\"length\":5");
  }
}
