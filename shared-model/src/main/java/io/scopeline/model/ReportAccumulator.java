package io.scopeline.model;

import java.util.HashMap;
import java.util.Map;

/**
 * Merges many reports into one in time linear in their total size, with the same result as
 * folding {@link Report#merge} over them in order.
 *
 * <p>Folding is quadratic when the reports differ (many probes' reports into one quantum): every
 * {@code merge} copies the accumulated node maps to add one report's nodes. Here nodes and DNS
 * records are gathered in hash maps, merged node by node with {@link Node#merge} in arrival order,
 * and sorted once by {@link #build}. Everything else (timestamps, window, sampling, plugins,
 * topology shapes, labels and templates) is small and still merged with {@link Report#merge}.
 *
 * <p>Reports are still folded while each is at least a quarter the size of what is gathered:
 * merging a few large, mostly overlapping reports (a window's quanta) is cheaper as sorted-array
 * walks than through hash maps, which pay off once many small reports pile up. Not thread-safe.
 */
public final class ReportAccumulator {
  private static final TopologyType[] TYPES = TopologyType.allArray();
  /** Folding stops once what is gathered has more than this many times the incoming report's nodes. */
  private static final int FOLD_RATIO = 4;

  /** The fold so far; null once gathering switched to hash maps. */
  private Report folded;
  private Report shell;
  @SuppressWarnings("unchecked")
  private final Map<String, Node>[] nodes = new Map[TYPES.length];
  private final Map<String, DnsRecord> dns = new HashMap<>();
  private int added;
  private Report built;

  /** Starts from {@code base}, whose ID and shortcut flag the result keeps (as {@code base.merge(...)} would). */
  public ReportAccumulator(Report base) {
    folded = base;
  }

  public ReportAccumulator() {
    this(Report.EMPTY);
  }

  /**
   * Merges {@code report} in. A node that names a different topology than the same node already
   * here throws {@link TopologyConflictException} and leaves the accumulator unchanged.
   */
  public void add(Report report) {
    if (folded != null) {
      if (folded.nodeCount() <= FOLD_RATIO * report.nodeCount()) {
        folded = folded.merge(report); // immutable: a conflict throws before anything changes
        added++;
        return;
      }
      shell = withoutNodes(folded);
      gather(folded);
      folded = null;
    }
    for (TopologyType type : TYPES) {
      KeyedMap<Node> incoming = report.topology(type).nodes();
      Map<String, Node> here = nodes[type.ordinal()];
      if (here == null || incoming.isEmpty()) {
        continue;
      }
      for (int i = 0; i < incoming.size(); i++) {
        Node mine = here.get(incoming.keyAt(i));
        if (mine != null && mine.conflictsWith(incoming.valueAt(i))) {
          mine.merge(incoming.valueAt(i)); // throws the exception a fold would, before anything changed
        }
      }
    }
    gather(report);
    shell = shell.merge(withoutNodes(report));
    added++;
    built = null;
  }

  private void gather(Report report) {
    for (TopologyType type : TYPES) {
      KeyedMap<Node> incoming = report.topology(type).nodes();
      if (incoming.isEmpty()) {
        continue;
      }
      Map<String, Node> here = nodes[type.ordinal()];
      if (here == null) {
        here = new HashMap<>(incoming.size() * 2);
        nodes[type.ordinal()] = here;
      }
      for (int i = 0; i < incoming.size(); i++) {
        here.merge(incoming.keyAt(i), incoming.valueAt(i), Node::merge);
      }
    }
    KeyedMap<DnsRecord> records = report.dns();
    for (int i = 0; i < records.size(); i++) {
      dns.merge(records.keyAt(i), records.valueAt(i), DnsRecord::merge);
    }
  }

  private static Report withoutNodes(Report r) {
    return r.mapTopologies(t -> t.nodes().isEmpty() ? t : t.withNodes(KeyedMap.empty())).withDns(KeyedMap.empty());
  }

  /** Reports added since construction (the base not counted). */
  public int size() {
    return added;
  }

  /** The merged report; cheap to call again until the next {@link #add}. */
  public Report build() {
    if (folded != null) {
      return folded;
    }
    if (built != null) {
      return built;
    }
    Report r = shell;
    for (TopologyType type : TYPES) {
      Map<String, Node> here = nodes[type.ordinal()];
      if (here != null) {
        KeyedMap.Builder<Node> b = KeyedMap.builder(here.size());
        here.forEach(b::put);
        r = r.withTopology(type, r.topology(type).withNodes(b.build()));
      }
    }
    KeyedMap.Builder<DnsRecord> d = KeyedMap.builder(dns.size());
    dns.forEach(d::put);
    built = r.withDns(d.build());
    return built;
  }
}
