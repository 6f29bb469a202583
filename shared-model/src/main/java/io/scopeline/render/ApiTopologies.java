package io.scopeline.render;

import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The topologies the API offers (Scope's app/api_topologies.go): their options, how a request's
 * options become filters, the /api/topology listing with stats, and node lookups.
 */
public final class ApiTopologies {
  /** One option value and what it filters. {@code pseudoToo}: the filter also applies to pseudo nodes. */
  record Option(String value, String label, Predicate<RNode> keep, boolean pseudoToo, Transformer special) {
    static Option none(String value, String label) {
      return new Option(value, label, null, false, null);
    }
  }

  record OptionGroup(String id, String defaultValue, List<Option> options, String selectType, String noneLabel) {
    Option find(String value) {
      for (Option o : options) {
        if (o.value().equals(value)) {
          return o;
        }
      }
      return null;
    }
  }

  /** An API topology; {@code parent} is null for top-level ones. */
  record Desc(String id, String parent, String name, int rank, boolean hideIfEmpty, List<OptionGroup> options,
      Renderer renderer, Renderer listedRenderer) {
    Desc(String id, String parent, String name, int rank, boolean hideIfEmpty, List<OptionGroup> options,
        Renderer renderer) {
      this(id, parent, name, rank, hideIfEmpty, options, renderer, renderer);
    }
  }

  /** A renderer and the transformer the request's options select. */
  public record Selection(String topologyId, Renderer renderer, Transformer transformer) {
    public Rendered render(RenderContext ctx) {
      return transformer.transform(ctx.render(renderer));
    }
  }

  private static final OptionGroup UNCONNECTED = new OptionGroup("unconnected", "hide", List.of(
      Option.none("show", "Show unconnected"),
      new Option("hide", "Hide unconnected", null, true, Filters.UNCONNECTED)), null, null);

  private static OptionGroup pseudo(String what) {
    return new OptionGroup("pseudo", "hide", List.of(Option.none("show", "Show " + what),
        new Option("hide", "Hide " + what, Filters::isNotPseudo, true, null)), null, null);
  }

  private static final List<OptionGroup> CONTAINER_OPTIONS = List.of(
      new OptionGroup("system", "application", List.of(Option.none("all", "All"),
          new Option("system", "System containers", Filters::isSystem, false, null),
          new Option("application", "Application containers", Filters::isApplication, false, null)), null, null),
      new OptionGroup("stopped", "running", List.of(
          new Option("stopped", "Stopped containers", Filters::isStopped, false, null),
          new Option("running", "Running containers", Filters::isRunning, false, null),
          Option.none("both", "Both")), null, null),
      pseudo("uncontained"));

  private static final List<OptionGroup> POD_OPTIONS = List.of(
      new OptionGroup("snapshot", "hide", List.of(Option.none("show", "Show snapshots"),
          new Option("hide", "Hide snapshots",
              n -> !Filters.isTopology(n, Volumes.SNAPSHOT, Volumes.SNAPSHOT_DATA), false, null)), null, null),
      new OptionGroup("storage", "hide", List.of(Option.none("show", "Show storage"),
          new Option("hide", "Hide storage",
              n -> !Filters.isTopology(n, Volumes.PV, Volumes.PVC, Volumes.STORAGE_CLASS), false, null)), null, null),
      pseudo("unmanaged"));

  private static final List<Desc> REGISTRY = List.of(
      new Desc("processes", null, "Processes", 1, true, List.of(UNCONNECTED), Topologies.PROCESSES,
          Topologies.PROCESSES_AS_LISTED),
      new Desc("processes-by-name", "processes", "by name", 0, true, List.of(UNCONNECTED), Topologies.PROCESS_NAMES,
          Topologies.PROCESS_NAMES_AS_LISTED),
      new Desc("containers", null, "Containers", 2, false, CONTAINER_OPTIONS, Topologies.CONTAINERS_WITH_IMAGE_NAMES),
      new Desc("containers-by-hostname", "containers", "by DNS name", 0, false, CONTAINER_OPTIONS,
          Topologies.CONTAINER_HOSTNAMES),
      new Desc("containers-by-image", "containers", "by image", 0, false, CONTAINER_OPTIONS,
          Topologies.CONTAINER_IMAGES),
      new Desc("pods", null, "Pods", 3, true, POD_OPTIONS, Topologies.PODS),
      new Desc("kube-controllers", "pods", "Controllers", 0, true, List.of(pseudo("unmanaged")),
          Topologies.KUBE_CONTROLLERS),
      new Desc("services", "pods", "Services", 0, true, List.of(pseudo("unmanaged")), Topologies.SERVICES),
      new Desc("ecs-tasks", null, "Tasks", 3, true, List.of(pseudo("unmanaged")), Topologies.ECS_TASKS),
      new Desc("ecs-services", "ecs-tasks", "Services", 0, true, List.of(pseudo("unmanaged")),
          Topologies.ECS_SERVICES),
      new Desc("swarm-services", null, "Services", 3, true, List.of(pseudo("unmanaged")), Topologies.SWARM_SERVICES),
      new Desc("hosts", null, "Hosts", 4, false, List.of(), Topologies.HOSTS),
      new Desc("weave", "hosts", "Weave Net", 0, false, List.of(), Topologies.WEAVE));

  private static final java.util.Set<String> NAMESPACE_LISTED_ONLY =
      java.util.Set.of("containers-by-hostname", "containers-by-image");

  private ApiTopologies() {}

  public static boolean exists(String id) {
    return find(id) != null;
  }

  private static Desc find(String id) {
    for (Desc d : REGISTRY) {
      if (d.id().equals(id)) {
        return d;
      }
    }
    return null;
  }

  /** The ids of all API topologies. */
  public static List<String> ids() {
    return REGISTRY.stream().map(Desc::id).toList();
  }

  /**
   * The rendering a request asks for. Like Scope, option defaults apply only when the request has
   * some query parameter; unconnected pseudo nodes are dropped in any case.
   */
  public static Optional<Selection> select(Report report, String id, Map<String, List<String>> query) {
    Desc d = find(id);
    if (d == null) {
      return Optional.empty();
    }
    List<OptionGroup> groups = optionsFor(report, d);
    Transformer t = Transformer.IDENTITY;
    if (!query.isEmpty()) {
      List<Predicate<RNode>> keeps = new ArrayList<>();
      List<Transformer> specials = new ArrayList<>();
      for (OptionGroup g : groups) {
        List<String> given = query.get(g.id());
        String value = given == null || given.isEmpty() ? g.defaultValue() : given.get(0);
        if (g.id().equals("namespace")) {
          // Scope lists the namespace option under the containers' sub-views too, but filters by it
          // only in the views it adds it to by id: containers, pods, services and controllers.
          if (!value.isEmpty() && !NAMESPACE_LISTED_ONLY.contains(d.id())) {
            Predicate<RNode> ns = Filters.inNamespaces(Arrays.asList(value.split(",")));
            keeps.add(n -> n.isPseudo() || ns.test(n));
          }
          continue;
        }
        Option o = g.find(value);
        if (o == null) {
          continue;
        }
        if (o.keep() != null) {
          Predicate<RNode> keep = o.keep();
          keeps.add(o.pseudoToo() ? keep : n -> n.isPseudo() || keep.test(n));
        }
        if (o.special() != null) {
          specials.add(o.special());
        }
      }
      if (!keeps.isEmpty()) {
        t = Render.filterTransform(n -> keeps.stream().allMatch(k -> k.test(n)));
      }
      for (Transformer s : specials) {
        t = t.andThen(s);
      }
    }
    return Optional.of(new Selection(id, d.renderer(), t.andThen(Filters.UNCONNECTED_PSEUDO)));
  }

  /** {@code GET /api/topology}: every topology with its options and the stats of its rendering. */
  public static List<Map<String, Object>> describe(RenderContext ctx, Map<String, List<String>> query) {
    List<Map<String, Object>> top = new ArrayList<>();
    List<Desc> roots = REGISTRY.stream().filter(d -> d.parent() == null)
        .sorted(Comparator.comparing(Desc::name)).toList();
    for (Desc d : roots) {
      Map<String, Object> m = describe(ctx, d, query);
      List<Map<String, Object>> subs = new ArrayList<>();
      REGISTRY.stream().filter(s -> d.id().equals(s.parent())).sorted(Comparator.comparing(Desc::name))
          .forEach(s -> subs.add(describe(ctx, s, query)));
      if (!subs.isEmpty()) {
        m.put("sub_topologies", subs);
      }
      top.add(m);
    }
    return top;
  }

  private static Map<String, Object> describe(RenderContext ctx, Desc d, Map<String, List<String>> query) {
    Selection sel = select(ctx.report(), d.id(), query).orElseThrow();
    Rendered r = new Selection(sel.topologyId(), d.listedRenderer(), sel.transformer()).render(ctx);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hide_if_empty", d.hideIfEmpty());
    m.put("name", d.name());
    List<Map<String, Object>> options = new ArrayList<>();
    for (OptionGroup g : optionsFor(ctx.report(), d)) {
      Map<String, Object> og = new LinkedHashMap<>();
      og.put("defaultValue", g.defaultValue());
      og.put("id", g.id());
      List<Map<String, Object>> values = new ArrayList<>();
      for (Option o : g.options()) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("label", o.label());
        v.put("value", o.value());
        values.add(v);
      }
      og.put("options", values);
      Summaries.putIf(og, "selectType", g.selectType(), g.selectType() != null);
      Summaries.putIf(og, "noneLabel", g.noneLabel(), g.noneLabel() != null);
      options.add(og);
    }
    m.put("options", options.isEmpty() ? null : options);
    m.put("rank", d.rank());
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("edge_count", r.edgeCount());
    stats.put("filtered_nodes", r.filtered());
    stats.put("node_count", r.nodes().size());
    stats.put("nonpseudo_node_count", r.nonPseudoCount());
    m.put("stats", stats);
    m.put("url", "/api/topology/" + d.id());
    return m;
  }

  /**
   * The option groups of a topology for this report: Kubernetes namespaces (from the namespace
   * objects probes reported) and Swarm stacks add a namespace group where they apply.
   */
  static List<OptionGroup> optionsFor(Report report, Desc d) {
    List<OptionGroup> groups = new ArrayList<>(d.options());
    String root = d.parent() == null ? d.id() : d.parent();
    TreeSet<String> kube = new TreeSet<>();
    report.topology(TopologyType.NAMESPACE).nodes().forEach((id, n) -> {
      String name = n.latest().get(Keys.K8S_NAME);
      if (name != null && !n.topology().isEmpty()) {
        kube.add(name);
      }
    });
    if (!kube.isEmpty() && (root.equals("containers") || root.equals("pods"))) {
      groups.add(namespaceGroup(kube, "All Namespaces"));
    }
    TreeSet<String> stacks = new TreeSet<>();
    for (Map.Entry<String, Node> e : report.topology(TopologyType.SWARM_SERVICE).nodes()) {
      String ns = e.getValue().latest().get(Keys.STACK_NAMESPACE);
      if (ns != null) {
        stacks.add(ns);
      }
    }
    if (!stacks.isEmpty() && (root.equals("containers") || d.id().equals("swarm-services"))) {
      groups.add(namespaceGroup(stacks, "All Stacks"));
    }
    return groups;
  }

  private static OptionGroup namespaceGroup(TreeSet<String> names, String noneLabel) {
    List<Option> options = names.stream().map(n -> Option.none(n, n)).toList();
    return new OptionGroup("namespace", "", options, "union", noneLabel);
  }

  /**
   * {@code GET /api/topology/{id}/{node}}: the node from the unfiltered rendering (empty when it is
   * not there), shown with the filtered one's edges when the filters kept it.
   */
  public static Optional<JsonOut.Writable> node(RenderContext ctx, Selection sel, String nodeId) {
    Rendered all = ctx.render(sel.renderer());
    RNode node = all.nodes().get(nodeId);
    if (node == null) {
      return Optional.empty();
    }
    Rendered filtered = sel.transformer().transform(all);
    Map<String, RNode> nodes = new LinkedHashMap<>(filtered.nodes());
    RNode kept = nodes.get(nodeId);
    if (kept != null) {
      node = kept;
    } else {
      nodes.put(nodeId, node);
    }
    return Optional.of(Details.of(sel.topologyId(), ctx.report(), nodes, node));
  }
}
