package io.scopeline.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.model.KeyedMap;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.Reports;
import io.scopeline.model.StringSet;
import io.scopeline.model.TopologyType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A user limited to some namespaces sees nothing of the others: not their nodes, edges or counts. */
class VisibleNamespacesTest {
  private static final long T = 1_795_311_568_000_000_000L;
  private static final String HOST = "h;<host>";

  /** A pod with one container and one process listening (or connecting) on {@code ip}. */
  private static void pod(Report.Builder b, String ns, String name, String ip, int pid) {
    String uid = name + "-uid";
    add(b, TopologyType.POD, Node.of(uid + ";<pod>", "pod").withLatest("kubernetes_name", T, name)
        .withLatest("kubernetes_namespace", T, ns).withLatest("kubernetes_ip", T, ip)
        .withLatest("kubernetes_state", T, "Running")
        .withParents(KeyedMap.<StringSet>empty().with("host", StringSet.of(HOST))));
    add(b, TopologyType.CONTAINER, Node.of(name + "-c;<container>", "container")
        .withLatest("docker_container_id", T, name + "-c").withLatest("docker_container_name", T, name)
        .withLatest("docker_container_state", T, "running").withLatest("docker_image_id", T, name + "-img")
        .withLatest("docker_label_io.kubernetes.pod.namespace", T, ns)
        .withLatest("docker_label_io.kubernetes.pod.uid", T, uid)
        .withSets(KeyedMap.<StringSet>empty().with("docker_container_ips_with_scopes", StringSet.of(";" + ip)))
        .withParents(KeyedMap.<StringSet>empty().with("pod", StringSet.of(uid + ";<pod>"))
            .with("host", StringSet.of(HOST))));
    add(b, TopologyType.PROCESS, Node.of("h;" + pid, "process").withLatest("pid", T, "" + pid)
        .withLatest("name", T, name + "-server").withLatest("docker_container_id", T, name + "-c")
        .withLatest("host_node_id", T, HOST));
  }

  private static void endpoint(Report.Builder b, String id, Integer pid, String... to) {
    Node n = Node.of(id, "endpoint").withAdjacency(StringSet.of(to));
    if (pid != null) {
      n = n.withLatest("pid", T, "" + pid).withLatest("host_node_id", T, HOST);
    }
    add(b, TopologyType.ENDPOINT, n);
  }

  private static void add(Report.Builder b, TopologyType t, Node n) {
    b.topology(t, b.topology(t).withNode(n));
  }

  /** shop/web talks to ops/db and to the internet; ops/db also talks to the internet. */
  private static Report cluster() {
    Report.Builder b = Report.builder().ts(T);
    b.topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(Node.of(HOST, "host")
        .withLatest("host_name", T, "h").withSets(KeyedMap.<StringSet>empty().with("local_networks",
            StringSet.of("10.0.0.0/8")))));
    for (TopologyType t : TopologyType.values()) {
      if (b.topology(t).isEmpty()) {
        b.topology(t, t.defaultTopology());
      }
    }
    pod(b, "shop", "web", "10.1.0.1", 100);
    pod(b, "ops", "db", "10.1.0.2", 200);
    add(b, TopologyType.NAMESPACE, Node.of("shop-ns;<namespace>", "namespace").withLatest("kubernetes_name", T, "shop"));
    add(b, TopologyType.NAMESPACE, Node.of("ops-ns;<namespace>", "namespace").withLatest("kubernetes_name", T, "ops"));
    endpoint(b, ";10.1.0.1;40000", 100, ";10.1.0.2;5432");
    endpoint(b, ";10.1.0.2;5432", 200);
    endpoint(b, ";10.1.0.1;40001", 100, ";93.184.216.34;443");
    endpoint(b, ";93.184.216.34;443", null);
    endpoint(b, ";10.1.0.2;40002", 200, ";198.51.100.9;443");
    endpoint(b, ";198.51.100.9;443", null);
    return Reports.merge(List.of(b.build()));
  }

  private static Map<String, NodeSummary> view(Censoring c, String topology) {
    return new Views(c.forViews(cluster())).summaries(topology, Map.of()).orElseThrow();
  }

  @Test
  void everyoneSeesBothNamespacesWithoutARestriction() {
    assertThat(view(Censoring.NONE, "pods")).containsKeys("web-uid;<pod>", "db-uid;<pod>");
    assertThat(view(Censoring.NONE, "pods").get("web-uid;<pod>").adjacency()).contains("db-uid;<pod>");
  }

  @Test
  void aShopUserSeesShopOnlyAndNotItsEdgeIntoOps() {
    Censoring shop = Censoring.of(false, false, Set.of("shop"));
    for (String topology : List.of("pods", "containers", "processes", "containers-by-image", "kube-controllers")) {
      Map<String, NodeSummary> nodes = view(shop, topology);
      assertThat(nodes.keySet()).as(topology).noneMatch(id -> id.contains("db"));
      assertThat(nodes.values()).as(topology)
          .allSatisfy(n -> assertThat(n.adjacency()).noneMatch(a -> a.contains("db")));
    }
    Map<String, NodeSummary> pods = view(shop, "pods");
    assertThat(pods).containsKey("web-uid;<pod>");
    // Its own connection to the internet stays; ops' does not appear as one of the Internet's.
    assertThat(pods.get("web-uid;<pod>").adjacency()).containsExactly("out-theinternet");
    assertThat(view(shop, "hosts")).containsKey(HOST);
  }

  @Test
  void theNamespaceOptionListsOnlyVisibleNamespaces() {
    Report visible = Censoring.of(false, false, Set.of("shop")).forViews(cluster());
    assertThat(visible.topology(TopologyType.NAMESPACE).nodes().size()).isEqualTo(1);
    assertThat(visible.topology(TopologyType.PROCESS).nodes().size()).isEqualTo(1);
    assertThat(visible.topology(TopologyType.ENDPOINT).nodes().containsKey(";10.1.0.2;5432")).isFalse();
  }
}
