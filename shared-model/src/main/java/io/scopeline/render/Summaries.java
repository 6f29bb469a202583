package io.scopeline.render;

import io.scopeline.model.KeyedMap;
import io.scopeline.model.MetadataTemplate;
import io.scopeline.model.Metric;
import io.scopeline.model.MetricTemplate;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.StringSet;
import io.scopeline.model.TableTemplate;
import io.scopeline.model.Timestamps;
import io.scopeline.model.Topology;
import io.scopeline.model.TopologyType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds each node's {@link NodeSummary} as the Scope UI receives it (Scope's
 * render/detailed/summary.go): labels and rank by topology, metadata, metrics and tables from the
 * report's templates, and parents.
 */
public final class Summaries {
  /** Report topology → the API topology that shows it, in the order parents are listed. */
  static final Map<String, String> PRIMARY_API_TOPOLOGY = new LinkedHashMap<>();

  static {
    PRIMARY_API_TOPOLOGY.put("container", "containers");
    PRIMARY_API_TOPOLOGY.put("container_image", "containers-by-image");
    PRIMARY_API_TOPOLOGY.put("pod", "pods");
    PRIMARY_API_TOPOLOGY.put("deployment", "kube-controllers");
    PRIMARY_API_TOPOLOGY.put("daemon_set", "kube-controllers");
    PRIMARY_API_TOPOLOGY.put("stateful_set", "kube-controllers");
    PRIMARY_API_TOPOLOGY.put("cron_job", "kube-controllers");
    PRIMARY_API_TOPOLOGY.put("job", "kube-controllers");
    PRIMARY_API_TOPOLOGY.put("service", "services");
    PRIMARY_API_TOPOLOGY.put("ecs_task", "ecs-tasks");
    PRIMARY_API_TOPOLOGY.put("ecs_service", "ecs-services");
    PRIMARY_API_TOPOLOGY.put("swarm_service", "swarm-services");
    PRIMARY_API_TOPOLOGY.put("host", "hosts");
    PRIMARY_API_TOPOLOGY.put("process", "processes");
  }

  /** Scope's own type names in a pod group's minor label ("DaemonSet of 4 pods"), no spaces. */
  private static final Map<String, String> POD_GROUP_TYPE_NAMES = Map.of("deployment", "Deployment", "daemon_set",
      "DaemonSet", "stateful_set", "StatefulSet", "cron_job", "CronJob", "job", "Job");

  private Summaries() {}

  /** Summaries of all nodes that have one, keyed by id; metric samples stripped. */
  public static Map<String, NodeSummary> of(Report report, Map<String, RNode> nodes) {
    Map<String, NodeSummary> out = new TreeMap<>();
    for (RNode n : nodes.values()) {
      NodeSummary s = summary(report, n, false);
      if (s != null) {
        out.put(n.id(), s);
      }
    }
    return out;
  }

  /** One node's summary, or null when Scope would not summarise it (endpoints, processes without pid). */
  public static NodeSummary summary(Report report, RNode n, boolean withSamples) {
    Labels l = labels(report, n);
    if (l == null) {
      return null;
    }
    Topology t = topology(report, n.topology());
    boolean group = n.topology().startsWith("group:");
    String shape = l.shape != null ? l.shape : t == null ? "" : t.shape();
    String tag = t == null || group ? "" : t.tag();
    List<NodeSummary.Metadata> metadata = List.of();
    List<NodeSummary.Parent> parents = List.of();
    List<NodeSummary.Metric> metrics = List.of();
    List<NodeSummary.Table> tables = List.of();
    if (!group) {
      parents = parents(report, n);
      if (t != null) {
        metadata = metadata(t.metadataTemplates(), n);
        metrics = metrics(t.metricTemplates(), n, withSamples);
        tables = tables(t.tableTemplates(), n);
      }
    }
    return new NodeSummary(n.id(), l.label, l.labelMinor, l.rank, shape, tag, l.stack, n.isPseudo(), metadata,
        parents, metrics, tables, n.adjacency().isEmpty() ? List.of() : n.adjacency().asList());
  }

  /** The label a node is shown with (parents and connection rows use it), or null. */
  static String label(Report report, RNode n) {
    Labels l = labels(report, n);
    return l == null ? null : l.label;
  }

  private record Labels(String label, String labelMinor, String rank, String shape, boolean stack) {}

