package io.scopeline.model;

import java.util.TreeMap;

/**
 * Scope's back-compat upgrade applied to every received report: pod parents through replica sets
 * become deployment parents, namespaces are synthesized when the probe sent none, and DNS records
 * are rebuilt from endpoint sets when the report has none.
 */
public final class ReportUpgrade {
  static final String KUBERNETES_NAMESPACE = "kubernetes_namespace";
  static final String KUBERNETES_STATE = "kubernetes_state";
  static final String KUBERNETES_NAME = "kubernetes_name";
  static final String SNOOPED_DNS_NAMES = "snooped_dns_names";
  static final String REVERSE_DNS_NAMES = "reverse_dns_names";

  private static final TopologyType[] NAMESPACED = {
    TopologyType.POD, TopologyType.SERVICE, TopologyType.DEPLOYMENT, TopologyType.DAEMON_SET,
    TopologyType.STATEFUL_SET, TopologyType.CRON_JOB
  };

  private ReportUpgrade() {}

  public static Report upgrade(Report report) {
    return upgradeDns(upgradeNamespaces(upgradePodParents(report)));
  }

  /** Pods whose parent is a replica set get that replica set's deployments as parents instead. */
  static Report upgradePodParents(Report report) {
    KeyedMap<Node> replicaSets = report.topology(TopologyType.REPLICA_SET).nodes();
    if (replicaSets.isEmpty()) {
      return report;
    }
    String rsKey = TopologyType.REPLICA_SET.internalName();
    String deploymentKey = TopologyType.DEPLOYMENT.internalName();
    Topology pods = report.topology(TopologyType.POD);
    KeyedMap<Node> upgraded = pods.nodes().mapValues(pod -> {
      StringSet rsIds = pod.parents().get(rsKey);
      if (rsIds == null) {
        return pod;
      }
      KeyedMap<StringSet> parents = pod.parents().without(rsKey);
      for (String rsId : rsIds) {
        Node rs = replicaSets.get(rsId);
        StringSet deployments = rs == null ? null : rs.parents().get(deploymentKey);
        if (deployments != null) {
          StringSet existing = parents.getOrDefault(deploymentKey, StringSet.EMPTY);
          parents = parents.with(deploymentKey, existing.merge(deployments));
        }
      }
      return pod.withParents(parents);
    });
    return report.withTopology(TopologyType.POD, pods.withNodes(upgraded));
  }

  /**
   * Older probes sent no namespace nodes; they are derived from the namespaces of live Kubernetes
   * objects. Like Scope, the synthesized nodes carry no topology. Their timestamp is the newest of
   * the namespace values they come from (Scope uses the wall clock), so an upgrade is repeatable.
   */
  static Report upgradeNamespaces(Report report) {
    if (!report.topology(TopologyType.NAMESPACE).nodes().isEmpty()) {
      return report;
    }
    TreeMap<String, Long> namespaces = new TreeMap<>();
    for (TopologyType type : NAMESPACED) {
      report.topology(type).nodes().forEach((id, node) -> {
        if ("deleted".equals(node.latest().get(KUBERNETES_STATE))) {
          return;
        }
        int i = node.latest().indexOf(KUBERNETES_NAMESPACE);
        if (i >= 0) {
          namespaces.merge(node.latest().valueAt(i), node.latest().timestampAt(i), Math::max);
        }
      });
    }
    if (namespaces.isEmpty()) {
      return report;
    }
    KeyedMap.Builder<Node> nodes = KeyedMap.builder(namespaces.size());
    namespaces.forEach((ns, ts) -> {
      String id = ns + ";<namespace>";
      nodes.put(id, Node.of(id, "").withLatest(KUBERNETES_NAME, ts, ns));
    });
    Topology t = report.topology(TopologyType.NAMESPACE);
    return report.withTopology(TopologyType.NAMESPACE, t.withNodes(nodes.build()));
  }

  /** Rebuilds report-level DNS records from endpoint sets when a (legacy) report has none. */
  static Report upgradeDns(Report report) {
    if (!report.dns().isEmpty()) {
      return report;
    }
    TreeMap<String, DnsRecord> dns = new TreeMap<>();
    report.topology(TopologyType.ENDPOINT).nodes().forEach((id, endpoint) -> {
      StringSet forward = endpoint.sets().get(SNOOPED_DNS_NAMES);
      StringSet reverse = endpoint.sets().get(REVERSE_DNS_NAMES);
      String addr = endpointAddress(id);
      if (addr != null && (forward != null || reverse != null)) {
        dns.merge(addr, new DnsRecord(forward, reverse), DnsRecord::merge);
      }
    });
    return dns.isEmpty() ? report : report.withDns(KeyedMap.copyOf(dns));
  }

  /** The address part of an endpoint id {@code <scope>;<ip>;<port>}, or null when it has another shape. */
  public static String endpointAddress(String endpointId) {
    int first = endpointId.indexOf(';');
    if (first < 0) {
      return null;
    }
    int second = endpointId.indexOf(';', first + 1);
    if (second < 0) {
      return null;
    }
    return endpointId.substring(first + 1, second);
  }
}
