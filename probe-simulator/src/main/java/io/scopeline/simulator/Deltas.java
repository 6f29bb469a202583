package io.scopeline.simulator;

import io.scopeline.model.KeyedMap;
import io.scopeline.model.LatestMap;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.Topology;
import io.scopeline.model.TopologyType;

/**
 * A Scope probe's delta report: the current report "unmerged" from the last full one. A node in
 * both loses its id and topology; its latest, sets, parents and adjacency are each dropped when
 * unchanged (latest compared ignoring timestamps); metrics are always kept; a node with nothing
 * changed and no metrics is dropped. Topology presentation is blanked when unchanged and templates
 * are dropped. Merging the delta into the full report restores every node.
 */
public final class Deltas {
  private Deltas() {}

  public static Report of(Report current, Report lastFull) {
    Report out = current;
    for (TopologyType type : TopologyType.all()) {
      out = out.withTopology(type, topology(current.topology(type), lastFull.topology(type)));
    }
    return out;
  }

  private static Topology topology(Topology now, Topology full) {
    KeyedMap<Node> nodes = now.nodes().mapValues((id, n) -> {
      Node before = full.nodes().get(id);
      return before == null ? n : node(n, before);
    }).filter((id, n) -> n != null);
    Topology t = Topology.EMPTY.withNodes(nodes).withControls(now.controls());
    boolean samePresentation = now.shape().equals(full.shape()) && now.label().equals(full.label())
        && now.tag().equals(full.tag());
    return samePresentation ? t : t.withShape(now.shape()).withTag(now.tag()).withLabels(now.label(), now.labelPlural());
  }

  /** The unmerged node, or null when nothing changed. */
  private static Node node(Node now, Node full) {
    if (!now.id().equals(full.id()) || !now.topology().equals(full.topology())) {
      return now;
    }
    boolean latestSame = now.latest().equalsIgnoringTimestamps(full.latest());
    boolean setsSame = now.sets().equals(full.sets());
    boolean parentsSame = now.parents().equals(full.parents());
    boolean adjacencySame = now.adjacency().equals(full.adjacency());
    if (latestSame && setsSame && parentsSame && adjacencySame && now.metrics().isEmpty()) {
      return null;
    }
    return new Node("", "", setsSame ? null : now.sets(), adjacencySame ? null : now.adjacency(),
        latestSame ? LatestMap.EMPTY : now.latest(), now.metrics(), parentsSame ? null : now.parents(), null);
  }
}