  private static Labels labels(Report report, RNode n) {
    String t = n.topology();
    String id = n.id();
    if (n.isPseudo()) {
      if (id.equals(Ids.INCOMING_INTERNET)) {
        return new Labels("The Internet", "Inbound connections", id, "cloud", false);
      }
      if (id.equals(Ids.OUTGOING_INTERNET)) {
        return new Labels("The Internet", "Outbound connections", id, "cloud", false);
      }
      String rank = id.startsWith("pseudo:") ? id.substring("pseudo:".length()) : id;
      if (id.startsWith(Ids.SERVICE_PREFIX)) {
        return new Labels(id.substring(Ids.SERVICE_PREFIX.length()), "", rank, "cloud", false);
      }
      if (id.startsWith(Ids.UNCONTAINED_PREFIX)) {
        return new Labels("Uncontained", id.substring(Ids.UNCONTAINED_PREFIX.length()), rank, "square", true);
      }
      if (id.startsWith(Ids.UNMANAGED_PREFIX)) {
        return new Labels("Unmanaged", id.substring(Ids.UNMANAGED_PREFIX.length()), rank, "square", true);
      }
      String[] ep = Ids.parseEndpoint(id);
      return ep == null ? null : new Labels(ep[1], "", rank, "circle", false);
    }
    if (t.startsWith("group:")) {
      String[] parts = t.split(":", -1);
      if (parts.length != 3) {
        return null;
      }
      String label = n.get(parts[2]);
      if (label == null) {
        return null;
      }
      Topology base = topology(report, parts[1]);
      String minor = base == null || base.label().isEmpty() ? ""
          : pluralize(n.counter(parts[1]), base.label(), base.labelPlural());
      return new Labels(label, minor, label, base == null ? "" : base.shape(), true);
    }
    switch (t) {
      case "endpoint":
        return null;
      case "process": {
        String pid = n.get(Keys.PID);
        if (pid == null) {
          return null;
        }
        String name = nz(n.get(Keys.NAME));
        String container = n.get(Keys.CONTAINER_NAME);
        String minor = container == null ? Ids.hostId(n) + " (" + pid + ")"
            : Ids.hostId(n) + " (" + container + ":" + pid + ")";
        return new Labels(name, minor, name, null, false);
      }
      case "container": {
        String image = n.get(Keys.IMAGE_NAME);
        String host = Ids.hostId(n);
        return new Labels(containerName(n), host, image == null ? host : Ids.imageNameWithoutVersion(image), null,
            false);
      }
      case "container_image": {
        String image = n.get(Keys.IMAGE_NAME);
        if (image == null) {
          return null;
        }
        String name = Ids.imageNameWithoutVersion(image);
        String label = name;
        if (label.equals("<none>")) {
          label = nz(n.get(Keys.IMAGE_ID));
          label = label.length() > 12 ? label.substring(0, 12) : label;
        }
        return new Labels(label, pluralize(n.counter("container"), "container", "containers"), name, null, true);
      }
      case "pod": {
        String name = nz(n.get(Keys.K8S_NAME));
        return new Labels(name, pluralize(n.counter("container"), "container", "containers"),
            nz(n.get(Keys.K8S_NAMESPACE)) + "/" + name, null, false);
      }
      case "service":
      case "deployment":
      case "daemon_set":
      case "stateful_set":
      case "cron_job":
      case "job": {
        String name = nz(n.get(Keys.K8S_NAME));
        String count = pluralize(n.counter("pod"), "pod", "pods");
        String type = POD_GROUP_TYPE_NAMES.get(t);
        return new Labels(name, type == null ? count : type + " of " + count,
            nz(n.get(Keys.K8S_NAMESPACE)) + "/" + name, null, true);
      }
      case "persistent_volume":
      case "persistent_volume_claim":
      case "storage_class":
      case "volume_snapshot":
      case "volume_snapshot_data":
      case "replica_set":
      case "namespace": {
        String name = nz(n.get(Keys.K8S_NAME));
        return new Labels(name, "", nz(n.get(Keys.K8S_NAMESPACE)) + "/" + name, null, false);
      }
      case "ecs_task":
        return new Labels(nz(n.get(Keys.ECS_TASK_FAMILY)), "", "", null, false);
      case "ecs_service": {
        String first = Ids.firstPart(id);
        int semi = id.indexOf(';');
        String name = semi < 0 || id.endsWith(";<ecs_service>") ? first : id.substring(semi + 1);
        return new Labels(name, "", "", null, true);
      }
      case "swarm_service":
        return new Labels(nz(n.get(Keys.SWARM_SERVICE_NAME)), "", "", null, false);
      case "host": {
        String hostname = nz(n.get(Keys.HOST_NAME));
        int dot = hostname.indexOf('.');
        return dot < 0 ? new Labels(hostname, "", "", null, false)
            : new Labels(hostname.substring(0, dot), hostname.substring(dot + 1), hostname.substring(dot + 1), null,
                false);
      }
      case "overlay": {
        String peer = id.startsWith("#") ? id.substring(1) : id;
        return new Labels(nz(n.get(Keys.WEAVE_PEER_NICKNAME)), peer, "", null, false);
      }
      default:
        return topology(report, t) == null ? null : new Labels(id, "", "", null, false);
    }
  }

