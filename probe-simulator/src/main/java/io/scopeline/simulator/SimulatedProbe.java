package io.scopeline.simulator;

import io.scopeline.control.ControlWire;
import io.scopeline.model.Control;
import io.scopeline.model.KeyedMap;
import io.scopeline.model.LatestMap;
import io.scopeline.model.MetadataTemplate;
import io.scopeline.model.Metric;
import io.scopeline.model.MetricTemplate;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.StringSet;
import io.scopeline.model.Topology;
import io.scopeline.model.TopologyType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One simulated Scope probe on one host: a host running containers (from a few images), each with
 * processes, with TCP connections to other hosts and to the internet. Like a real probe it
 * publishes a full report every third time and deltas in between, stamps Window with the publish
 * interval, and emits a shortcut report at once when a container stops or starts. It offers
 * Scope's container controls (exec, start, stop, restart) and the host's exec shell; start, stop
 * and restart act on the simulated state here, exec is opened by whoever holds the control socket.
 */
public final class SimulatedProbe {
  /** What a probe looks like. */
  public record Spec(String host, int hostIndex, int containers, int processesPerContainer, int peerHosts,
      double churnPerPublish, long seed, boolean kubernetes) {
    public Spec(String host, int hostIndex, int containers, int processesPerContainer, int peerHosts,
        double churnPerPublish, long seed) {
      this(host, hostIndex, containers, processesPerContainer, peerHosts, churnPerPublish, seed, false);
    }
  }

  private static final long SECOND = 1_000_000_000L;
  public static final String EXEC_CONTAINER = "docker_exec_container";
  public static final String START_CONTAINER = "docker_start_container";
  public static final String STOP_CONTAINER = "docker_stop_container";
  public static final String RESTART_CONTAINER = "docker_restart_container";
  public static final String HOST_EXEC = "host_exec";
  /** Scope's docker controls that the simulation carries out, as its probe defines them. */
  private static final KeyedMap<Control> CONTAINER_CONTROLS = KeyedMap.<Control>empty()
      .with(EXEC_CONTAINER, new Control(EXEC_CONTAINER, "Exec shell", "fa fa-terminal", null, 2, null))
      .with(START_CONTAINER, new Control(START_CONTAINER, "Start", "fa fa-play", null, 3, null))
      .with(RESTART_CONTAINER, new Control(RESTART_CONTAINER, "Restart", "fa fa-redo", null, 4, null))
      .with(STOP_CONTAINER, new Control(STOP_CONTAINER, "Stop", "fa fa-stop", null, 7, null));
  private static final KeyedMap<Control> HOST_CONTROLS = KeyedMap.<Control>empty()
      .with(HOST_EXEC, new Control(HOST_EXEC, "Exec shell", "fa fa-terminal", null, 0, null));
  private static final int FULL_EVERY = 3;

  private final Spec spec;
  private final Random random;
  private final String probeId;
  private final boolean[] running;
  /** Containers a control started or stopped: the random churn leaves them as the user left them. */
  private final boolean[] held;
  private final long startNanos;
  private int publishes;
  private Report lastFull = Report.EMPTY;
  private final List<Report> shortcuts = new ArrayList<>();

  public SimulatedProbe(Spec spec, long startNanos) {
    this.spec = spec;
    this.random = new Random(spec.seed());
    this.probeId = Long.toHexString(new Random(spec.seed() ^ 0x5DEECE66DL).nextLong());
    this.running = new boolean[spec.containers()];
    this.held = new boolean[spec.containers()];
    for (int i = 0; i < running.length; i++) {
      running[i] = i % 5 != 4;
    }
    this.startNanos = startNanos;
  }

  public String probeId() {
    return probeId;
  }

  public String host() {
    return spec.host();
  }

  public String hostNodeId() {
    return spec.host() + ";<host>";
  }

  /** The next publish at {@code nowNanos}: full every third time, a delta otherwise. */
  public synchronized Report publish(long nowNanos, long windowNanos) {
    churn(nowNanos);
    Report full = fullReport(nowNanos, windowNanos);
    Report out;
    if (publishes % FULL_EVERY == 0) {
      lastFull = full;
      out = full;
    } else {
      out = Deltas.of(full, lastFull);
    }
    publishes++;
    return out;
  }

  /** Shortcut reports emitted since the last call (container state changes). */
  public synchronized List<Report> drainShortcuts() {
    List<Report> out = List.copyOf(shortcuts);
    shortcuts.clear();
    return out;
  }

