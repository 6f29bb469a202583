package io.scopeline.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.model.Report;
import io.scopeline.model.Reports;
import io.scopeline.render.NodeSummary;
import io.scopeline.render.Views;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What a simulated fleet looks like once rendered, and how the simulator paces and silences it. */
class SimulatedFleetRenderingTest {
  private static final long T0 = 1_795_311_568_000_000_000L;

  private static Views render(ProbeFleet fleet) {
    List<Report> reports = new ArrayList<>();
    fleet.tick(T0).forEach(o -> reports.add(o.report()));
    return new Views(Reports.merge(reports));
  }

  @Test
  void hostsConnectToEachOtherAndKubernetesFleetsHavePodsServicesAndControllers() {
    ProbeFleet fleet = new ProbeFleet(new ProbeFleet.Spec(1, 4, 4, 2, 0, Duration.ofSeconds(3), 3, true), T0, "demo");
    Views views = render(fleet);

    Map<String, NodeSummary> hosts = views.summaries("hosts", Map.of()).orElseThrow();
    assertThat(hosts.get("t0-host-0;<host>").adjacency()).contains("t0-host-1;<host>");
    Map<String, NodeSummary> pods = views.summaries("pods", Map.of()).orElseThrow();
    assertThat(pods.keySet()).contains("pod-t0-host-0-0;<pod>");
    assertThat(views.summaries("services", Map.of()).orElseThrow().get("svc-app-0;<service>").labelMinor())
        .isEqualTo("8 pods");
    assertThat(views.summaries("kube-controllers", Map.of()).orElseThrow().get("dep-app-1;<deployment>")
        .labelMinor()).isEqualTo("Deployment of 4 pods");
    List<?> options = (List<?>) views.topologies(Map.of()).stream().filter(t -> t.get("name").equals("Pods"))
        .findFirst().orElseThrow().get("options");
    assertThat(options.toString()).contains("namespace").contains("shop").contains("All Namespaces");
  }

  @Test
  void aRateLimitSpacesTheSendsAndASilencedHostSendsNothing() throws Exception {
    ProbeFleet fleet = new ProbeFleet(new ProbeFleet.Spec(1, 5, 1, 1, 0, Duration.ofMillis(200), 1), T0, "t");
    fleet.setSilent(fleet.hosts().get(2), true);
    List<Long> sentAt = new CopyOnWriteArrayList<>();
    List<String> probes = new CopyOnWriteArrayList<>();
    Publisher recorder = new Publisher() {
      @Override
      public CompletableFuture<Integer> send(ProbeFleet.Outgoing r) {
        sentAt.add(System.nanoTime());
        probes.add(r.report().topology(io.scopeline.model.TopologyType.HOST).nodes().keyAt(0));
        return CompletableFuture.completedFuture(1);
      }

      @Override
      public void close() {}
    };
    new Simulator().withRateLimit(20).run(fleet, recorder, Duration.ofMillis(150), false);

    assertThat(sentAt).hasSize(4);
    // 20 reports/s: the fourth of a tick is due 150 ms after the first.
    assertThat(sentAt.get(3) - sentAt.get(0)).isGreaterThanOrEqualTo(140_000_000L);
    assertThat(probes).doesNotContain(fleet.hosts().get(2) + ";<host>");
  }
}