  /** A container's friendliest name: ECS or Kubernetes container name, Marathon app, name, hostname. */
  static String containerName(RNode n) {
    for (String key : new String[] {Keys.LABEL_PREFIX + "com.amazonaws.ecs.container-name",
        Keys.LABEL_PREFIX + "io.kubernetes.container.name", Keys.ENV_PREFIX + "MARATHON_APP_ID", Keys.CONTAINER_NAME,
        Keys.CONTAINER_HOSTNAME}) {
      String v = n.get(key);
      if (v != null) {
        return v;
      }
    }
    return "";
  }

  static String pluralize(int count, String singular, String plural) {
    return count + " " + (count == 1 ? singular : plural);
  }

  static Topology topology(Report report, String name) {
    TopologyType type = TopologyType.byName(name);
    return type == null ? null : report.topology(type);
  }

  // ---- rows from templates -------------------------------------------------------------------

  static List<NodeSummary.Metadata> metadata(KeyedMap<MetadataTemplate> templates, RNode n) {
    List<MetadataTemplate> used = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (Map.Entry<String, MetadataTemplate> e : templates) {
      MetadataTemplate t = e.getValue();
      String v = metadataValue(n, t.id(), t.from());
      if (v != null) {
        used.add(t);
        values.add(v);
      }
    }
    List<Integer> order = sortedByPriority(used, MetadataTemplate::priority, MetadataTemplate::id);
    List<NodeSummary.Metadata> rows = new ArrayList<>(order.size());
    for (int i : order) {
      MetadataTemplate t = used.get(i);
      rows.add(new NodeSummary.Metadata(t.id(), t.label(), values.get(i), t.priority(), t.dataType(), t.truncate()));
    }
    return rows;
  }

  private static String metadataValue(RNode n, String key, String from) {
    if (from.isEmpty() || from.equals("latest")) {
      String v = n.get(key);
      if (v != null || from.equals("latest")) {
        return v;
      }
    }
    if (from.isEmpty() || from.equals("sets")) {
      StringSet set = n.sets().get(key);
      if (set != null || from.equals("sets")) {
        return set == null ? null : String.join(", ", set);
      }
    }
    Integer c = n.counters().get(key);
    return c == null ? null : Integer.toString(c);
  }

  static List<NodeSummary.Metric> metrics(KeyedMap<MetricTemplate> templates, RNode n, boolean withSamples) {
    List<MetricTemplate> used = new ArrayList<>();
    for (Map.Entry<String, MetricTemplate> e : templates) {
      if (n.metrics().containsKey(e.getKey())) {
        used.add(e.getValue());
      }
    }
    List<NodeSummary.Metric> rows = new ArrayList<>();
    for (int i : sortedByPriority(used, MetricTemplate::priority, MetricTemplate::id)) {
      MetricTemplate t = used.get(i);
      Metric m = n.metrics().get(t.id());
      Double last = m.lastValue();
      List<NodeSummary.Sample> samples = null;
      if (withSamples) {
        samples = new ArrayList<>(m.sampleCount());
        for (int s = 0; s < m.sampleCount(); s++) {
          samples.add(new NodeSummary.Sample(Timestamps.formatRfc3339Nano(m.dateAt(s)), m.valueAt(s)));
        }
      }
      // Scope cuts the value to two decimals toward zero (its toFixed truncates): 15.459 -> 15.45.
      rows.add(new NodeSummary.Metric(t.id(), t.label(), t.format(), t.group(),
          last == null ? 0.0 : (long) (last * 100) / 100.0, last == null, t.priority(), samples, m.min(), m.max()));
    }
    return rows;
  }

