package io.scopeline.bench;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.model.KeyedMap;
import io.scopeline.model.LatestMap;
import io.scopeline.model.Metric;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.StringSet;
import io.scopeline.model.Topology;
import io.scopeline.model.TopologyType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Inputs for the codec benchmarks: the shared Scope fixtures when the checkout has them beside it,
 * and always a synthetic host with containers and processes, so the benchmarks run anywhere.
 */
final class BenchmarkInputs {
  static final String FIXTURE = "fixture";
  static final String REAL_PROBE = "realprobe";
  static final String SYNTHETIC = "synthetic";

  private BenchmarkInputs() {}

  /** The gzip-msgpack bodies of one probe's consecutive publishes; the first is the measured one. */
  static List<byte[]> bodies(String name) {
    return switch (name) {
      case FIXTURE -> List.of(shared("fixture/report.msgpack.gz"));
      case REAL_PROBE -> List.of(shared("realprobe/inputs/post-full.gz.msgpack"),
          shared("realprobe/inputs/post-delta.gz.msgpack"), shared("realprobe/inputs/post-delta2.gz.msgpack"),
          shared("realprobe/inputs/post-full2.gz.msgpack"));
      case SYNTHETIC -> List.of(ReportCodec.encode(syntheticHost("bench-host", 6, 40), ReportFormat.MSGPACK_GZIP));
      default -> throw new IllegalArgumentException("unknown input " + name);
    };
  }

  /**
   * The same publishes as another host would send them: every occurrence of the original host's
   * name (in node IDs, parents, latest values) replaced by {@code host}, so many probes' reports are
   * as distinct as a real fleet's instead of merging into one host.
   */
  static List<byte[]> asHost(List<byte[]> bodies, String host) {
    String original = hostName(decode(bodies.get(0)));
    List<byte[]> out = new ArrayList<>(bodies.size());
    for (byte[] body : bodies) {
      String json = new String(ReportCodec.encode(decode(body), ReportFormat.JSON), java.nio.charset.StandardCharsets.UTF_8)
          .replace(original, host);
      Report renamed = ReportCodec.decode(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), ReportFormat.JSON,
          ReportLimits.DEFAULT);
      out.add(ReportCodec.encode(renamed, ReportFormat.MSGPACK_GZIP));
    }
    return out;
  }

  private static String hostName(Report report) {
    KeyedMap<Node> hosts = report.topology(TopologyType.HOST).nodes();
    for (int i = 0; i < hosts.size(); i++) {
      String name = hosts.valueAt(i).latest().get("host_name");
      if (name != null && !name.isEmpty()) {
        return name;
      }
    }
    throw new IllegalArgumentException("the first report names no host");
  }

  static Report decode(byte[] body) {
    return ReportCodec.decode(body, ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT);
  }

  private static byte[] shared(String relative) {
    String dir = System.getProperty("scopeline.shared.dir", "../shared");
    Path p = Path.of(dir, "fixtures", "scope", relative);
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException("shared fixture " + p + " is missing; pass -Dscopeline.shared.dir=DIR or use"
          + " -p input=synthetic", e);
    }
  }

  /** A host running {@code containers} containers and {@code processes} processes, with metrics. */
  static Report syntheticHost(String host, int containers, int processes) {
    long now = 1_795_311_568_000_000_000L;
    String hostId = host + ";<host>";
    Topology hosts = TopologyType.HOST.defaultTopology().withNode(new Node(hostId, "host",
        KeyedMap.of("local_networks", StringSet.of("10.0.0.0/24")), null,
        latest(now, "host_name", host, "os", "linux", "kernel_version", "6.1.0", "uptime", "12345"),
        KeyedMap.of("host_cpu_usage_percent", series(now, 5)), KeyedMap.of("host", StringSet.of(hostId)), null));
    Topology cs = TopologyType.CONTAINER.defaultTopology();
    Topology ps = TopologyType.PROCESS.defaultTopology();
    Topology es = TopologyType.ENDPOINT.defaultTopology();
    List<String> cids = new ArrayList<>();
    for (int c = 0; c < containers; c++) {
      String cid = String.format("%064x", c * 7919L + 1);
      cids.add(cid);
      cs = cs.withNode(new Node(cid + ";<container>", "container",
          KeyedMap.of("docker_container_ips", StringSet.of("10.0.0." + (10 + c))), null,
          latest(now, "docker_container_id", cid, "docker_container_name", "app-" + c, "docker_container_state",
              "running", "docker_image_name", "registry/app:" + c, "host_node_id", hostId),
          KeyedMap.of("docker_cpu_total_usage", series(now, 3)), KeyedMap.of("host", StringSet.of(hostId)), null));
    }
    for (int p = 0; p < processes; p++) {
      String pid = Integer.toString(100 + p);
      String container = cids.isEmpty() ? "" : cids.get(p % cids.size());
      ps = ps.withNode(new Node(host + ";" + pid, "process", null, null,
          latest(now, "pid", pid, "name", "worker-" + p, "cmdline", "/usr/bin/worker --id " + p, "host_node_id", hostId,
              "docker_container_id", container),
          KeyedMap.of("process_cpu_usage_percent", series(now, 3)),
          KeyedMap.of("host", StringSet.of(hostId)), null));
      String local = host + ";10.0.0." + (10 + p % Math.max(1, containers)) + ";" + (40000 + p);
      es = es.withNode(new Node(local, "endpoint", null, StringSet.of(";10.0.1.1;443"),
          latest(now, "pid", pid, "host_node_id", hostId), null, null, null));
    }
    return Report.builder().ts(now).windowNanos(3_000_000_000L).id("synthetic")
        .topology(TopologyType.HOST, hosts).topology(TopologyType.CONTAINER, cs).topology(TopologyType.PROCESS, ps)
        .topology(TopologyType.ENDPOINT, es).build();
  }

  private static LatestMap latest(long ts, String... kv) {
    LatestMap.Builder b = LatestMap.builder(kv.length / 2);
    for (int i = 0; i < kv.length; i += 2) {
      b.put(kv[i], ts, kv[i + 1]);
    }
    return b.build();
  }

  private static Metric series(long now, int samples) {
    long[] dates = new long[samples];
    double[] values = new double[samples];
    for (int i = 0; i < samples; i++) {
      dates[i] = now - (samples - i) * 1_000_000_000L;
      values[i] = 1.5 * i;
    }
    return Metric.of(dates, values, 0, 100);
  }
}
