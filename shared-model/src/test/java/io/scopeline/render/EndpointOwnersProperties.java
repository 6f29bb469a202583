package io.scopeline.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.model.KeyedMap;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.Reports;
import io.scopeline.model.StringSet;
import io.scopeline.model.TopologyType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Pods that take over each other's IPs over a long window: the window merged with
 * {@link EndpointOwners} shows the edges each of its pieces shows alone, no more, no fewer.
 */
class EndpointOwnersProperties {
  private static final long T = 1_795_311_568_000_000_000L;
  private static final long MINUTE = 60_000_000_000L;
  private static final String[] HOSTS = {"h0;<host>", "h1;<host>"};
  private static final List<String> VIEWS = List.of("pods", "containers");

  /** A pod, its container and its process {@code pid} on {@code ip} at time {@code at}; pod i runs on host i % 2. */
  private static void pod(Report.Builder b, int pod, String ip, int pid, long at) {
    String name = "pod" + pod;
    String host = HOSTS[pod % HOSTS.length];
    add(b, TopologyType.POD, Node.of(name + "-uid;<pod>", "pod").withLatest("kubernetes_name", at, name)
        .withLatest("kubernetes_namespace", at, "default").withLatest("kubernetes_ip", at, ip)
        .withLatest("kubernetes_state", at, "Running")
        .withParents(KeyedMap.<StringSet>empty().with("host", StringSet.of(host))));
    add(b, TopologyType.CONTAINER, Node.of(name + "-c;<container>", "container")
        .withLatest("docker_container_id", at, name + "-c").withLatest("docker_container_name", at, name)
        .withLatest("docker_container_state", at, "running").withLatest("docker_image_id", at, "img")
        .withLatest("docker_label_io.kubernetes.pod.uid", at, name + "-uid")
        .withSets(KeyedMap.<StringSet>empty().with("docker_container_ips_with_scopes", StringSet.of(";" + ip)))
        .withParents(KeyedMap.<StringSet>empty().with("pod", StringSet.of(name + "-uid;<pod>"))
            .with("host", StringSet.of(host))));
    add(b, TopologyType.PROCESS, Node.of(Ids.firstPart(host) + ";" + pid, "process")
        .withLatest("pid", at, "" + pid).withLatest("name", at, name + "-main")
        .withLatest("docker_container_id", at, name + "-c").withLatest("host_node_id", at, host));
  }

  private static void endpoint(Report.Builder b, String id, int pod, int pid, long at, String... to) {
    Node n = Node.of(id, "endpoint").withAdjacency(StringSet.of(to))
        .withLatest("pid", at, "" + pid).withLatest("host_node_id", at, HOSTS[pod % HOSTS.length]);
    Node here = b.topology(TopologyType.ENDPOINT).nodes().get(id);
    add(b, TopologyType.ENDPOINT, here == null ? n : here.merge(n));
  }

  private static void add(Report.Builder b, TopologyType t, Node n) {
    b.topology(t, b.topology(t).withNode(n));
  }

