package io.scopeline.render;

import io.scopeline.model.Control;
import io.scopeline.model.KeyedMap;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.Topology;
import io.scopeline.model.TopologyType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The node-details answer (Scope's render/detailed/node.go and connections.go). */
public final class Details {
  private record GroupSpec(String topology, String label, List<NodeSummary.Column> columns) {}

  private static final List<GroupSpec> GROUPS = List.of(
      new GroupSpec("pod", "Pods", List.of(new NodeSummary.Column("kubernetes_state", "State", false, ""),
          new NodeSummary.Column("container", "# Containers", false, "number"),
          new NodeSummary.Column("kubernetes_ip", "IP", false, "ip"))),
      new GroupSpec("ecs_task", "Tasks", List.of(new NodeSummary.Column("ecs_task_created_at", "Created At", false,
          "datetime"))),
      new GroupSpec("container", "Containers", List.of(new NodeSummary.Column("docker_cpu_total_usage", "CPU", false,
          "number"), new NodeSummary.Column("docker_memory_usage", "Memory", false, "number"))),
      new GroupSpec("process", "Processes", List.of(new NodeSummary.Column("pid", "PID", false, "number"),
          new NodeSummary.Column("process_cpu_usage_percent", "CPU", false, "number"),
          new NodeSummary.Column("process_memory_usage_bytes", "Memory", false, "number"))),
      new GroupSpec("container_image", "Container images", List.of()));

  private static final List<NodeSummary.Column> NORMAL_COLUMNS = List.of(
      new NodeSummary.Column("port", "Port", false, "number"), new NodeSummary.Column("count", "Count", true, "number"));
  private static final List<NodeSummary.Column> INTERNET_COLUMNS = List.of(
      new NodeSummary.Column("remote", "Remote", false, ""), new NodeSummary.Column("port", "Port", false, "number"),
      new NodeSummary.Column("count", "Count", true, "number"));

  private Details() {}

  /** Details of {@code n} as shown in API topology {@code topologyId}, {@code nodes} being that rendering. */
  public static JsonOut.Writable of(String topologyId, Report report, Map<String, RNode> nodes, RNode n) {
    NodeSummary summary = Summaries.summary(report, n, true);
    return new NodeDetails(summary == null ? NodeSummary.bare(n.id()) : summary, controls(report, n),
        children(report, n), List.of(incoming(topologyId, report, n, nodes), outgoing(topologyId, report, n, nodes)));
  }

  /** Scope's NodeDetails: the summary (with metric samples) and what only details show. */
  private record NodeDetails(NodeSummary summary, List<Map<String, Object>> controls,
      List<Map<String, Object>> children, List<Map<String, Object>> connections) implements JsonOut.Writable {
    @Override
    public void writeJson(tools.jackson.core.JsonGenerator g) {
      g.writeStartObject();
      summary.writeFields(g);
      g.writeName("controls");
      JsonOut.write(g, controls);
      JsonOut.writeIfNotEmpty(g, "children", children);
      g.writeName("connections");
      JsonOut.write(g, connections);
      g.writeEndObject();
    }
  }

  private static List<Map<String, Object>> controls(Report report, RNode n) {
    List<Map<String, Object>> out = new ArrayList<>();
    Topology t = Summaries.topology(report, n.topology());
    Node node = t == null ? null : t.nodes().get(n.id());
    if (node == null) {
      return out;
    }
    String probeId = node.latest().get(Keys.CONTROL_PROBE_ID);
    String active = node.latest().get(Node.ACTIVE_CONTROLS);
    if (probeId == null || active == null || active.isEmpty()) {
      return out;
    }
    for (String id : active.split(";")) {
      Control c = t.controls().get(id);
      if (c == null) {
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("probeId", c.probeId().isEmpty() ? probeId : c.probeId());
      row.put("nodeId", n.id());
      row.put("id", c.id());
      row.put("human", c.human());
      row.put("icon", c.icon());
      Summaries.putIf(row, "confirmation", c.confirmation(), !c.confirmation().isEmpty());
      row.put("rank", c.rank());
      out.add(row);
    }
    return out;
  }

  private static List<Map<String, Object>> children(Report report, RNode n) {
    Map<String, Map<String, NodeSummary>> byTopology = new HashMap<>();
    for (RNode child : n.children().values()) {
      if (child.id().equals(n.id())) {
        continue;
      }
      NodeSummary s = Summaries.summary(report, child, false);
      if (s != null) {
        byTopology.computeIfAbsent(child.topology(), x -> new TreeMap<>()).put(child.id(), s);
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (GroupSpec spec : GROUPS) {
      Map<String, NodeSummary> summaries = byTopology.remove(spec.topology());
      String api = Summaries.PRIMARY_API_TOPOLOGY.get(spec.topology());
      if (summaries == null || api == null) {
        continue;
      }
      out.add(group(spec.label(), summaries, api, spec.columns()));
    }
    for (Map.Entry<String, Map<String, NodeSummary>> e : new TreeMap<>(byTopology).entrySet()) {
      Topology t = Summaries.topology(report, e.getKey());
      String api = Summaries.PRIMARY_API_TOPOLOGY.get(e.getKey());
      if (t != null && api != null) {
        out.add(group(t.labelPlural(), e.getValue(), api, List.of()));
      }
    }
    return out;
  }

  private static Map<String, Object> group(String label, Map<String, NodeSummary> summaries, String api,
      List<NodeSummary.Column> columns) {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("id", "");
    g.put("label", label);
    g.put("nodes", new ArrayList<>(summaries.values()));
    g.put("topologyId", api);
    g.put("columns", columns);
    return g;
  }

  // ---- connections ---------------------------------------------------------------------------

  private record Row(String remoteNodeId, String remoteAddr, String localAddr, String port) {}

  /** Counts connections once per source endpoint (pre-NAT), keyed by remote node, addresses and port. */
  private static final class Counter {
    final Report report;
    final Set<String> counted = new HashSet<>();
    final Map<Row, Integer> counts = new LinkedHashMap<>();

    Counter(Report report) {
      this.report = report;
    }

    void add(boolean outgoing, RNode local, RNode remote, RNode localEp, RNode remoteEp) {
      if (localEp == null || remoteEp == null) {
        return;
      }
      RNode src = outgoing ? localEp : remoteEp;
      RNode dst = outgoing ? remoteEp : localEp;
      String connectionId = src.get(Keys.COPY_OF) != null ? src.get(Keys.COPY_OF) : src.id();
      if (counted.contains(connectionId)) {
        return;
      }
      String[] dstParts = Ids.parseEndpoint(dst.id());
      String remoteAddr = internetAddr(report, remote, remoteEp);
      String localAddr = internetAddr(report, local, localEp);
      if (dstParts == null || remoteAddr == null || localAddr == null) {
        return;
      }
      counted.add(connectionId);
      counts.merge(new Row(remote.id(), remoteAddr, localAddr, dstParts[2]), 1, Integer::sum);
    }

    List<Map<String, Object>> rows(Report report, Map<String, RNode> nodes, boolean includeLocal) {
      Map<String, Map<String, Object>> out = new TreeMap<>();
      counts.forEach((row, count) -> {
        RNode remote = nodes.get(row.remoteNodeId());
        NodeSummary s = remote == null ? null : Summaries.summary(report, remote, false);
        Map<String, Object> c = new LinkedHashMap<>();
        String id = row.remoteNodeId() + "-" + row.remoteAddr() + "-" + row.localAddr() + "-" + row.port();
        c.put("id", id);
        c.put("nodeId", s == null ? "" : s.id());
        c.put("label", !row.remoteAddr().isEmpty() ? row.remoteAddr() : s == null ? "" : s.label());
        // Scope leaves an empty minor label out of a connection row (omitempty).
        if (s != null && row.remoteAddr().isEmpty() && !s.labelMinor().isEmpty()) {
          c.put("labelMinor", s.labelMinor());
        }
        List<Map<String, Object>> metadata = new ArrayList<>();
        if (includeLocal) {
          metadata.add(cell("remote", row.localAddr()));
        }
        metadata.add(cell("port", row.port()));
        metadata.add(cell("count", Integer.toString(count)));
        c.put("metadata", metadata);
        out.put(id, c);
      });
      return new ArrayList<>(out.values());
    }
  }

  private static Map<String, Object> cell(String id, String value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("label", "");
    m.put("value", value);
    return m;
  }

  /**
   * How a connection table names an internet peer: its address, after the first name the report's
   * DNS records give it ("client-7.isp.example. (203.0.113.7)"); "" for a node that is not the
   * internet, null for an endpoint id without an address.
   */
  private static String internetAddr(Report report, RNode node, RNode ep) {
    if (!Ids.isInternet(node.id())) {
      return "";
    }
    String[] parts = Ids.parseEndpoint(ep.id());
    if (parts == null) {
      return null;
    }
    var dns = report.dns().get(parts[1]);
    String name = dns == null ? null : dns.firstMatch(x -> true);
    return name != null ? name + " (" + parts[1] + ")" : parts[1];
  }

  private static Map<String, Object> incoming(String topologyId, Report report, RNode n, Map<String, RNode> nodes) {
    Map<String, String> copies = new HashMap<>();
    Set<String> localIds = endpointIds(n, copies);
    KeyedMap<Node> endpoints = report.topology(TopologyType.ENDPOINT).nodes();
    Counter counter = new Counter(report);
    for (RNode remote : sorted(nodes)) {
      if (!remote.adjacency().contains(n.id())) {
        continue;
      }
      for (RNode remoteEp : endpointChildren(remote)) {
        for (String localId : remoteEp.adjacency()) {
          if (!localIds.contains(localId)) {
            continue;
          }
          localId = copies.getOrDefault(localId, localId);
          counter.add(false, n, remote, endpoint(endpoints, localId), remoteEp);
        }
      }
    }
    return table("incoming-connections", "Inbound", topologyId, n, counter.rows(report, nodes, Ids.isInternet(n.id())));
  }

  private static Map<String, Object> outgoing(String topologyId, Report report, RNode n, Map<String, RNode> nodes) {
    KeyedMap<Node> endpoints = report.topology(TopologyType.ENDPOINT).nodes();
    Counter counter = new Counter(report);
    List<RNode> localEps = endpointChildren(n);
    for (String id : n.adjacency()) {
      RNode remote = nodes.get(id);
      if (remote == null) {
        continue;
      }
      Map<String, String> copies = new HashMap<>();
      Set<String> remoteIds = endpointIds(remote, copies);
      for (RNode localEp : localEps) {
        for (String remoteId : localEp.adjacency()) {
          if (!remoteIds.contains(remoteId)) {
            continue;
          }
          remoteId = copies.getOrDefault(remoteId, remoteId);
          counter.add(true, n, remote, localEp, endpoint(endpoints, remoteId));
        }
      }
    }
    return table("outgoing-connections", "Outbound", topologyId, n, counter.rows(report, nodes, Ids.isInternet(n.id())));
  }

  private static Map<String, Object> table(String id, String label, String topologyId, RNode n,
      List<Map<String, Object>> rows) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("id", id);
    t.put("topologyId", topologyId);
    t.put("label", label);
    t.put("columns", Ids.isInternet(n.id()) ? INTERNET_COLUMNS : NORMAL_COLUMNS);
    t.put("connections", rows);
    return t;
  }

  private static RNode endpoint(KeyedMap<Node> endpoints, String id) {
    Node n = endpoints.get(id);
    return n == null ? null : RNode.of(n).withTopology("endpoint");
  }

  private static List<RNode> sorted(Map<String, RNode> nodes) {
    return new TreeMap<>(nodes).values().stream().toList();
  }

  private static List<RNode> endpointChildren(RNode n) {
    List<RNode> out = new ArrayList<>();
    for (RNode c : new TreeMap<>(n.children()).values()) {
      if ("endpoint".equals(c.topology())) {
        out.add(c);
      }
    }
    return out;
  }

  private static Set<String> endpointIds(RNode n, Map<String, String> copies) {
    Set<String> ids = new HashSet<>();
    for (RNode c : n.children().values()) {
      if ("endpoint".equals(c.topology())) {
        ids.add(c.id());
        String copyOf = c.get(Keys.COPY_OF);
        if (copyOf != null) {
          copies.put(c.id(), copyOf);
        }
      }
    }
    return ids;
  }
}