  /**
   * Carries out a start, stop or restart of a container (a shortcut report follows, as from a real
   * probe); an error response for anything else or for a container in the wrong state.
   */
  public synchronized ControlWire.Response control(ControlWire.Request request, long nowNanos) {
    int c = containerIndex(request.nodeId());
    if (c < 0) {
      return ControlWire.Response.failure("no such container: " + request.nodeId());
    }
    switch (request.control()) {
      case START_CONTAINER -> {
        if (running[c]) {
          return ControlWire.Response.failure("container " + containerName(c) + " is already running");
        }
        setRunning(c, true, nowNanos);
      }
      case STOP_CONTAINER -> {
        if (!running[c]) {
          return ControlWire.Response.failure("container " + containerName(c) + " is not running");
        }
        setRunning(c, false, nowNanos);
      }
      case RESTART_CONTAINER -> setRunning(c, true, nowNanos);
      default -> {
        return ControlWire.Response.failure("control " + request.control() + " is not simulated");
      }
    }
    held[c] = true;
    return ControlWire.Response.empty();
  }

  /** Whether {@code nodeId} is this probe's host or one of its running containers (an exec target). */
  public synchronized boolean canExec(String nodeId) {
    int c = containerIndex(nodeId);
    return hostNodeId().equals(nodeId) || (c >= 0 && running[c]);
  }

  /** The report node id of container {@code c} ({@code <id>;<container>}). */
  public String containerNodeId(int c) {
    return containerId(c) + ";<container>";
  }

  public synchronized boolean isRunning(int c) {
    return running[c];
  }

  private int containerIndex(String nodeId) {
    for (int c = 0; c < spec.containers(); c++) {
      if (containerNodeId(c).equals(nodeId)) {
        return c;
      }
    }
    return -1;
  }

  private String containerName(int c) {
    return spec.host() + "-app-" + c;
  }

  private void churn(long nowNanos) {
    if (spec.containers() == 0 || random.nextDouble() >= spec.churnPerPublish()) {
      return;
    }
    int c = random.nextInt(spec.containers());
    if (!held[c]) {
      setRunning(c, !running[c], nowNanos);
    }
  }

  private void setRunning(int c, boolean up, long nowNanos) {
    running[c] = up;
    Node node = container(c, nowNanos);
    shortcuts.add(Report.builder().ts(nowNanos).shortcut(true).id(probeId + "-shortcut-" + nowNanos)
        .topology(TopologyType.CONTAINER, Topology.EMPTY.withNode(node)).build());
  }

  private String hostIp() {
    return "10.0." + (spec.hostIndex() / 250) + "." + (spec.hostIndex() % 250 + 1);
  }

  private String containerId(int c) {
    return String.format("%012x%052x", spec.seed() & 0xffffffffffL, (long) c);
  }

  private LatestMap latest(long ts, String... kv) {
    LatestMap.Builder b = LatestMap.builder(kv.length / 2);
    for (int i = 0; i < kv.length; i += 2) {
      b.put(kv[i], ts, kv[i + 1]);
    }
    return b.build();
  }

  private Metric metric(long nowNanos, double base, double max) {
    long[] dates = {nowNanos - 2 * SECOND, nowNanos - SECOND, nowNanos};
    double[] values = new double[3];
    for (int i = 0; i < 3; i++) {
      values[i] = Math.round((base + random.nextDouble() * base * 0.2) * 100) / 100.0;
    }
    return Metric.of(dates, values, Math.min(values[0], Math.min(values[1], values[2])), max);
  }

  private Node container(int c, long now) {
    String id = containerId(c);
    String image = "registry.example/app-" + (c % 3) + ":1." + (c % 2);
    LatestMap l = latest(now, "docker_container_id", id, "docker_container_name", containerName(c),
        "docker_container_state", running[c] ? "running" : "stopped", "docker_container_state_human",
        running[c] ? "Up" : "Exited", "docker_image_id", "img" + (c % 3), "docker_image_name", image,
        "docker_container_hostname", spec.host(), "host_node_id", hostNodeId(), "control_probe_id", probeId,
        "active_controls", running[c] ? RESTART_CONTAINER + ";" + STOP_CONTAINER + ";" + EXEC_CONTAINER
            : START_CONTAINER);
    KeyedMap<StringSet> parents = KeyedMap.<StringSet>empty().with("host", StringSet.of(hostNodeId()))
        .with("container_image", StringSet.of("img" + (c % 3) + ";<container_image>"));
    if (spec.kubernetes()) {
      l = l.merge(latest(now, "docker_label_io.kubernetes.pod.uid", podUid(c),
          "docker_label_io.kubernetes.pod.namespace", namespace(c), "docker_label_io.kubernetes.container.name",
          "app-" + (c % 3)));
      parents = parents.with("pod", StringSet.of(podUid(c) + ";<pod>"));
    }
    KeyedMap<Metric> metrics = running[c]
        ? KeyedMap.<Metric>empty().with("docker_cpu_total_usage", metric(now, 5 + c, 100))
            .with("docker_memory_usage", metric(now, 50_000_000L + c * 1_000_000L, 1_000_000_000L))
        : KeyedMap.empty();
    return new Node(id + ";<container>", "container",
        KeyedMap.of("docker_container_ips", StringSet.of(containerIp(c))), null,
        l, metrics, parents, null);
  }

