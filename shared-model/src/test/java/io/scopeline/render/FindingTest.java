package io.scopeline.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** Lookup by name, neighbourhoods and exports: what a program asks of a map. */
class FindingTest {
  private static NodeSummary node(String id, String... adjacency) {
    return new NodeSummary(id, id, "", "", "circle", "", false, false, List.of(), List.of(), List.of(), List.of(),
        List.of(adjacency));
  }

  /** lb -> web -> api -> db, cron -> db, and a separate pair x -> y. */
  private static final Map<String, NodeSummary> CHAIN = Map.of("lb", node("lb", "web"), "web", node("web", "api"),
      "api", node("api", "db"), "cron", node("cron", "db"), "db", node("db"), "x", node("x", "y"), "y", node("y"));

  @SuppressWarnings("unchecked")
  private static Map<String, Integer> distances(String root, int depth, Neighbours.Direction direction) {
    return (Map<String, Integer>) Neighbours.of(CHAIN, root, depth, direction).orElseThrow().get("distance");
  }

  @Test
  void neighboursAreTheNodesWithinDepthEdgesInTheDirectionsAsked() {
    assertThat(distances("api", 1, Neighbours.Direction.BOTH)).containsExactlyInAnyOrderEntriesOf(
        Map.of("api", 0, "web", 1, "db", 1));
    assertThat(distances("api", 2, Neighbours.Direction.BOTH)).containsExactlyInAnyOrderEntriesOf(
        Map.of("api", 0, "web", 1, "db", 1, "lb", 2, "cron", 2));
    assertThat(distances("db", 3, Neighbours.Direction.IN)).containsExactlyInAnyOrderEntriesOf(
        Map.of("db", 0, "api", 1, "cron", 1, "web", 2, "lb", 3));
    assertThat(distances("web", 5, Neighbours.Direction.OUT)).containsExactlyInAnyOrderEntriesOf(
        Map.of("web", 0, "api", 1, "db", 2));
    assertThat(distances("web", 0, Neighbours.Direction.BOTH)).containsOnlyKeys("web");
    assertThat(Neighbours.of(CHAIN, "nope", 1, Neighbours.Direction.BOTH)).isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void aNeighbourhoodKeepsOnlyEdgesAmongItsNodes() {
    var nodes = (Map<String, NodeSummary>) Neighbours.of(CHAIN, "api", 1, Neighbours.Direction.BOTH).orElseThrow()
        .get("nodes");
    assertThat(nodes.get("web").adjacency()).containsExactly("api");
    assertThat(nodes.get("api").adjacency()).containsExactly("db");
    assertThat(nodes.get("db").adjacency()).isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void lookupFindsANameInEveryViewThatHasIt() {
    Views views = new Views(Cluster4ConformanceTest.window("cluster4"));
    var found = (List<Map<String, Object>>) views.lookup("NGINX").get("nodes");
    // Two nginx containers, their image, and nginx processes.
    assertThat(found).extracting(m -> m.get("topology")).contains("containers", "containers-by-image");
    assertThat(found.stream().filter(m -> m.get("topology").equals("containers"))).hasSize(2)
        .allSatisfy(m -> assertThat(views.summaries("containers", Map.of()).orElseThrow()).containsKey(
            (String) m.get("id")));
    var host = (List<Map<String, Object>>) views.lookup("node-b").get("nodes");
    assertThat(host).extracting(m -> m.get("topology") + " " + m.get("id"))
        .containsExactly("hosts node-b.prod.example;<host>");
    assertThat((List<?>) views.lookup("no-such-thing").get("nodes")).isEmpty();
  }

  private static Map<String, NodeSummary> containers() {
    return new Views(Cluster4ConformanceTest.window("cluster4")).summaries("containers", Map.of()).orElseThrow();
  }

  @Test
  void graphMlIsXmlWithEveryNodeAndEdge() throws Exception {
    Map<String, NodeSummary> view = containers();
    byte[] xml = Export.of(Export.Format.GRAPHML, "containers", view);
    var factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("http://graphml.graphdrawing.org/xmlns");
    assertThat(doc.getElementsByTagName("node").getLength()).isEqualTo(view.size());
    long edges = view.values().stream().mapToLong(n -> n.adjacency().size()).sum();
    assertThat(edges).isPositive();
    assertThat(doc.getElementsByTagName("edge").getLength()).isEqualTo((int) edges);
  }

  @Test
  void dotIsWhatGraphvizDraws() throws Exception {
    Map<String, NodeSummary> view = containers();
    String dot = new String(Export.of(Export.Format.DOT, "containers", view), StandardCharsets.UTF_8);
    long edges = view.values().stream().mapToLong(n -> n.adjacency().size()).sum();
    assertThat(dot.lines().filter(l -> l.contains(" -> "))).hasSize((int) edges);
    assertThat(Export.quoted("a \"b\" \\ c\nd")).isEqualTo("\"a \\\"b\\\" \\\\ c\\nd\"");
    Path graphviz = Path.of("/usr/bin/dot");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(graphviz),
        "Graphviz (Debian's graphviz) is not installed: the DOT was not drawn");
    Process p = new ProcessBuilder(graphviz.toString(), "-Tsvg").redirectErrorStream(true).start();
    p.getOutputStream().write(dot.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String svg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(svg).isZero();
    assertThat(svg).contains("<svg", "nginx");
  }

  @Test
  void jsonIsScopesTopologyAnswer() {
    String json = new String(Export.of(Export.Format.JSON, "containers", containers()), StandardCharsets.UTF_8);
    assertThat(json).startsWith("{\"nodes\":{").contains("\"label\":\"nginx\"");
  }
}
