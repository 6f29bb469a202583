package io.scopeline.render;

import io.scopeline.model.KeyedMap;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.StringSet;
import io.scopeline.model.Topology;
import io.scopeline.model.TopologyType;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

/**
 * A report cut down to what a user limited to some Kubernetes namespaces may see (scope#3344):
 * their namespaces' objects, the containers of their pods with those containers' processes and
 * images, and only the connections those processes or container addresses hold. Everything is
 * removed before rendering, so no view, edge, detail or count can show another namespace's node.
 * Hosts stay (the nodes their pods run on); cluster-wide objects (persistent volumes, storage
 * classes, overlay peers, ECS and Swarm) and containers outside Kubernetes go.
 */
public final class VisibleNamespaces {
  private static final String POD_NAMESPACE_LABEL = Keys.LABEL_PREFIX + "io.kubernetes.pod.namespace";
  private static final Set<TopologyType> NAMESPACED = EnumSet.of(TopologyType.POD, TopologyType.SERVICE,
      TopologyType.DEPLOYMENT, TopologyType.REPLICA_SET, TopologyType.DAEMON_SET, TopologyType.STATEFUL_SET,
      TopologyType.CRON_JOB, TopologyType.JOB, TopologyType.PERSISTENT_VOLUME_CLAIM, TopologyType.VOLUME_SNAPSHOT);
  private static final Set<TopologyType> CLUSTER_WIDE = EnumSet.of(TopologyType.PERSISTENT_VOLUME,
      TopologyType.STORAGE_CLASS, TopologyType.VOLUME_SNAPSHOT_DATA, TopologyType.OVERLAY, TopologyType.ECS_TASK,
      TopologyType.ECS_SERVICE, TopologyType.SWARM_SERVICE);

  private VisibleNamespaces() {}

  /** {@code report} as seen by a user limited to {@code namespaces}. */
  public static Report restrict(Report report, Set<String> namespaces) {
    Report.Builder out = report.toBuilder();
    for (TopologyType t : NAMESPACED) {
      out.topology(t, keep(report.topology(t), n -> namespaces.contains(n.latest().get(Keys.K8S_NAMESPACE))));
    }
    for (TopologyType t : CLUSTER_WIDE) {
      out.topology(t, keep(report.topology(t), n -> false));
    }
    out.topology(TopologyType.NAMESPACE, keep(report.topology(TopologyType.NAMESPACE),
        n -> namespaces.contains(n.latest().get(Keys.K8S_NAME))));

    Topology containers = keep(report.topology(TopologyType.CONTAINER),
        n -> namespaces.contains(n.latest().get(POD_NAMESPACE_LABEL)));
    out.topology(TopologyType.CONTAINER, containers);
    Set<String> containerIds = new HashSet<>();
    Set<String> imageIds = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    containers.nodes().forEach((id, n) -> {
      String cid = n.latest().get(Keys.CONTAINER_ID);
      if (cid != null) {
        containerIds.add(cid);
      }
      String image = n.latest().get(Keys.IMAGE_ID);
      if (image != null) {
        imageIds.add(image + ";<container_image>");
      }
      addresses.addAll(n.sets().getOrDefault(Keys.CONTAINER_IPS_WITH_SCOPES, StringSet.EMPTY));
    });
    out.topology(TopologyType.CONTAINER_IMAGE, keep(report.topology(TopologyType.CONTAINER_IMAGE),
        n -> imageIds.contains(n.id())));
    out.topology(TopologyType.POD).nodes().forEach((id, n) -> {
      String ip = n.latest().get(Keys.K8S_IP);
      if (ip != null && n.latest().get(Keys.K8S_IN_HOST_NETWORK) == null) {
        addresses.add(";" + ip);
      }
    });

    Topology processes = keep(report.topology(TopologyType.PROCESS),
        n -> containerIds.contains(n.latest().get(Keys.CONTAINER_ID)));
    out.topology(TopologyType.PROCESS, processes);
    Set<String> processIds = new HashSet<>();
    processes.nodes().forEach((id, n) -> processIds.add(id));
    out.topology(TopologyType.ENDPOINT, keep(report.topology(TopologyType.ENDPOINT),
        n -> visibleEndpoint(n, processIds, addresses)));
    return out.build();
  }

  /**
   * A remote side (no host) stays: it renders only as the Internet or not at all. A local one
   * stays when it is a visible process's, or, without a pid, when its address is a visible
   * container's or pod's.
   */
  private static boolean visibleEndpoint(Node n, Set<String> processIds, Set<String> addresses) {
    String host = n.latest().get(Keys.HOST_NODE_ID);
    if (host == null) {
      return true;
    }
    String pid = n.latest().get(Keys.PID);
    if (pid != null) {
      return processIds.contains(Ids.firstPart(host) + ";" + pid);
    }
    String[] parts = Ids.parseEndpoint(n.id());
    return parts != null && addresses.contains(parts[0] + ";" + parts[1]);
  }

  private static Topology keep(Topology t, java.util.function.Predicate<Node> keep) {
    KeyedMap<Node> kept = t.nodes().filter((id, n) -> keep.test(n));
    return kept.size() == t.nodes().size() ? t : t.withNodes(kept);
  }
}