  private String podUid(int c) {
    return "pod-" + spec.host() + "-" + c;
  }

  /** Images 0 and 2 run in namespace "shop", image 1 in "default". */
  private static String namespace(int c) {
    return (c % 3) % 2 == 0 ? "shop" : "default";
  }

  private String containerIp(int c) {
    return "172.17." + spec.hostIndex() % 250 + "." + (c + 2);
  }

  /** Pods (one per container), the services and deployments they belong to, and their namespaces. */
  private Report kubernetes(long now) {
    String host = hostNodeId();
    Topology pods = TopologyType.POD.defaultTopology().withMetadataTemplates(KeyedMap.<MetadataTemplate>empty()
        .with("kubernetes_state", new MetadataTemplate("kubernetes_state", "State", 0, "", 2, "latest"))
        .with("container", new MetadataTemplate("container", "# Containers", 0, "number", 4, "counters"))
        .with("kubernetes_namespace", new MetadataTemplate("kubernetes_namespace", "Namespace", 0, "", 5, "latest"))
        .with("kubernetes_ip", new MetadataTemplate("kubernetes_ip", "IP", 0, "ip", 3, "latest")));
    Topology services = TopologyType.SERVICE.defaultTopology();
    Topology deployments = TopologyType.DEPLOYMENT.defaultTopology();
    Topology namespaces = TopologyType.NAMESPACE.defaultTopology();
    for (int c = 0; c < spec.containers(); c++) {
      int app = c % 3;
      String ns = namespace(c);
      String service = "svc-app-" + app + ";<service>";
      String deployment = "dep-app-" + app + ";<deployment>";
      pods = pods.withNode(new Node(podUid(c) + ";<pod>", "pod", null, null,
          latest(now, "kubernetes_name", "app-" + app + "-" + spec.host() + "-" + c, "kubernetes_namespace", ns,
              "kubernetes_state", running[c] ? "Running" : "Pending", "kubernetes_ip", containerIp(c),
              "host_node_id", host),
          null, KeyedMap.<StringSet>empty().with("host", StringSet.of(host)).with("service", StringSet.of(service))
              .with("deployment", StringSet.of(deployment)), null));
      services = services.withNode(new Node(service, "service", null, null,
          latest(now, "kubernetes_name", "app-" + app, "kubernetes_namespace", ns, "kubernetes_ip", "10.96.0." + (app + 10)),
          null, null, null));
      deployments = deployments.withNode(new Node(deployment, "deployment", null, null,
          latest(now, "kubernetes_name", "app-" + app, "kubernetes_namespace", ns), null, null, null));
      namespaces = namespaces.withNode(new Node(ns + ";<namespace>", "namespace", null, null,
          latest(now, "kubernetes_name", ns), null, null, null));
    }
    return Report.builder().topology(TopologyType.POD, pods).topology(TopologyType.SERVICE, services)
        .topology(TopologyType.DEPLOYMENT, deployments).topology(TopologyType.NAMESPACE, namespaces).build();
  }