  /**
   * A piece at minute {@code minute}: some of six pods hold the four addresses 10.1.0.1-4 (each
   * address one pod at most, as within any instant), and some pods connect to others from one of
   * two local ports to port 80.
   */
  private static Report piece(Random random, int minute) {
    long at = T + minute * MINUTE;
    Report.Builder b = Report.builder().ts(at);
    for (TopologyType t : TopologyType.values()) {
      b.topology(t, t.defaultTopology());
    }
    for (String host : HOSTS) {
      add(b, TopologyType.HOST, Node.of(host, "host").withLatest("host_name", at, Ids.firstPart(host))
          .withSets(KeyedMap.<StringSet>empty().with("local_networks", StringSet.of("10.0.0.0/8"))));
    }
    List<Integer> pods = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5));
    java.util.Collections.shuffle(pods, random);
    int holders = 2 + random.nextInt(3);
    List<String> ips = new ArrayList<>();
    // Pids 100-102 are handed out afresh on each host: a pid names different pods' processes over time.
    List<List<Integer>> freePids = new ArrayList<>();
    for (int h = 0; h < HOSTS.length; h++) {
      freePids.add(new ArrayList<>(List.of(100, 101, 102)));
      java.util.Collections.shuffle(freePids.get(h), random);
    }
    int[] pids = new int[6];
    for (int i = 0; i < holders; i++) {
      ips.add("10.1.0." + (i + 1));
      pids[pods.get(i)] = freePids.get(pods.get(i) % HOSTS.length).remove(0);
      pod(b, pods.get(i), ips.get(i), pids[pods.get(i)], at);
    }
    int connections = 1 + random.nextInt(3);
    for (int c = 0; c < connections; c++) {
      int from = random.nextInt(holders);
      int to = random.nextInt(holders);
      if (from == to) {
        continue;
      }
      String server = ";" + ips.get(to) + ";80";
      endpoint(b, ";" + ips.get(from) + ";" + (40000 + random.nextInt(2)), pods.get(from), pids[pods.get(from)], at,
          server);
      endpoint(b, server, pods.get(to), pids[pods.get(to)], at);
    }
    return b.build();
  }

  private static TreeSet<String> edges(Report report, String view) {
    TreeSet<String> out = new TreeSet<>();
    new Views(report).summaries(view, Map.of()).orElseThrow()
        .forEach((id, n) -> n.adjacency().forEach(to -> out.add(id + " -> " + to)));
    return out;
  }

  private static List<Report> history(long seed, int pieces) {
    Random random = new Random(seed);
    List<Report> out = new ArrayList<>();
    for (int i = 0; i < pieces; i++) {
      out.add(piece(random, i));
    }
    return out;
  }

  @Property(tries = 300)
  void aMergedWindowShowsTheEdgesItsPiecesShowAlone(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int n) {
    List<Report> pieces = history(seed, n);
    Report window = EndpointOwners.merge(pieces);
    assertThat(window.id()).as("named as a plain merge of the pieces").isEqualTo(Reports.merge(pieces).id());
    for (String view : VIEWS) {
      TreeSet<String> union = new TreeSet<>();
      pieces.forEach(p -> union.addAll(edges(p, view)));
      assertThat(edges(window, view)).as(view).isEqualTo(union);
    }
  }

  /** Roll-ups merge roll-ups: grouping the pieces first (minutes, then the hour) shows the same edges. */
  @Property(tries = 200)
  void mergingMergedGroupsShowsTheSameEdges(@ForAll long seed, @ForAll @IntRange(min = 2, max = 8) int n,
      @ForAll @IntRange(min = 1, max = 3) int groupSize) {
    List<Report> pieces = history(seed, n);
    List<Report> groups = new ArrayList<>();
    for (int i = 0; i < n; i += groupSize) {
      groups.add(EndpointOwners.merge(pieces.subList(i, Math.min(n, i + groupSize))));
    }
    Report once = EndpointOwners.merge(pieces);
    Report grouped = EndpointOwners.merge(groups);
    for (String view : VIEWS) {
      assertThat(edges(grouped, view)).as(view).isEqualTo(edges(once, view));
    }
  }

  @Test
  void anAddressReusedByAnotherPodKeepsEachConnectionOnThePodThatHeldItThen() {
    // 09:00 pod0 (10.1.0.1) calls pod1 on 10.1.0.2; 10:00 pod1 is gone and pod2 holds 10.1.0.2,
    // called by pod3 (10.1.0.3).
    Report.Builder early = Report.builder().ts(T);
    Report.Builder late = Report.builder().ts(T + 60 * MINUTE);
    for (TopologyType t : TopologyType.values()) {
      early.topology(t, t.defaultTopology());
      late.topology(t, t.defaultTopology());
    }
    for (Report.Builder b : List.of(early, late)) {
      for (String host : HOSTS) {
        add(b, TopologyType.HOST, Node.of(host, "host").withLatest("host_name", T, Ids.firstPart(host))
            .withSets(KeyedMap.<StringSet>empty().with("local_networks", StringSet.of("10.0.0.0/8"))));
      }
    }
    pod(early, 0, "10.1.0.1", 100, T);
    pod(early, 1, "10.1.0.2", 101, T);
    endpoint(early, ";10.1.0.1;40000", 0, 100, T, ";10.1.0.2;80");
    endpoint(early, ";10.1.0.2;80", 1, 101, T);
    long t2 = T + 60 * MINUTE;
    pod(late, 2, "10.1.0.2", 102, t2);
    pod(late, 3, "10.1.0.3", 103, t2);
    endpoint(late, ";10.1.0.3;40000", 3, 103, t2, ";10.1.0.2;80");
    endpoint(late, ";10.1.0.2;80", 2, 102, t2);
    List<Report> pieces = List.of(early.build(), late.build());

    assertThat(edges(EndpointOwners.merge(pieces), "pods"))
        .containsExactly("pod0-uid;<pod> -> pod1-uid;<pod>", "pod3-uid;<pod> -> pod2-uid;<pod>");
    // Merged plainly, the endpoint's newest pid is pod2's: the old call lands on the new holder.
    assertThat(edges(Reports.merge(pieces), "pods"))
        .containsExactly("pod0-uid;<pod> -> pod2-uid;<pod>", "pod3-uid;<pod> -> pod2-uid;<pod>");
    assertThat(edges(Reports.merge(pieces), "containers")).contains("pod0-c;<container> -> pod2-c;<container>");
    assertThat(edges(EndpointOwners.merge(pieces), "containers"))
        .containsExactly("pod0-c;<container> -> pod1-c;<container>", "pod3-c;<container> -> pod2-c;<container>");
  }
}
