package io.scopeline.render;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * Every edge of a view seen over a long window, with when it was first and last seen: the view
 * rendered from each piece of the window (a roll-up, or a minute of quanta) in turn, each piece
 * spanning [start, end). A dependency used once a week shows up even though no single window
 * holds it. Pieces may come in any order; an edge's times are the earliest start and latest end
 * of the pieces holding it, and node labels those of the latest piece holding the node.
 */
public final class EdgeHistory {
  private record Seen(long first, long last) {
    Seen widen(long start, long end) {
      return new Seen(Math.min(first, start), Math.max(last, end));
    }
  }

  private record Label(long at, String label) {}

  private final TreeMap<HistoryDiff.Edge, Seen> edges = new TreeMap<>();
  private final Map<String, Label> labels = new HashMap<>();
  private int pieces;

  /** Adds the view rendered from a piece of the window spanning [startNanos, endNanos). */
  public void add(Map<String, NodeSummary> nodes, long startNanos, long endNanos) {
    pieces++;
    nodes.forEach((id, node) -> {
      labels.merge(id, new Label(endNanos, node.label()), (a, b) -> b.at() >= a.at() ? b : a);
      for (String target : node.adjacency()) {
        edges.merge(new HistoryDiff.Edge(id, target), new Seen(startNanos, endNanos),
            (a, b) -> a.widen(b.first(), b.last()));
      }
    });
  }

  /** How many pieces were added. */
  public int pieces() {
    return pieces;
  }

  /** How many distinct edges were seen. */
  public int size() {
    return edges.size();
  }

  /**
   * The API answer: {@code {"from", "to", "pieces", "edges": [{"source", "sourceLabel", "target",
   * "targetLabel", "firstSeen", "lastSeen"}]}}, edges sorted by source then target, times as
   * {@code time} formats them.
   */
  public Map<String, Object> toJson(String fromTime, String toTime, LongFunction<String> time) {
    List<Object> list = edges.entrySet().stream().map(e -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", e.getKey().source());
      putIfKnown(m, "sourceLabel", label(e.getKey().source()));
      m.put("target", e.getKey().target());
      putIfKnown(m, "targetLabel", label(e.getKey().target()));
      m.put("firstSeen", time.apply(e.getValue().first()));
      m.put("lastSeen", time.apply(e.getValue().last()));
      return (Object) m;
    }).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("from", fromTime);
    out.put("to", toTime);
    out.put("pieces", pieces);
    out.put("edges", list);
    return out;
  }

  private static void putIfKnown(Map<String, Object> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  private String label(String id) {
    Label l = labels.get(id);
    return l == null ? null : l.label();
  }
}
