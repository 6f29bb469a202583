package io.scopeline.bench;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import io.scopeline.model.Reports;
import io.scopeline.model.TopologyType;
import io.scopeline.query.live.TopologyViews;
import io.scopeline.query.read.WindowReader;
import io.scopeline.render.TopologyDiff;
import io.scopeline.render.Views;
import io.scopeline.simulator.ProbeFleet;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Render latency of the processes and containers views at about 100, 1 000 and 10 000 process
 * nodes (cold: a new window each time, as when a quantum arrives), of every view of a 1 000-host
 * Kubernetes fleet, and the cost of 1 000 WebSocket
 * watchers of one view per tick, rendering per connection (as Scope does) versus shared.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks exec:java -Dbench.main=io.scopeline.bench.RenderLatency}
 * (arguments: {@code watchers=1000 ticks=3}).
 */
public final class RenderLatency {
  private static final Map<String, List<String>> DEFAULTS = Views.parseQuery("t=5s");

  private RenderLatency() {}

  public static void main(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    int watchers = Integer.parseInt(opts.getOrDefault("watchers", "1000"));
    int ticks = Integer.parseInt(opts.getOrDefault("ticks", "3"));

    System.out.println("== render latency, cold (new window each iteration), option defaults applied");
    System.out.println("target  hosts  process  container  view        p50 ms   p99 ms   decode+merge p50 ms");
    for (int target : new int[] {100, 1_000, 10_000}) {
      Window w = windowWithProcesses(target);
      int iterations = target >= 10_000 ? 30 : target >= 1_000 ? 100 : 300;
      double decodeP50 = percentile(time(iterations, () -> w.decodeAndMerge()), 50);
      for (String view : new String[] {"processes", "containers"}) {
        double[] ms = time(iterations, () -> new Views(w.report).summaries(view, DEFAULTS));
        System.out.printf(Locale.ROOT, "%6d  %5d  %7d  %9d  %-10s  %7.2f  %7.2f  %7.2f%n", target, w.hosts,
            w.report.topology(TopologyType.PROCESS).nodes().size(),
            w.report.topology(TopologyType.CONTAINER).nodes().size(), view, percentile(ms, 50), percentile(ms, 99),
            decodeP50);
      }
    }

    // The standalone demo's shape: Kubernetes, 4 containers × 2 processes per host; grouped views
    // (services, images) fold every host's nodes into a few.
    Window k8s = new Window(1_000, 4, true);
    System.out.printf(Locale.ROOT, "%n== every view, cold, %d hosts (Kubernetes: %d processes, %d containers)%n",
        k8s.hosts, k8s.report.topology(TopologyType.PROCESS).nodes().size(),
        k8s.report.topology(TopologyType.CONTAINER).nodes().size());
    double k8sRead = percentile(time(30, () -> k8s.decodeAndMerge()), 50);
    System.out.println("view                   nodes      bytes   render p50 ms   p99 ms   +json p50 ms   decode+merge p50 ms");
    for (String view : new String[] {"hosts", "processes", "processes-by-name", "containers", "containers-by-hostname",
        "containers-by-image", "pods", "services"}) {
      double[] render = time(30, () -> new Views(k8s.report).summaries(view, DEFAULTS));
      double[] json = time(30, () -> new Views(k8s.report).topologyJson(view, DEFAULTS));
      System.out.printf(Locale.ROOT, "%-20s %7d %10d   %13.2f  %7.2f  %13.2f   %19.2f%n", view,
          new Views(k8s.report).summaries(view, DEFAULTS).orElseThrow().size(),
          new Views(k8s.report).topologyJson(view, DEFAULTS).orElseThrow().length, percentile(render, 50),
          percentile(render, 99), percentile(json, 50), k8sRead);
    }

    Window w = windowWithProcesses(1_000);
    System.out.printf(Locale.ROOT, "%n== %d watchers of containers (1 tenant, %d process nodes), %d ticks%n", watchers,
        w.report.topology(TopologyType.PROCESS).nodes().size(), ticks);
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    // Scope: every connection renders for itself on every tick.
    int perConnectionTicks = Math.max(1, Math.min(ticks, 2));
    long c0 = cpu.getCurrentThreadCpuTime();
    long renders = 0;
    List<Map<String, io.scopeline.render.NodeSummary>> previous = new ArrayList<>(watchers);
    for (int i = 0; i < watchers; i++) {
      previous.add(Map.of());
    }
    for (int t = 0; t < perConnectionTicks; t++) {
      Report tickReport = w.tick(t);
      for (int i = 0; i < watchers; i++) {
        var summaries = new Views(tickReport).summaries("containers", DEFAULTS).orElseThrow();
        renders++;
        io.scopeline.render.JsonOut.string(TopologyDiff.of(previous.get(i), summaries, t == 0));
        previous.set(i, summaries);
      }
    }
    double perConnectionMsPerTick = (cpu.getCurrentThreadCpuTime() - c0) / 1e6 / perConnectionTicks;
    double perConnectionRenders = (double) renders / perConnectionTicks;
    // Scopeline: one Views per window identity and one diff per tick, shared by every watcher.
    TopologyViews shared = new TopologyViews(300_000);
    long c1 = cpu.getCurrentThreadCpuTime();
    java.util.IdentityHashMap<Object, Boolean> distinctRenders = new java.util.IdentityHashMap<>();
    for (int i = 0; i < watchers; i++) {
      previous.set(i, Map.of());
    }
    Map<String, io.scopeline.render.NodeSummary> before = Map.of();
    for (int t = 0; t < ticks; t++) {
      var window = new WindowReader.Window(w.tick(t), Duration.ZERO, "bench@" + t);
      // As FrameStreams does: the tick's diff is computed and encoded once for the view...
      var rendered = shared.of(window, io.scopeline.render.Censoring.NONE).summaries("containers", DEFAULTS).orElseThrow();
      io.scopeline.render.JsonOut.bytes(io.scopeline.render.TopologyDiff.of(before, rendered, t == 0));
      before = rendered;
      for (int i = 0; i < watchers; i++) {
        // ...and each watcher only looks the shared rendering up.
        var summaries = shared.of(window, io.scopeline.render.Censoring.NONE).summaries("containers", DEFAULTS).orElseThrow();
        distinctRenders.put(summaries, Boolean.TRUE);
        previous.set(i, summaries);
      }
    }
    double sharedMsPerTick = (cpu.getCurrentThreadCpuTime() - c1) / 1e6 / ticks;
    double sharedRenders = (double) distinctRenders.size() / ticks;
    System.out.println("mode             renders/tick   CPU ms/tick");
    System.out.printf(Locale.ROOT, "per-connection   %12.0f   %11.1f%n", perConnectionRenders, perConnectionMsPerTick);
    System.out.printf(Locale.ROOT, "shared           %12.0f   %11.1f%n", sharedRenders, sharedMsPerTick);
    System.out.printf(Locale.ROOT, "shared costs %.4f of per-connection (%.0fx less CPU per tick)%n",
        sharedMsPerTick / perConnectionMsPerTick, perConnectionMsPerTick / sharedMsPerTick);
  }

