package io.scopeline.render;

import io.scopeline.model.StringSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Collects nodes of a join (endpoints into processes, IPs into containers) and rewires their edges. */
final class JoinResults {
  private final Map<String, RNode> nodes;
  private final Map<String, Map<String, RNode>> addedChildren = new HashMap<>();
  private final Map<String, Map<String, Integer>> addedCounters = new HashMap<>();
  private final Map<String, String> mapped = new HashMap<>();

  JoinResults(Map<String, RNode> start) {
    this.nodes = new HashMap<>(start);
  }

  boolean contains(String id) {
    return nodes.containsKey(id);
  }

  /** Adds {@code m} as a child of node {@code id}, creating that node with {@code topology} if needed. */
  void addChild(RNode m, String id, String topology) {
    addChild(m, id, x -> RNode.of(x, topology), false);
  }

  void addChild(RNode m, String id, Function<String, RNode> create, boolean withGrandChildren) {
    nodes.computeIfAbsent(id, create);
    Map<String, RNode> kids = addedChildren.computeIfAbsent(id, x -> new HashMap<>());
    kids.put(m.id(), m);
    if (withGrandChildren) {
      m.children().forEach(kids::putIfAbsent);
    }
    if (!"endpoint".equals(m.topology())) {
      addedCounters.computeIfAbsent(id, x -> new HashMap<>()).merge(m.topology(), 1, Integer::sum);
    }
    mapped.put(m.id(), id);
  }

  /** Copies {@code n} into the result unchanged, edges to be rewired like the others'. */
  void passThrough(RNode n) {
    nodes.put(n.id(), n.withAdjacency(StringSet.EMPTY));
    mapped.put(n.id(), n.id());
  }

  /** The nodes, with edges of every mapped input node rewired to what its neighbours mapped to. */
  Rendered result(Map<String, RNode> input) {
    Map<String, List<String>> edges = new HashMap<>();
    for (RNode n : input.values()) {
      String out = mapped.get(n.id());
      if (out == null) {
        continue;
      }
      for (String a : n.adjacency()) {
        String dst = mapped.get(a);
        if (dst != null) {
          edges.computeIfAbsent(out, x -> new ArrayList<>()).add(dst);
        }
      }
    }
    Map<String, RNode> result = new HashMap<>(nodes.size());
    for (Map.Entry<String, RNode> e : nodes.entrySet()) {
      String id = e.getKey();
      RNode n = e.getValue();
      Map<String, RNode> kids = addedChildren.get(id);
      if (kids != null) {
        Map<String, RNode> all = new HashMap<>(n.children());
        all.putAll(kids);
        n = n.withChildren(Collections.unmodifiableMap(all));
      }
      Map<String, Integer> counts = addedCounters.get(id);
      if (counts != null) {
        for (Map.Entry<String, Integer> c : counts.entrySet()) {
          n = n.addCounter(c.getKey(), c.getValue());
        }
      }
      List<String> adj = edges.get(id);
      if (adj != null) {
        n = n.withAdjacency(n.adjacency().merge(StringSet.of(adj)));
      }
      result.put(id, n);
    }
    return new Rendered(result, 0);
  }
}