  static List<NodeSummary.Table> tables(KeyedMap<TableTemplate> templates, RNode n) {
    List<NodeSummary.Table> out = new ArrayList<>();
    for (Map.Entry<String, TableTemplate> e : templates) {
      TableTemplate t = e.getValue();
      List<NodeSummary.Row> rows = new ArrayList<>();
      boolean multi = t.type().equals("multicolumn-table");
      Map<String, Map<String, String>> byRow = new TreeMap<>();
      for (int i = 0; i < n.latest().size(); i++) {
        String key = n.latest().keyAt(i);
        if (t.prefix().isEmpty() || !key.startsWith(t.prefix())) {
          continue;
        }
        String rest = key.substring(t.prefix().length());
        if (multi) {
          int sep = rest.indexOf("___");
          if (sep < 0) {
            continue;
          }
          byRow.computeIfAbsent(rest.substring(0, sep), x -> new LinkedHashMap<>())
              .put(rest.substring(sep + 3), n.latest().valueAt(i));
        } else {
          rows.add(new NodeSummary.Row("label_" + rest, labelled(rest, n.latest().valueAt(i))));
        }
      }
      t.fixedRows().forEach((key, label) -> {
        String v = n.get(key);
        if (v != null) {
          // Scope names a fixed row after its label, as it does the prefixed ones: "label_ Tag".
          rows.add(new NodeSummary.Row("label_" + label, labelled(label, v)));
        }
      });
      byRow.forEach((rowId, entries) -> rows.add(new NodeSummary.Row(rowId, entries)));
      if (rows.isEmpty() && !t.type().equals("property-list")) {
        continue;
      }
      // Scope sends a table whose template names no columns (a property list) with "columns": null.
      List<NodeSummary.Column> columns = t.columns().isEmpty() ? null : t.columns().stream()
          .map(c -> new NodeSummary.Column(c.id(), c.label(), c.defaultSort(), c.dataType())).toList();
      // Probes cap long tables and say how many rows they left out.
      String truncated = n.get("table_truncation_count_" + t.prefix());
      out.add(new NodeSummary.Table(t.id(), t.label(), t.type(), columns, rows,
          truncated == null ? 0 : parseIntOr(truncated, 0)));
    }
    return out;
  }

  private static Map<String, String> labelled(String label, String value) {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put("label", label);
    entries.put("value", value);
    return entries;
  }

  private static <T> List<Integer> sortedByPriority(List<T> items, java.util.function.ToDoubleFunction<T> priority,
      java.util.function.Function<T, String> id) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      idx.add(i);
    }
    idx.sort(Comparator.<Integer>comparingDouble(i -> priority.applyAsDouble(items.get(i)))
        .thenComparing(i -> id.apply(items.get(i))));
    return idx;
  }

  // ---- parents -------------------------------------------------------------------------------

  static List<NodeSummary.Parent> parents(Report report, RNode n) {
    List<NodeSummary.Parent> out = new ArrayList<>();
    for (Map.Entry<String, String> e : PRIMARY_API_TOPOLOGY.entrySet()) {
      String topology = e.getKey();
      if (topology.equals("process")) {
        continue;
      }
      StringSet ids = n.parents().get(topology);
      if (ids == null) {
        continue;
      }
      Topology t = topology(report, topology);
      for (String id : ids) {
        if (topology.equals(n.topology()) && id.equals(n.id())) {
          continue;
        }
        Node parent = t == null ? null : t.nodes().get(id);
        String label;
        if (parent != null) {
          RNode p = RNode.of(parent);
          label = label(report, p.topology().isEmpty() ? p.withTopology(topology) : p);
        } else if (topology.equals("container_image")) {
          label = Ids.firstPart(id);
        } else {
          continue;
        }
        out.add(new NodeSummary.Parent(id, label == null ? "" : label, e.getValue()));
      }
    }
    return out;
  }

  private static int parseIntOr(String s, int fallback) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  static void putIf(Map<String, Object> m, String key, Object value, boolean condition) {
    if (condition) {
      m.put(key, value);
    }
  }

  static String nz(String s) {
    return s == null ? "" : s;
  }
}
