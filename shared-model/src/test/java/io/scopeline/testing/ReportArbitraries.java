package io.scopeline.testing;

import io.scopeline.model.Control;
import io.scopeline.model.DnsRecord;
import io.scopeline.model.KeyedMap;
import io.scopeline.model.LatestMap;
import io.scopeline.model.MetadataTemplate;
import io.scopeline.model.Metric;
import io.scopeline.model.MetricTemplate;
import io.scopeline.model.Node;
import io.scopeline.model.PluginSpec;
import io.scopeline.model.Report;
import io.scopeline.model.Sampling;
import io.scopeline.model.StringSet;
import io.scopeline.model.TableTemplate;
import io.scopeline.model.Topology;
import io.scopeline.model.TopologyType;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random reports over small pools of ids, keys, values and times, so that merges really collide.
 * Anything Scope's rules resolve by side (controls, templates, plugins, equal-time samples) is a
 * function of its id here, which makes the symmetric parts of merge testable for commutativity.
 */
public final class ReportArbitraries {
  private static final long BASE = 1_795_311_567_000_000_000L;
  private static final List<TopologyType> TYPES = List.of(TopologyType.ENDPOINT, TopologyType.PROCESS,
      TopologyType.CONTAINER, TopologyType.HOST, TopologyType.POD);

  private ReportArbitraries() {}

  static Arbitrary<String> pick(String... values) {
    return Arbitraries.of(values);
  }

  static Arbitrary<Long> times() {
    return Arbitraries.integers().between(0, 6).map(i -> BASE + i * 1_000_000_000L);
  }

  static Arbitrary<StringSet> stringSets() {
    return pick("a", "b", "c", "d", "e").set().ofMaxSize(3).map(StringSet::of);
  }

  static Arbitrary<KeyedMap<StringSet>> sets() {
    return Arbitraries.maps(pick("ips", "ports", "local_networks", "host", "container"), stringSets())
        .ofMaxSize(2).map(KeyedMap::copyOf);
  }

  static Arbitrary<LatestMap> latest(boolean withControls) {
    Arbitrary<String> keys = withControls ? pick("name", "pid", "state", "host_name", Node.ACTIVE_CONTROLS)
        : pick("name", "pid", "state", "host_name");
    Arbitrary<Object[]> entry = Combinators.combine(keys, times(), pick("x", "y", "z", "host_exec", "docker_stop"))
        .as((k, t, v) -> new Object[] {k, t, v});
    return entry.list().ofMaxSize(4).map(entries -> {
      LatestMap.Builder b = LatestMap.builder(entries.size());
      for (Object[] e : entries) {
        b.put((String) e[0], (Long) e[1], (String) e[2]);
      }
      return b.build();
    });
  }