  /** The whole current state as a full report. */
  Report fullReport(long now, long windowNanos) {
    String host = hostNodeId();
    long uptime = (now - startNanos) / SECOND + 3600;
    Node hostNode = new Node(host, "host", KeyedMap.of("local_networks", StringSet.of("10.0.0.0/16")), null,
        latest(now, "host_name", spec.host(), "os", "linux", "kernel_version", "6.1.0-sim", "uptime",
            Long.toString(uptime), "host_scope_version", "scopeline-sim", "control_probe_id", probeId,
            "host_node_id", host, "active_controls", HOST_EXEC),
        KeyedMap.<Metric>empty().with("host_cpu_usage_percent", metric(now, 20, 100))
            .with("host_mem_usage_bytes", metric(now, 2e9, 16e9)).with("load1", metric(now, 0.5, 0.5)),
        KeyedMap.of("host", StringSet.of(host)), null);
    Topology hosts = TopologyType.HOST.defaultTopology().withNode(hostNode).withControls(HOST_CONTROLS)
        .withMetadataTemplates(KeyedMap.<MetadataTemplate>empty()
            .with("host_name", new MetadataTemplate("host_name", "Hostname", 0, "", 11, "latest"))
            .with("os", new MetadataTemplate("os", "OS", 0, "", 12, "latest"))
            .with("uptime", new MetadataTemplate("uptime", "Uptime", 0, "duration", 2, "latest")))
        .withMetricTemplates(KeyedMap.<MetricTemplate>empty()
            .with("host_cpu_usage_percent", new MetricTemplate("host_cpu_usage_percent", "CPU", "percent", "", 1))
            .with("host_mem_usage_bytes", new MetricTemplate("host_mem_usage_bytes", "Memory", "filesize", "", 2)));
    Topology containers = TopologyType.CONTAINER.defaultTopology().withControls(CONTAINER_CONTROLS);
    Topology images = TopologyType.CONTAINER_IMAGE.defaultTopology();
    Topology processes = TopologyType.PROCESS.defaultTopology();
    Topology endpoints = TopologyType.ENDPOINT.defaultTopology();
    for (int c = 0; c < spec.containers(); c++) {
      containers = containers.withNode(container(c, now));
      String img = "img" + (c % 3) + ";<container_image>";
      images = images.withNode(new Node(img, "container_image", null, null,
          latest(now, "docker_image_id", "img" + (c % 3), "docker_image_name", "registry.example/app-" + (c % 3)),
          null, KeyedMap.of("host", StringSet.of(host)), null));
      if (!running[c]) {
        continue;
      }
      for (int p = 0; p < spec.processesPerContainer(); p++) {
        String pid = Integer.toString(1000 + c * 10 + p);
        processes = processes.withNode(new Node(spec.host() + ";" + pid, "process", null, null,
            latest(now, "pid", pid, "name", p == 0 ? "app-server" : "worker", "cmdline", "/usr/bin/app --worker " + p,
                "ppid", p == 0 ? "1" : Integer.toString(1000 + c * 10), "docker_container_id", containerId(c),
                "host_node_id", host),
            KeyedMap.of("process_cpu_usage_percent", metric(now, 1 + p, 100)),
            KeyedMap.<StringSet>empty().with("host", StringSet.of(host))
                .with("container", StringSet.of(containerId(c) + ";<container>")), null));
        if (p == 0) {
          // One connection per container: to a peer host, or to the internet.
          int peer = spec.peerHosts() > 0 ? (spec.hostIndex() + 1 + c) % Math.max(1, spec.peerHosts()) : -1;
          String remote = peer >= 0 && peer != spec.hostIndex() && c % 4 != 3
              ? ";10.0." + (peer / 250) + "." + (peer % 250 + 1) + ";8080" : ";93.184.216." + (34 + c % 10) + ";443";
          String local = ";" + hostIp() + ";" + (40000 + c);
          endpoints = endpoints.withNode(new Node(local, "endpoint", null, StringSet.of(remote),
              latest(now, "pid", pid, "host_node_id", host), null, null, null));
          endpoints = endpoints.withNode(Node.of(remote, "endpoint"));
        }
      }
    }
    if (spec.containers() > 0 && running[0] && spec.processesPerContainer() > 0) {
      // The first container's app-server listens on the host's port 8080, where peers connect.
      endpoints = endpoints.withNode(new Node(";" + hostIp() + ";8080", "endpoint", null, null,
          latest(now, "pid", "1000", "host_node_id", host), null, null, null));
    }
    Report k8s = spec.kubernetes() ? kubernetes(now) : Report.EMPTY;
    return Report.builder().ts(now).windowNanos(windowNanos).id(probeId + "-" + now)
        .topology(TopologyType.POD, k8s.topology(TopologyType.POD))
        .topology(TopologyType.SERVICE, k8s.topology(TopologyType.SERVICE))
        .topology(TopologyType.DEPLOYMENT, k8s.topology(TopologyType.DEPLOYMENT))
        .topology(TopologyType.NAMESPACE, k8s.topology(TopologyType.NAMESPACE))
        .topology(TopologyType.HOST, hosts).topology(TopologyType.CONTAINER, containers)
        .topology(TopologyType.CONTAINER_IMAGE, images).topology(TopologyType.PROCESS, processes)
        .topology(TopologyType.ENDPOINT, endpoints).build();
  }
}
