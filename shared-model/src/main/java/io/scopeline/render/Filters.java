package io.scopeline.render;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** Node predicates behind the topology options (Scope's render/filters.go). */
public final class Filters {
  private static final Set<String> SYSTEM_CONTAINER_NAMES =
      Set.of("weavescope", "weavedns", "weave", "weaveproxy", "weaveexec", "ecs-agent");
  private static final Set<String> SYSTEM_IMAGE_PREFIXES = Set.of("swarm", "weaveworks/scope",
      "weaveworks/weavedns", "weaveworks/weave", "weaveworks/weaveproxy", "weaveworks/weaveexec",
      "amazon/amazon-ecs-agent", "openshift/origin-pod", "docker.io/openshift/origin-pod");
  private static final String ROLE = "works.weave.role";
  private static final String K8S_NAMESPACE_LABEL = "io.kubernetes.pod.namespace";
  private static final String SWARM_NAMESPACE_LABEL = "com.docker.stack.namespace";

  private Filters() {}

  public static boolean isRunning(RNode n) {
    String state = n.get(Keys.CONTAINER_STATE);
    return state == null || state.equals("running") || state.equals("restarting") || state.equals("paused");
  }

  public static boolean isStopped(RNode n) {
    return !isRunning(n);
  }

  static boolean isPauseImage(String image) {
    return image.contains("google_containers/pause") || image.contains("k8s.gcr.io/pause")
        || image.contains("eks/pause");
  }

  static boolean isPauseContainer(RNode n) {
    String image = n.get(Keys.IMAGE_NAME);
    return image != null && isPauseImage(image);
  }

  public static boolean isApplication(RNode n) {
    String name = n.get(Keys.CONTAINER_NAME);
    if (name != null && SYSTEM_CONTAINER_NAMES.contains(name)) {
      return false;
    }
    String image = nz(n.get(Keys.IMAGE_NAME));
    int colon = image.indexOf(':');
    String imagePrefix = colon < 0 ? image : image.substring(0, colon);
    if (SYSTEM_IMAGE_PREFIXES.contains(imagePrefix) || isPauseImage(imagePrefix)) {
      return false;
    }
    if ("system".equals(n.get(Keys.LABEL_PREFIX + ROLE)) || "system".equals(n.get(Keys.IMAGE_LABEL_PREFIX + ROLE))) {
      return false;
    }
    if ("kube-system".equals(n.get(Keys.LABEL_PREFIX + K8S_NAMESPACE_LABEL))) {
      return false;
    }
    return !nz(n.get(Keys.LABEL_PREFIX + "io.kubernetes.pod.name")).startsWith("kube-system/");
  }

  public static boolean isSystem(RNode n) {
    return !isApplication(n);
  }

  /** Real nodes, the internet and known services; not uncontained/unmanaged groupings. */
  public static boolean isNotPseudo(RNode n) {
    return !n.isPseudo() || n.id().endsWith("theinternet") || n.id().startsWith(Ids.SERVICE_PREFIX);
  }

  /** Nodes in one of the namespaces (Kubernetes or Swarm stack); "default" also matches Docker nodes without one. */
  public static Predicate<RNode> inNamespaces(List<String> namespaces) {
    Set<String> wanted = new HashSet<>(namespaces);
    return n -> {
      String got = "";
      for (String key : new String[] {Keys.K8S_NAMESPACE, Keys.LABEL_PREFIX + K8S_NAMESPACE_LABEL,
          Keys.STACK_NAMESPACE, Keys.LABEL_PREFIX + SWARM_NAMESPACE_LABEL}) {
        String v = n.get(key);
        if (v != null) {
          got = v;
          break;
        }
      }
      return wanted.contains(got) || (got.isEmpty() && wanted.contains("default"));
    };
  }

  static boolean isTopology(RNode n, String... topologies) {
    for (String t : topologies) {
      if (t.equals(n.topology())) {
        return true;
      }
    }
    return false;
  }

  /** Nodes with an edge to or from another node (self-loops do not count). */
  static Set<String> connected(Map<String, RNode> nodes) {
    Set<String> connected = new HashSet<>();
    for (RNode n : nodes.values()) {
      for (String a : n.adjacency()) {
        if (!a.equals(n.id())) {
          connected.add(n.id());
          connected.add(a);
        }
      }
    }
    return connected;
  }

  /** Drops nodes (pseudo or not) without edges: the processes view's "hide unconnected". */
  public static final Transformer UNCONNECTED = in -> {
    Set<String> connected = connected(in.nodes());
    return Render.filterTransform(n -> connected.contains(n.id())).transform(in);
  };

  /**
   * Always applied last: the edge from the inbound to the outbound internet node is cut, then pseudo
   * nodes left without edges are dropped.
   */
  public static final Transformer UNCONNECTED_PSEUDO = in -> {
    Map<String, RNode> nodes = new java.util.HashMap<>(in.nodes());
    RNode incoming = nodes.get(Ids.INCOMING_INTERNET);
    if (incoming != null && incoming.adjacency().contains(Ids.OUTGOING_INTERNET)) {
      nodes.put(incoming.id(), incoming.withAdjacency(io.scopeline.model.StringSet.of(
          incoming.adjacency().stream().filter(a -> !a.equals(Ids.OUTGOING_INTERNET)).toList())));
    }
    Set<String> connected = connected(nodes);
    return Render.filterTransform(n -> !n.isPseudo() || connected.contains(n.id()))
        .transform(new Rendered(nodes, in.filtered()));
  };

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