  /** A metric whose sample value is a function of (metric id, date). */
  static Metric metric(String id, Set<Integer> seconds) {
    long[] dates = seconds.stream().sorted().mapToLong(s -> BASE + s * 1_000_000_000L).toArray();
    double[] values = seconds.stream().sorted().mapToDouble(s -> id.length() * 10 + s).toArray();
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (double v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return Metric.of(dates, values, min, max);
  }

  static Arbitrary<KeyedMap<Metric>> metrics() {
    Arbitrary<Set<Integer>> seconds = Arbitraries.integers().between(0, 5).set().ofMinSize(1).ofMaxSize(3);
    return Combinators.combine(pick("cpu", "memory_usage").set().ofMaxSize(2), seconds, seconds).as((ids, s1, s2) -> {
      KeyedMap<Metric> m = KeyedMap.empty();
      int i = 0;
      for (String id : ids) {
        m = m.with(id, metric(id, i++ == 0 ? s1 : s2));
      }
      return m;
    });
  }

  static Arbitrary<Node> node(TopologyType type, String id) {
    Arbitrary<Boolean> delta = type == TopologyType.HOST ? Arbitraries.just(false) : Arbitraries.of(false, false, true);
    return Combinators.combine(delta, sets(), pick("n1", "n2", "n3", "n4").set().ofMaxSize(2).map(StringSet::of),
        latest(type == TopologyType.HOST), metrics(), sets()).as((isDelta, sets, adjacency, latest, metrics, parents) ->
            new Node(isDelta ? "" : id, isDelta ? "" : type.internalName(), sets, adjacency, latest, metrics, parents,
                null));
  }

  static Arbitrary<KeyedMap<Node>> nodes(TopologyType type) {
    return pick("n1", "n2", "n3", "n4").set().ofMaxSize(3).flatMap(ids -> {
      Arbitrary<KeyedMap<Node>> acc = Arbitraries.just(KeyedMap.empty());
      for (String id : ids) {
        acc = acc.flatMap(m -> node(type, id).map(n -> m.with(id, n)));
      }
      return acc;
    });
  }

  static Control control(String id) {
    return new Control(id, "Do " + id, "fa fa-" + id, "", id.length(), "");
  }

  static MetadataTemplate metadataTemplate(String id) {
    return new MetadataTemplate(id, id.toUpperCase(), id.length(), "", id.length() * 1.5, "latest");
  }

  static MetricTemplate metricTemplate(String id) {
    return new MetricTemplate(id, id, "percent", "", id.length());
  }

  static TableTemplate tableTemplate(String id) {
    return new TableTemplate(id, id, id + "_", "property-list", List.of(), KeyedMap.of("k_" + id, "Row"));
  }

  static <V> Arbitrary<KeyedMap<V>> byId(java.util.function.Function<String, V> f, String... ids) {
    return pick(ids).set().ofMaxSize(2).map(set -> {
      KeyedMap<V> m = KeyedMap.empty();
      for (String id : set) {
        m = m.with(id, f.apply(id));
      }
      return m;
    });
  }

  static Arbitrary<Topology> topology(TopologyType type) {
    return Combinators.combine(Arbitraries.of(true, false), nodes(type),
        byId(ReportArbitraries::control, "exec", "stop"),
        byId(ReportArbitraries::metadataTemplate, "name", "pid"),
        byId(ReportArbitraries::metricTemplate, "cpu"), byId(ReportArbitraries::tableTemplate, "labels"))
        .as((presented, nodes, controls, md, mt, tt) -> {
          Topology base = presented ? type.defaultTopology() : Topology.EMPTY;
          return base.withNodes(nodes).withControls(controls).withMetadataTemplates(md).withMetricTemplates(mt)
              .withTableTemplates(tt);
        });
  }

  static Arbitrary<KeyedMap<DnsRecord>> dns() {
    return Arbitraries.maps(pick("10.0.0.1", "10.0.0.2"),
        Combinators.combine(stringSets(), stringSets()).as(DnsRecord::new)).ofMaxSize(2).map(KeyedMap::copyOf);
  }

  /** A random report; its topologies are drawn from five of the 23 to keep shrinking quick. */
  public static Arbitrary<Report> reports() {
    Arbitrary<Report> base = Combinators.combine(times(), Arbitraries.longs().between(0, 5_000_000_000L),
        Arbitraries.of(true, false), pick("r1", "r2", "r3"), dns(),
        byId(id -> new PluginSpec(id, id, "", List.of("reporter"), "1", ""), "iowait", "traffic"),
        Arbitraries.integers().between(0, 3))
        .as((ts, window, shortcut, id, dns, plugins, sampling) -> Report.builder().ts(ts).windowNanos(window)
            .shortcut(shortcut).id(id).dns(dns).plugins(plugins).sampling(new Sampling(sampling, sampling * 2L))
            .build());
    for (TopologyType type : TYPES) {
      base = base.flatMap(r -> topology(type).map(t -> r.withTopology(type, t)));
    }
    return base;
  }
}
