package io.scopeline.render;

import io.scopeline.model.KeyedMap;
import io.scopeline.model.LatestMap;
import io.scopeline.model.Metric;
import io.scopeline.model.Node;
import io.scopeline.model.StringSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * A node of a rendered topology: a report node plus the nodes it was built from (children) and
 * how many of each topology went into it (counters).
 */
public final class RNode {
  private final String id;
  private final String topology;
  private final LatestMap latest;
  private final KeyedMap<StringSet> sets;
  private final KeyedMap<StringSet> parents;
  private final KeyedMap<Metric> metrics;
  private final StringSet adjacency;
  private final Map<String, RNode> children;
  private final KeyedMap<Integer> counters;

  RNode(String id, String topology, LatestMap latest, KeyedMap<StringSet> sets, KeyedMap<StringSet> parents,
      KeyedMap<Metric> metrics, StringSet adjacency, Map<String, RNode> children, KeyedMap<Integer> counters) {
    this.id = id;
    this.topology = topology;
    this.latest = latest;
    this.sets = sets;
    this.parents = parents;
    this.metrics = metrics;
    this.adjacency = adjacency;
    this.children = children;
    this.counters = counters;
  }

  /** An empty node. */
  public static RNode of(String id, String topology) {
    return new RNode(id, topology, LatestMap.EMPTY, KeyedMap.empty(), KeyedMap.empty(), KeyedMap.empty(),
        StringSet.EMPTY, Map.of(), KeyedMap.empty());
  }

  /** A report node as the start of a rendering. */
  public static RNode of(Node n) {
    return new RNode(n.id(), n.topology(), n.latest(), n.sets(), n.parents(), n.metrics(), n.adjacency(), Map.of(),
        KeyedMap.empty());
  }

  /** A new node built from {@code from}: it has {@code from} and all of its children as children. */
  public static RNode derived(String id, String topology, RNode from) {
    Map<String, RNode> kids = new HashMap<>(from.children.size() + 1);
    kids.putAll(from.children);
    kids.put(from.id, from);
    return of(id, topology).withChildren(Collections.unmodifiableMap(kids));
  }

  public String id() {
    return id;
  }

  public String topology() {
    return topology;
  }

  public LatestMap latest() {
    return latest;
  }

  public KeyedMap<StringSet> sets() {
    return sets;
  }

  public KeyedMap<StringSet> parents() {
    return parents;
  }

  public KeyedMap<Metric> metrics() {
    return metrics;
  }

  public StringSet adjacency() {
    return adjacency;
  }

  public Map<String, RNode> children() {
    return children;
  }

  public KeyedMap<Integer> counters() {
    return counters;
  }

  public boolean isPseudo() {
    return Ids.PSEUDO.equals(topology);
  }

  /** A latest value, or null. */
  public String get(String key) {
    return latest.get(key);
  }

  public int counter(String key) {
    return counters.getOrDefault(key, 0);
  }

  public RNode withId(String newId) {
    return new RNode(newId, topology, latest, sets, parents, metrics, adjacency, children, counters);
  }

  public RNode withTopology(String t) {
    return new RNode(id, t, latest, sets, parents, metrics, adjacency, children, counters);
  }

  public RNode withLatest(LatestMap l) {
    return new RNode(id, topology, l, sets, parents, metrics, adjacency, children, counters);
  }

  public RNode withLatest(String key, long ts, String value) {
    return withLatest(latest.with(key, ts, value));
  }

  /** Copies one latest entry from another node, if it has it. */
  public RNode withLatestFrom(RNode from, String key) {
    int i = from.latest.indexOf(key);
    return i < 0 ? this : withLatest(key, from.latest.timestampAt(i), from.latest.valueAt(i));
  }

  public RNode withSets(KeyedMap<StringSet> s) {
    return new RNode(id, topology, latest, s, parents, metrics, adjacency, children, counters);
  }

  public RNode withParents(KeyedMap<StringSet> p) {
    return new RNode(id, topology, latest, sets, p, metrics, adjacency, children, counters);
  }

  public RNode withMetrics(KeyedMap<Metric> m) {
    return new RNode(id, topology, latest, sets, parents, m, adjacency, children, counters);
  }

  public RNode withAdjacency(StringSet a) {
    return new RNode(id, topology, latest, sets, parents, metrics, a, children, counters);
  }

  public RNode withChildren(Map<String, RNode> c) {
    return new RNode(id, topology, latest, sets, parents, metrics, adjacency, c, counters);
  }

  public RNode withCounters(KeyedMap<Integer> c) {
    return new RNode(id, topology, latest, sets, parents, metrics, adjacency, children, c);
  }

  public RNode addCounter(String key, int n) {
    return withCounters(counters.with(key, counter(key) + n));
  }

  /** Scope's node merge, with counters summed and children united. */
  public RNode merge(RNode o) {
    if (o == this) {
      return this;
    }
    Map<String, RNode> kids;
    if (o.children.isEmpty()) {
      kids = children;
    } else if (children.isEmpty()) {
      kids = o.children;
    } else {
      Map<String, RNode> m = new HashMap<>(children);
      o.children.forEach(m::putIfAbsent);
      kids = Collections.unmodifiableMap(m);
    }
    return new RNode(id.isEmpty() ? o.id : id, topology.isEmpty() ? o.topology : topology, latest.merge(o.latest),
        sets.merge(o.sets, StringSet::merge), parents.merge(o.parents, StringSet::merge),
        metrics.merge(o.metrics, Metric::merge), adjacency.merge(o.adjacency), kids,
        counters.merge(o.counters, Integer::sum));
  }

  @Override
  public String toString() {
    return "RNode{" + id + " (" + topology + ") adj=" + adjacency + " children=" + children.keySet() + " counters="
        + counters + "}";
  }
}
