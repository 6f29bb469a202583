package io.scopeline.render;

import java.util.Map;

/** The nodes of a rendering, by id, and how many nodes its filters removed. */
public record Rendered(Map<String, RNode> nodes, int filtered) {
  public static final Rendered EMPTY = new Rendered(Map.of(), 0);

  public Rendered {
    nodes = Map.copyOf(nodes);
  }

  public int edgeCount() {
    int edges = 0;
    for (RNode n : nodes.values()) {
      edges += n.adjacency().size();
    }
    return edges;
  }

  public int nonPseudoCount() {
    int count = 0;
    for (RNode n : nodes.values()) {
      if (!n.isPseudo()) {
        count++;
      }
    }
    return count;
  }
}
