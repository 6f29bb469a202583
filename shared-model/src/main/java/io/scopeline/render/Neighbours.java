package io.scopeline.render;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The part of a view within a number of edges of one node: what talks to it, what it talks to,
 * and so on out to {@code depth} edges, with how far each node is and the edges among them.
 */
public final class Neighbours {
  /** The deepest neighbourhood asked for: past a few edges most maps are all neighbours. */
  public static final int MAX_DEPTH = 10;

  /** Which edges are followed: towards the node's callers, its callees, or both. */
  public enum Direction {
    IN, OUT, BOTH;

    /** The direction a {@code direction=} value names (in, out, both), or null. */
    public static Direction parse(String value) {
      try {
        return valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  private Neighbours() {}

  /**
   * {@code {"root", "depth", "direction", "nodes": {id: summary, edges among the nodes only},
   * "distance": {id: edges from the root}}}, or empty when the view has no node {@code root}.
   */
  public static Optional<Map<String, Object>> of(Map<String, NodeSummary> view, String root, int depth,
      Direction direction) {
    if (!view.containsKey(root)) {
      return Optional.empty();
    }
    Map<String, List<String>> callers = new HashMap<>();
    view.forEach((id, n) -> n.adjacency().forEach(to -> callers.computeIfAbsent(to, x -> new ArrayList<>()).add(id)));
    Map<String, Integer> distance = new LinkedHashMap<>();
    distance.put(root, 0);
    ArrayDeque<String> next = new ArrayDeque<>(List.of(root));
    while (!next.isEmpty()) {
      String id = next.poll();
      int d = distance.get(id);
      if (d == depth) {
        continue;
      }
      List<String> around = new ArrayList<>();
      if (direction != Direction.IN) {
        around.addAll(view.get(id).adjacency());
      }
      if (direction != Direction.OUT) {
        around.addAll(callers.getOrDefault(id, List.of()));
      }
      for (String other : around) {
        if (view.containsKey(other) && distance.putIfAbsent(other, d + 1) == null) {
          next.add(other);
        }
      }
    }
    Map<String, NodeSummary> nodes = new TreeMap<>();
    distance.keySet().forEach(id -> nodes.put(id, Search.keepingEdgesTo(view.get(id), distance.keySet())));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("root", root);
    out.put("depth", depth);
    out.put("direction", direction.name().toLowerCase(Locale.ROOT));
    out.put("nodes", nodes);
    out.put("distance", new TreeMap<>(distance));
    return Optional.of(out);
  }
}
