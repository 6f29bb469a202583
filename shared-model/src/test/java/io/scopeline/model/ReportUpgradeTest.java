package io.scopeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Scope's back-compat upgrade of received reports. */
class ReportUpgradeTest {
  private static final long T1 = 1_000_000_000L;
  private static final long T2 = 2_000_000_000L;

  private static Report withNodes(TopologyType type, Node... nodes) {
    Topology t = Topology.EMPTY;
    for (Node n : nodes) {
      t = t.withNode(n);
    }
    return Report.builder().topology(type, t).build();
  }

  @Test
  void podParentsThroughReplicaSetsBecomeDeployments() {
    Node rs = Node.of("rs1;<replica_set>", "replica_set")
        .withParents(KeyedMap.of("deployment", StringSet.of("d1;<deployment>")));
    Node pod = Node.of("p1;<pod>", "pod").withParents(KeyedMap.<StringSet>empty()
        .with("replica_set", StringSet.of("rs1;<replica_set>")).with("host", StringSet.of("h;<host>")));
    Report r = withNodes(TopologyType.REPLICA_SET, rs).merge(withNodes(TopologyType.POD, pod));
    Node upgraded = ReportUpgrade.upgrade(r).topology(TopologyType.POD).nodes().get("p1;<pod>");
    assertThat(upgraded.parents().get("replica_set")).isNull();
    assertThat(upgraded.parents().get("deployment")).containsExactly("d1;<deployment>");
    assertThat(upgraded.parents().get("host")).containsExactly("h;<host>");
  }

  @Test
  void namespacesAreSynthesizedFromLiveKubernetesObjectsOnly() {
    Node live = Node.of("p1;<pod>", "pod").withLatest("kubernetes_namespace", T1, "ping");
    Node svc = Node.of("s1;<service>", "service").withLatest("kubernetes_namespace", T2, "ping");
    Node gone = Node.of("p2;<pod>", "pod").withLatest("kubernetes_namespace", T1, "old")
        .withLatest("kubernetes_state", T1, "deleted");
    Report r = withNodes(TopologyType.POD, live, gone).merge(withNodes(TopologyType.SERVICE, svc));
    KeyedMap<Node> ns = ReportUpgrade.upgrade(r).topology(TopologyType.NAMESPACE).nodes();
    assertThat(ns.size()).isEqualTo(1);
    Node ping = ns.get("ping;<namespace>");
    assertThat(ping.latest().get("kubernetes_name")).isEqualTo("ping");
    assertThat(ping.latest().timestamp("kubernetes_name")).as("newest source timestamp, repeatable").isEqualTo(T2);
    assertThat(ping.topology()).as("as in Scope, synthesized namespaces carry no topology").isEmpty();
  }

  @Test
  void reportedNamespacesAreLeftAlone() {
    Node ns = Node.of("uid;<namespace>", "namespace").withLatest("kubernetes_name", T1, "ping");
    Node pod = Node.of("p1;<pod>", "pod").withLatest("kubernetes_namespace", T1, "other");
    Report r = withNodes(TopologyType.NAMESPACE, ns).merge(withNodes(TopologyType.POD, pod));
    assertThat(ReportUpgrade.upgrade(r).topology(TopologyType.NAMESPACE).nodes().size()).isEqualTo(1);
  }

  @Test
  void dnsIsRebuiltFromEndpointSetsWhenAbsent() {
    Node e1 = Node.of("h;10.0.0.1;80", "endpoint").withSets(KeyedMap.of("snooped_dns_names", StringSet.of("web")));
    Node e2 = Node.of("h;10.0.0.1;443", "endpoint").withSets(KeyedMap.of("reverse_dns_names", StringSet.of("w.lan")));
    Report upgraded = ReportUpgrade.upgrade(withNodes(TopologyType.ENDPOINT, e1, e2));
    assertThat(upgraded.dns().get("10.0.0.1")).isEqualTo(new DnsRecord(StringSet.of("web"), StringSet.of("w.lan")));
  }

  @Test
  void upgradeOfAnUpgradedReportChangesNothing() {
    Node pod = Node.of("p1;<pod>", "pod").withLatest("kubernetes_namespace", T1, "ping");
    Report once = ReportUpgrade.upgrade(withNodes(TopologyType.POD, pod));
    assertThat(ReportUpgrade.upgrade(once)).isEqualTo(once);
  }
}
