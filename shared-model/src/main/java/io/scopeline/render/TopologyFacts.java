package io.scopeline.render;

import io.scopeline.model.DnsRecord;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What change events compare between one moment of a tenant and the next: the nodes of a view
 * (pseudo nodes left out) with their labels, the view's edges from a real node, and the external
 * destinations connected to — remote addresses outside every local network, as
 * {@code <reverse DNS name or IP>:<port>}.
 */
public record TopologyFacts(Map<String, String> nodes, java.util.Set<HistoryDiff.Edge> edges,
    java.util.Set<String> external) {

  /** The facts of {@code report} in {@code view} (a topology id of the API, e.g. {@code containers}). */
  public static TopologyFacts of(Report report, String view) {
    Map<String, NodeSummary> summaries = new Views(report).summaries(view, Map.of()).orElse(Map.of());
    TreeMap<String, String> nodes = new TreeMap<>();
    TreeSet<HistoryDiff.Edge> edges = new TreeSet<>();
    summaries.forEach((id, s) -> {
      if (s.pseudo()) {
        return;
      }
      nodes.put(id, s.label());
      s.adjacency().forEach(target -> edges.add(new HistoryDiff.Edge(id, target)));
    });
    return new TopologyFacts(nodes, edges, external(report));
  }

  private static TreeSet<String> external(Report report) {
    Networks local = new RenderContext(report).localNetworks();
    TreeSet<String> out = new TreeSet<>();
    for (Map.Entry<String, Node> e : report.topology(TopologyType.ENDPOINT).nodes()) {
      for (String target : e.getValue().adjacency()) {
        String[] parts = Ids.parseEndpoint(target);
        if (parts == null) {
          continue;
        }
        long ip = Networks.parseIpv4(parts[1]);
        if (ip < 0 || local.contains(ip) || isPrivateOrLoopback(ip)) {
          continue;
        }
        DnsRecord dns = report.dns().get(parts[1]);
        String name = dns == null || dns.reverse().isEmpty() ? parts[1] : dns.reverse().get(0);
        out.add(name + ":" + parts[2]);
      }
    }
    return out;
  }

  /** 10/8, 172.16/12, 192.168/16, 127/8, 169.254/16: never the internet, whatever the probes say. */
  private static boolean isPrivateOrLoopback(long ip) {
    long a = ip >>> 24;
    long b = (ip >>> 16) & 0xFF;
    return a == 10 || a == 127 || (a == 172 && b >= 16 && b < 32) || (a == 192 && b == 168)
        || (a == 169 && b == 254);
  }
}
