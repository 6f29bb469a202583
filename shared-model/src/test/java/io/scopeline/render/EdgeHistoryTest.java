package io.scopeline.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EdgeHistoryTest {
  private static NodeSummary node(String id, String label, String... adjacency) {
    return new NodeSummary(id, label, "", "", "circle", "", false, false, List.of(), List.of(), List.of(), List.of(),
        List.of(adjacency));
  }

  private record Piece(long start, long end, Map<String, NodeSummary> nodes) {}

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> edges(List<Piece> pieces) {
    EdgeHistory h = new EdgeHistory();
    pieces.forEach(p -> h.add(p.nodes(), p.start(), p.end()));
    return (List<Map<String, Object>>) h.toJson("f", "t", Long::toString).get("edges");
  }

  @Test
  void anEdgeSpansItsEarliestAndLatestPieceInWhateverOrderThePiecesCome() {
    List<Piece> pieces = new ArrayList<>(List.of(
        new Piece(0, 60, Map.of("cron", node("cron", "cron v1", "db"), "db", node("db", "db"))),
        new Piece(60, 120, Map.of("web", node("web", "web", "db"), "db", node("db", "db"))),
        new Piece(3600, 7200, Map.of("cron", node("cron", "cron v2", "db"), "db", node("db", "db")))));
    List<Map<String, Object>> inOrder = edges(pieces);
    Collections.shuffle(pieces, new Random(7));
    assertThat(edges(pieces)).isEqualTo(inOrder);

    assertThat(inOrder).hasSize(2);
    assertThat(inOrder.get(0)).containsEntry("source", "cron").containsEntry("sourceLabel", "cron v2")
        .containsEntry("target", "db").containsEntry("firstSeen", "0").containsEntry("lastSeen", "7200");
    assertThat(inOrder.get(1)).containsEntry("source", "web").containsEntry("firstSeen", "60")
        .containsEntry("lastSeen", "120");
  }
}