  /** A tenant's merged 15 s window from a simulated fleet, and its encoded quanta. */
  private static final class Window {
    final int hosts;
    final Report report;
    final List<byte[]> quanta = new ArrayList<>();
    final ProbeFleet fleet;
    long now;

    Window(int hosts) {
      this(hosts, 6, false);
    }

    Window(int hosts, int containersPerHost, boolean kubernetes) {
      this.hosts = hosts;
      this.now = System.currentTimeMillis() * 1_000_000L;
      this.fleet = new ProbeFleet(new ProbeFleet.Spec(1, hosts, containersPerHost, 2, 0.05, Duration.ofSeconds(3), 42,
          kubernetes), now);
      List<Report> reports = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        now += 3_000_000_000L;
        List<Report> quantum = new ArrayList<>();
        fleet.tick(now).forEach(o -> quantum.add(o.report()));
        Report merged = Reports.merge(quantum);
        quanta.add(ReportCodec.encode(merged, ReportFormat.MSGPACK_GZIP));
        reports.add(merged);
      }
      this.report = Reports.merge(reports);
    }

    Report decodeAndMerge() {
      List<Report> reports = new ArrayList<>(quanta.size());
      for (byte[] q : quanta) {
        reports.add(ReportUpgrade.upgrade(ReportCodec.decode(q, ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT)));
      }
      return Reports.merge(reports);
    }

    /** The window after {@code t} more publishes (what a watcher sees on tick t). */
    Report tick(int t) {
      if (t == 0) {
        return report;
      }
      now += 1_000_000_000L;
      List<Report> quantum = new ArrayList<>();
      fleet.tick(now).forEach(o -> quantum.add(o.report()));
      return Reports.merge(List.of(report, Reports.merge(quantum)));
    }
  }

  private static Window windowWithProcesses(int target) {
    int hosts = 1;
    Window w = new Window(hosts);
    int perHost = Math.max(1, w.report.topology(TopologyType.PROCESS).nodes().size());
    hosts = Math.max(1, Math.round((float) target / perHost));
    return new Window(hosts);
  }

  private static double[] time(int iterations, Runnable r) {
    for (int i = 0; i < Math.min(20, iterations); i++) {
      r.run();
    }
    double[] ms = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      long t0 = System.nanoTime();
      r.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return ms;
  }

  private static double percentile(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
