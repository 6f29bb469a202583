package io.scopeline.simulator;

import io.scopeline.model.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Many simulated probes across tenants, published together on each tick. */
public final class ProbeFleet {
  /**
   * What to simulate.
   *
   * @param tenants number of tenants ({@code tenant-0} …)
   * @param probesPerTenant probes (hosts) per tenant
   * @param containersPerHost containers on each host
   * @param processesPerContainer processes in each running container
   * @param churnPerPublish chance per publish that a container stops or starts (a shortcut report)
   * @param publishInterval time between a probe's publishes (Scope: 3 s)
   * @param seed makes the fleet repeatable
   * @param kubernetes whether containers run in pods, with services, deployments and namespaces
   */
  public record Spec(int tenants, int probesPerTenant, int containersPerHost, int processesPerContainer,
      double churnPerPublish, Duration publishInterval, long seed, boolean kubernetes) {
    public Spec(int tenants, int probesPerTenant, int containersPerHost, int processesPerContainer,
        double churnPerPublish, Duration publishInterval, long seed) {
      this(tenants, probesPerTenant, containersPerHost, processesPerContainer, churnPerPublish, publishInterval, seed,
          false);
    }

    public static Spec demo() {
      return new Spec(1, 5, 4, 2, 0.05, Duration.ofSeconds(3), 1);
    }
  }

  /** A report to send, with the tenant and probe it comes from. */
  public record Outgoing(String tenant, String probeId, Report report) {}

  private final Spec spec;
  private final List<SimulatedProbe> probes = new ArrayList<>();
  private final List<String> tenantOf = new ArrayList<>();
  private final java.util.Set<String> silenced = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public ProbeFleet(Spec spec, long startNanos) {
    this(spec, startNanos, "tenant-");
  }

  /** A fleet whose tenants are called {@code <tenantPrefix>0}, … — or just the prefix when there is one tenant and it does not end in '-'. */
  public ProbeFleet(Spec spec, long startNanos, String tenantPrefix) {
    this.spec = spec;
    int index = 0;
    for (int t = 0; t < spec.tenants(); t++) {
      for (int p = 0; p < spec.probesPerTenant(); p++) {
        probes.add(new SimulatedProbe(new SimulatedProbe.Spec("t" + t + "-host-" + p, index,
            spec.containersPerHost(), spec.processesPerContainer(), spec.probesPerTenant(), spec.churnPerPublish(),
            spec.seed() * 1_000_003L + index, spec.kubernetes()), startNanos));
        tenantOf.add(spec.tenants() == 1 && !tenantPrefix.endsWith("-") ? tenantPrefix : tenantPrefix + t);
        index++;
      }
    }
  }

  public Spec spec() {
    return spec;
  }

  public int size() {
    return probes.size();
  }

  /** A probe of the fleet and the tenant it reports to. */
  public record Member(String tenant, SimulatedProbe probe) {}

  /** Every probe with its tenant, in fleet order. */
  public List<Member> members() {
    List<Member> out = new ArrayList<>();
    for (int i = 0; i < probes.size(); i++) {
      out.add(new Member(tenantOf.get(i), probes.get(i)));
    }
    return out;
  }

  /** The simulated hosts' names, in fleet order. */
  public List<String> hosts() {
    return probes.stream().map(SimulatedProbe::host).toList();
  }

  /** Silences a host's probe (it stops publishing, as if it died) or brings it back. */
  public void setSilent(String host, boolean silent) {
    if (silent) {
      silenced.add(host);
    } else {
      silenced.remove(host);
    }
  }

  /** Every probe's publish at {@code nowNanos}, followed by the shortcut reports it emitted. */
  public List<Outgoing> tick(long nowNanos) {
    List<Outgoing> out = new ArrayList<>();
    long window = spec.publishInterval().toNanos();
    for (int i = 0; i < probes.size(); i++) {
      SimulatedProbe probe = probes.get(i);
      if (silenced.contains(probe.host())) {
        continue;
      }
      Report report = probe.publish(nowNanos, window);
      for (Report shortcut : probe.drainShortcuts()) {
        out.add(new Outgoing(tenantOf.get(i), probe.probeId(), shortcut));
      }
      out.add(new Outgoing(tenantOf.get(i), probe.probeId(), report));
    }
    return out;
  }
}
