package io.scopeline.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What changed in a view between two times: nodes added, removed and changed, and edges added and
 * removed. A node has changed when what describes it differs — label, minor label, parents, a
 * metadata row or a table (e.g. its labels) — not when only its metrics moved, which they do
 * every few seconds; a changed node lists the keys that differ.
 */
public record HistoryDiff(List<NodeSummary> added, List<NodeSummary> removed, List<HistoryDiff.Changed> changed,
    List<HistoryDiff.Edge> edgesAdded, List<HistoryDiff.Edge> edgesRemoved) {
  /** A node present at both times whose description differs, and the keys that differ. */
  public record Changed(String id, String label, List<String> keys) {}

  /** A directed edge of the view, as Scope's adjacency lists give them. */
  public record Edge(String source, String target) implements Comparable<Edge> {
    @Override
    public int compareTo(Edge o) {
      int c = source.compareTo(o.source);
      return c != 0 ? c : target.compareTo(o.target);
    }
  }

  /** The difference from {@code before} to {@code after} (node summaries by id), in id order. */
  public static HistoryDiff of(Map<String, NodeSummary> before, Map<String, NodeSummary> after) {
    Map<String, NodeSummary> from = new TreeMap<>(before);
    Map<String, NodeSummary> to = new TreeMap<>(after);
    List<NodeSummary> added = new ArrayList<>();
    List<Changed> changed = new ArrayList<>();
    to.forEach((id, now) -> {
      NodeSummary then = from.get(id);
      if (then == null) {
        added.add(now);
      } else {
        List<String> keys = changedKeys(then, now);
        if (!keys.isEmpty()) {
          changed.add(new Changed(id, now.label(), keys));
        }
      }
    });
    List<NodeSummary> removed = from.entrySet().stream().filter(e -> !to.containsKey(e.getKey()))
        .map(Map.Entry::getValue).toList();
    TreeSet<Edge> edgesBefore = edges(from);
    TreeSet<Edge> edgesAfter = edges(to);
    List<Edge> edgesAdded = edgesAfter.stream().filter(e -> !edgesBefore.contains(e)).toList();
    List<Edge> edgesRemoved = edgesBefore.stream().filter(e -> !edgesAfter.contains(e)).toList();
    return new HistoryDiff(added, removed, changed, edgesAdded, edgesRemoved);
  }

  /**
   * The API answer: {@code {"from", "to", "nodes": {"added", "removed", "changed"}, "edges":
   * {"added", "removed"}}}, every list present (empty when nothing changed).
   */
  public Map<String, Object> toJson(String fromTime, String toTime) {
    Map<String, Object> nodes = new LinkedHashMap<>();
    nodes.put("added", added);
    nodes.put("removed", removed);
    nodes.put("changed", changed.stream().map(c -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", c.id());
      m.put("label", c.label());
      m.put("changed", c.keys());
      return (Object) m;
    }).toList());
    Map<String, Object> edges = new LinkedHashMap<>();
    edges.put("added", edgesJson(edgesAdded));
    edges.put("removed", edgesJson(edgesRemoved));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("from", fromTime);
    out.put("to", toTime);
    out.put("nodes", nodes);
    out.put("edges", edges);
    return out;
  }

  private static List<Object> edgesJson(List<Edge> edges) {
    return edges.stream().map(e -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", e.source());
      m.put("target", e.target());
      return (Object) m;
    }).toList();
  }

  private static TreeSet<Edge> edges(Map<String, NodeSummary> nodes) {
    TreeSet<Edge> out = new TreeSet<>();
    nodes.forEach((id, s) -> s.adjacency().forEach(target -> out.add(new Edge(id, target))));
    return out;
  }

  /** The keys whose values differ: label, labelMinor, parents, metadata row ids and table ids. */
  static List<String> changedKeys(NodeSummary then, NodeSummary now) {
    List<String> keys = new ArrayList<>();
    if (!then.label().equals(now.label())) {
      keys.add("label");
    }
    if (!then.labelMinor().equals(now.labelMinor())) {
      keys.add("labelMinor");
    }
    if (!Objects.equals(new TreeSet<>(then.parents().stream().map(NodeSummary.Parent::id).toList()),
        new TreeSet<>(now.parents().stream().map(NodeSummary.Parent::id).toList()))) {
      keys.add("parents");
    }
    differing(byId(then.metadata(), NodeSummary.Metadata::id, NodeSummary.Metadata::value),
        byId(now.metadata(), NodeSummary.Metadata::id, NodeSummary.Metadata::value), keys);
    differing(byId(then.tables(), NodeSummary.Table::id, NodeSummary.Table::rows),
        byId(now.tables(), NodeSummary.Table::id, NodeSummary.Table::rows), keys);
    return keys;
  }

  private static <T, V> Map<String, V> byId(List<T> items, java.util.function.Function<T, String> id,
      java.util.function.Function<T, V> value) {
    Map<String, V> out = new TreeMap<>();
    items.forEach(i -> out.put(id.apply(i), value.apply(i)));
    return out;
  }

  private static <V> void differing(Map<String, V> then, Map<String, V> now, List<String> keys) {
    TreeSet<String> all = new TreeSet<>(then.keySet());
    all.addAll(now.keySet());
    for (String k : all) {
      if (!Objects.equals(then.get(k), now.get(k))) {
        keys.add(k);
      }
    }
  }
}
