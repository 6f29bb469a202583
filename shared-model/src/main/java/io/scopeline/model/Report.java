package io.scopeline.model;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A probe report or a merge of several (Scope's Report): 23 topologies plus DNS records, sampling,
 * the time window it covers, the shortcut flag, plugins, an id and the earliest generation time.
 */
public final class Report {
  private static final Topology[] EMPTY_TOPOLOGIES = emptyTopologies();

  /** A report with nothing in it; topologies carry no shape or labels. */
  public static final Report EMPTY = new Report(Timestamps.ZERO, EMPTY_TOPOLOGIES, KeyedMap.empty(), Sampling.NONE, 0,
      false, KeyedMap.empty(), "");

  private final long ts;
  private final Topology[] topologies;
  private final KeyedMap<DnsRecord> dns;
  private final Sampling sampling;
  private final long windowNanos;
  private final boolean shortcut;
  private final KeyedMap<PluginSpec> plugins;
  private final String id;

  private Report(long ts, Topology[] topologies, KeyedMap<DnsRecord> dns, Sampling sampling, long windowNanos,
      boolean shortcut, KeyedMap<PluginSpec> plugins, String id) {
    this.ts = ts;
    this.topologies = topologies;
    this.dns = dns;
    this.sampling = sampling;
    this.windowNanos = windowNanos;
    this.shortcut = shortcut;
    this.plugins = plugins;
    this.id = id;
  }

  private static Topology[] emptyTopologies() {
    Topology[] t = new Topology[TopologyType.allArray().length];
    Arrays.fill(t, Topology.EMPTY);
    return t;
  }

  /** An empty report with Scope's preset shapes and labels (Scope's MakeReport). */
  public static Report withDefaults() {
    Topology[] t = new Topology[EMPTY_TOPOLOGIES.length];
    for (TopologyType type : TopologyType.allArray()) {
      t[type.ordinal()] = type.defaultTopology();
    }
    return new Report(Timestamps.ZERO, t, KeyedMap.empty(), Sampling.NONE, 0, false, KeyedMap.empty(), "");
  }

  public static Builder builder() {
    return new Builder(EMPTY);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Earliest generation time, epoch nanos ({@link Timestamps#ZERO} when unknown). */
  public long ts() {
    return ts;
  }

  public Topology topology(TopologyType type) {
    return topologies[type.ordinal()];
  }

  public KeyedMap<DnsRecord> dns() {
    return dns;
  }

  public Sampling sampling() {
    return sampling;
  }

  /** The span this report covers, in nanoseconds (a Go Duration). */
  public long windowNanos() {
    return windowNanos;
  }

  public boolean shortcut() {
    return shortcut;
  }

  public KeyedMap<PluginSpec> plugins() {
    return plugins;
  }

  public String id() {
    return id;
  }

  /** Total number of nodes over all topologies. */
  public int nodeCount() {
    int n = 0;
    for (Topology t : topologies) {
      n += t.nodes().size();
    }
    return n;
  }

  public Report withTopology(TopologyType type, Topology topology) {
    if (topologies[type.ordinal()] == topology) {
      return this;
    }
    Topology[] t = topologies.clone();
    t[type.ordinal()] = topology;
    return new Report(ts, t, dns, sampling, windowNanos, shortcut, plugins, id);
  }

  /** This report with every node's (and child's) metrics {@link Metric#downsampled downsampled}. */
  public Report withMetricsDownsampled(long bucketNanos) {
    return mapTopologies(t -> t.withNodes(t.nodes().mapValues(n -> downsampled(n, bucketNanos))));
  }

  private static Node downsampled(Node n, long bucketNanos) {
    Node out = n.metrics().isEmpty() ? n : n.withMetrics(n.metrics().mapValues(m -> m.downsampled(bucketNanos)));
    return out.children().isEmpty() ? out
        : out.withChildren(out.children().mapValues(c -> downsampled(c, bucketNanos)));
  }

  /** This report with every topology transformed by {@code f}. */
  public Report mapTopologies(UnaryOperator<Topology> f) {
    Topology[] t = null;
    for (int i = 0; i < topologies.length; i++) {
      Topology mapped = f.apply(topologies[i]);
      if (mapped != topologies[i]) {
        if (t == null) {
          t = topologies.clone();
        }
        t[i] = mapped;
      }
    }
    return t == null ? this : new Report(ts, t, dns, sampling, windowNanos, shortcut, plugins, id);
  }

  public Report withId(String newId) {
    return new Report(ts, topologies, dns, sampling, windowNanos, shortcut, plugins, newId);
  }

  public Report withShortcut(boolean s) {
    return new Report(ts, topologies, dns, sampling, windowNanos, s, plugins, id);
  }

  public Report withDns(KeyedMap<DnsRecord> d) {
    return new Report(ts, topologies, d, sampling, windowNanos, shortcut, plugins, id);
  }

  /**
   * Scope's report merge: earliest non-zero TS, DNS union, summed sampling and window, plugin union
   * by id, and each topology merged. This report's ID and shortcut flag are kept.
   */
  public Report merge(Report other) {
    long mergedTs = ts == Timestamps.ZERO ? other.ts : other.ts == Timestamps.ZERO ? ts : Math.min(ts, other.ts);
    Topology[] t = new Topology[topologies.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = topologies[i].merge(other.topologies[i]);
    }
    return new Report(mergedTs, t, dns.merge(other.dns, DnsRecord::merge), sampling.merge(other.sampling),
        windowNanos + other.windowNanos, shortcut, plugins.merge(other.plugins, (a, b) -> a), id);
  }

  /** This report without nodes whose topology is still unknown (deltas whose full report is gone). */
  public Report withoutPartMergedNodes() {
    return mapTopologies(Topology::withoutPartMergedNodes);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof Report r && ts == r.ts && windowNanos == r.windowNanos && shortcut == r.shortcut
        && id.equals(r.id) && sampling.equals(r.sampling) && Arrays.equals(topologies, r.topologies)
        && dns.equals(r.dns) && plugins.equals(r.plugins);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ts, Arrays.hashCode(topologies), dns, sampling, windowNanos, shortcut, plugins, id);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Report{id=").append(id).append(", ts=")
        .append(Timestamps.formatRfc3339Nano(ts)).append(", window=").append(windowNanos).append("ns");
    for (TopologyType type : TopologyType.allArray()) {
      int n = topologies[type.ordinal()].nodes().size();
      if (n > 0) {
        sb.append(", ").append(type.wireKey()).append('=').append(n);
      }
    }
    return sb.append('}').toString();
  }

  /** Assembles a report field by field (used by decoders and generators). */
  public static final class Builder {
    private long ts;
    private final Topology[] topologies;
    private KeyedMap<DnsRecord> dns;
    private Sampling sampling;
    private long windowNanos;
    private boolean shortcut;
    private KeyedMap<PluginSpec> plugins;
    private String id;

    private Builder(Report from) {
      ts = from.ts;
      topologies = from.topologies.clone();
      dns = from.dns;
      sampling = from.sampling;
      windowNanos = from.windowNanos;
      shortcut = from.shortcut;
      plugins = from.plugins;
      id = from.id;
    }

    public Builder ts(long v) {
      ts = v;
      return this;
    }

    public Builder topology(TopologyType type, Topology t) {
      topologies[type.ordinal()] = Objects.requireNonNull(t);
      return this;
    }

    public Topology topology(TopologyType type) {
      return topologies[type.ordinal()];
    }

    public Builder dns(KeyedMap<DnsRecord> v) {
      dns = Objects.requireNonNull(v);
      return this;
    }

    public Builder sampling(Sampling v) {
      sampling = Objects.requireNonNull(v);
      return this;
    }

    public Builder windowNanos(long v) {
      windowNanos = v;
      return this;
    }

    public Builder shortcut(boolean v) {
      shortcut = v;
      return this;
    }

    public Builder plugins(KeyedMap<PluginSpec> v) {
      plugins = Objects.requireNonNull(v);
      return this;
    }

    public Builder id(String v) {
      id = v == null ? "" : v;
      return this;
    }

    public Report build() {
      return new Report(ts, topologies.clone(), dns, sampling, windowNanos, shortcut, plugins, id);
    }
  }
}
