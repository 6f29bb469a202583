package io.scopeline.ingest.changes;

import io.scopeline.model.KeyedMap;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.StringSet;
import io.scopeline.model.TopologyType;
import java.util.List;

/** Reports of one host whose containers each run one process, some connecting to others or to the internet. */
final class ChangeReports {
  private static final String HOST = "h;<host>";

  /** A connection from container {@code from} to container {@code to}, or to an address when {@code to} has dots. */
  record Link(String from, String to) {}

  private ChangeReports() {}

  static Report of(long ts, List<String> containers, List<Link> links) {
    Report.Builder b = Report.builder().ts(ts).windowNanos(3_000_000_000L);
    for (TopologyType t : TopologyType.values()) {
      b.topology(t, t.defaultTopology());
    }
    add(b, TopologyType.HOST, Node.of(HOST, "host").withLatest("host_name", ts, "h")
        .withSets(KeyedMap.<StringSet>empty().with("local_networks", StringSet.of("10.0.0.0/8"))));
    for (int i = 0; i < containers.size(); i++) {
      String name = containers.get(i);
      add(b, TopologyType.CONTAINER, Node.of(name + ";<container>", "container")
          .withLatest("docker_container_id", ts, name).withLatest("docker_container_name", ts, name)
          .withLatest("docker_container_state", ts, "running").withLatest("docker_image_id", ts, name + "-img")
          .withParents(KeyedMap.<StringSet>empty().with("host", StringSet.of(HOST))));
      add(b, TopologyType.PROCESS, Node.of("h;" + pid(name), "process").withLatest("pid", ts, "" + pid(name))
          .withLatest("name", ts, name + "-main").withLatest("docker_container_id", ts, name)
          .withLatest("host_node_id", ts, HOST));
    }
    int port = 40000;
    for (Link l : links) {
      String client = ";" + ip(l.from()) + ";" + port++;
      String server = l.to().contains(".") ? ";" + l.to() : ";" + ip(l.to()) + ";80";
      add(b, TopologyType.ENDPOINT, Node.of(client, "endpoint").withLatest("pid", ts, "" + pid(l.from()))
          .withLatest("host_node_id", ts, HOST).withAdjacency(StringSet.of(server)));
      Node s = Node.of(server, "endpoint");
      if (!l.to().contains(".")) {
        s = s.withLatest("pid", ts, "" + pid(l.to())).withLatest("host_node_id", ts, HOST);
      }
      add(b, TopologyType.ENDPOINT, s);
    }
    return b.build();
  }

  private static int pid(String container) {
    return 100 + Math.floorMod(container.hashCode(), 10_000);
  }

  private static String ip(String container) {
    return "10.0." + Math.floorMod(container.hashCode(), 250) + ".1";
  }

  private static void add(Report.Builder b, TopologyType t, Node n) {
    b.topology(t, b.topology(t).withNode(n));
  }
}
