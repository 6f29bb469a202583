package io.scopeline.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entity in a topology (Scope's Node): an id, its topology name, string sets, adjacency to
 * nodes of the same topology, timestamped latest values, metrics, parents and (rendered) children.
 */
public final class Node {
  /** Latest key listing a node's active control ids joined by ';'. */
  public static final String ACTIVE_CONTROLS = "active_controls";

  private final String id;
  private final String topology;
  private final KeyedMap<StringSet> sets;
  private final StringSet adjacency;
  private final LatestMap latest;
  private final KeyedMap<Metric> metrics;
  private final KeyedMap<StringSet> parents;
  private final KeyedMap<Node> children;

  public Node(String id, String topology, KeyedMap<StringSet> sets, StringSet adjacency, LatestMap latest,
      KeyedMap<Metric> metrics, KeyedMap<StringSet> parents, KeyedMap<Node> children) {
    this.id = id == null ? "" : id;
    this.topology = topology == null ? "" : topology;
    this.sets = sets == null ? KeyedMap.empty() : sets;
    this.adjacency = adjacency == null ? StringSet.EMPTY : adjacency;
    this.latest = latest == null ? LatestMap.EMPTY : latest;
    this.metrics = metrics == null ? KeyedMap.empty() : metrics;
    this.parents = parents == null ? KeyedMap.empty() : parents;
    this.children = children == null ? KeyedMap.empty() : children;
  }

  /** An empty node with an id and topology. */
  public static Node of(String id, String topology) {
    return new Node(id, topology, null, null, null, null, null, null);
  }

  public String id() {
    return id;
  }

  public String topology() {
    return topology;
  }

  public KeyedMap<StringSet> sets() {
    return sets;
  }

  public StringSet adjacency() {
    return adjacency;
  }

  public LatestMap latest() {
    return latest;
  }

  public KeyedMap<Metric> metrics() {
    return metrics;
  }

  public KeyedMap<StringSet> parents() {
    return parents;
  }

  public KeyedMap<Node> children() {
    return children;
  }

  /** A delta node whose full report fell out of the window: it has no topology yet. */
  public boolean isPartMerged() {
    return topology.isEmpty();
  }

  public Node withId(String newId) {
    return new Node(newId, topology, sets, adjacency, latest, metrics, parents, children);
  }

  public Node withTopology(String newTopology) {
    return new Node(id, newTopology, sets, adjacency, latest, metrics, parents, children);
  }

  public Node withSets(KeyedMap<StringSet> newSets) {
    return new Node(id, topology, newSets, adjacency, latest, metrics, parents, children);
  }

  public Node withAdjacency(StringSet newAdjacency) {
    return new Node(id, topology, sets, newAdjacency, latest, metrics, parents, children);
  }

  public Node withLatest(LatestMap newLatest) {
    return new Node(id, topology, sets, adjacency, newLatest, metrics, parents, children);
  }

  public Node withLatest(String key, long timestamp, String value) {
    return withLatest(latest.with(key, timestamp, value));
  }

  public Node withMetrics(KeyedMap<Metric> newMetrics) {
    return new Node(id, topology, sets, adjacency, latest, newMetrics, parents, children);
  }

  public Node withParents(KeyedMap<StringSet> newParents) {
    return new Node(id, topology, sets, adjacency, latest, metrics, newParents, children);
  }

  public Node withChildren(KeyedMap<Node> newChildren) {
    return new Node(id, topology, sets, adjacency, latest, metrics, parents, newChildren);
  }

  /**
   * Scope's node merge: first non-empty id and topology (a conflict is an error), union of sets,
   * parents and adjacency, latest-wins for latest values, sample merge for metrics, children by id.
   * Host nodes union their active controls first, since several probes may report one host.
   */
  public Node merge(Node other) {
    if (other == this) {
      return this;
    }
    String mergedTopology = topology.isEmpty() ? other.topology : topology;
    if (conflictsWith(other)) {
      throw new TopologyConflictException(id.isEmpty() ? other.id : id, topology, other.topology);
    }
    String mergedId = id.isEmpty() ? other.id : id;
    LatestMap mine = latest;
    LatestMap theirs = other.latest;
    if (TopologyType.HOST.internalName().equals(mergedTopology)) {
      LatestMap[] unioned = unionActiveControls(mine, theirs);
      mine = unioned[0];
      theirs = unioned[1];
    }
    KeyedMap<StringSet> mergedSets = sets.merge(other.sets, StringSet::merge);
    StringSet mergedAdjacency = adjacency.merge(other.adjacency);
    LatestMap mergedLatest = mine.merge(theirs);
    KeyedMap<Metric> mergedMetrics = metrics.merge(other.metrics, Metric::merge);
    KeyedMap<StringSet> mergedParents = parents.merge(other.parents, StringSet::merge);
    KeyedMap<Node> mergedChildren = children.merge(other.children, (a, b) -> a);
    if (mergedId == id && mergedTopology == topology && mergedSets == sets && mergedAdjacency == adjacency
        && mergedLatest == latest && mergedMetrics == metrics && mergedParents == parents && mergedChildren == children) {
      return this;
    }
    return new Node(mergedId, mergedTopology, mergedSets, mergedAdjacency, mergedLatest, mergedMetrics, mergedParents,
        mergedChildren);
  }

  /** True when merging {@code other} into this node would throw: both name a topology, and not the same one. */
  public boolean conflictsWith(Node other) {
    return !topology.isEmpty() && !other.topology.isEmpty() && !topology.equals(other.topology);
  }

  /** Replaces both sides' active_controls by their union, stamped with the newer timestamp. */
  private static LatestMap[] unionActiveControls(LatestMap a, LatestMap b) {
    int i = a.indexOf(ACTIVE_CONTROLS);
    int j = b.indexOf(ACTIVE_CONTROLS);
    if (i < 0 || j < 0 || a.valueAt(i).equals(b.valueAt(j))) {
      return new LatestMap[] {a, b};
    }
    StringSet union = splitControls(a.valueAt(i)).merge(splitControls(b.valueAt(j)));
    String joined = String.join(";", union);
    long ts = Math.max(a.timestampAt(i), b.timestampAt(j));
    return new LatestMap[] {a.with(ACTIVE_CONTROLS, ts, joined), b.with(ACTIVE_CONTROLS, ts, joined)};
  }

  private static StringSet splitControls(String value) {
    if (value.isEmpty()) {
      return StringSet.EMPTY;
    }
    return StringSet.fromArrayOwned(Arrays.stream(value.split(";")).filter(s -> !s.isEmpty()).toArray(String[]::new));
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof Node n && id.equals(n.id) && topology.equals(n.topology) && sets.equals(n.sets)
        && adjacency.equals(n.adjacency) && latest.equals(n.latest) && metrics.equals(n.metrics)
        && parents.equals(n.parents) && children.equals(n.children);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, topology, sets, adjacency, latest, metrics, parents, children);
  }

  @Override
  public String toString() {
    return "Node{" + id + " (" + topology + "), latest=" + latest + ", sets=" + sets + ", adjacency=" + adjacency
        + ", parents=" + parents + ", metrics=" + metrics + "}";
  }
}
