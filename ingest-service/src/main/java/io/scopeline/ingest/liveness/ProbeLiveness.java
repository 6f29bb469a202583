package io.scopeline.ingest.liveness;

import io.scopeline.ingest.config.LivenessProperties;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Tracks when each (tenant, probe) last reported and its publish interval, and decides who went
 * silent. A probe silent for more than {@code silentIntervals} of its intervals (at least
 * {@code minSilence}) turns {@code nodata}; its next report turns it {@code ok}. When a large share
 * of probes go silent in the same check, that is the pipeline, not the hosts: one
 * {@code pipeline-stall} event is emitted and the per-probe alarms (and their recoveries) are
 * suppressed. Pure logic with an injectable clock; thread-safe.
 */
public final class ProbeLiveness {
  private record Key(String tenant, String probe) {}

  /** Mutable per-probe state, guarded by the map's entry lock. */
  private static final class State {
    long lastSeenMillis;
    long intervalMillis;
    boolean nodata;
    boolean suppressed;
    boolean seenSinceCheck;
    String hostname = "";
  }

  /** A probe's current status for the status table. */
  public record Status(String tenant, String probe, String status, long lastSeenMillis, long intervalMillis,
      String hostname) {}

  private final Map<Key, State> probes = new ConcurrentHashMap<>();
  private final LivenessProperties props;
  private final LongSupplier clockMillis;

  public ProbeLiveness(LivenessProperties props, LongSupplier clockMillis) {
    this.props = props;
    this.clockMillis = clockMillis;
  }

  /**
   * Records a report from a probe. Returns an {@code ok} event when the probe was {@code nodata}
   * (and not suppressed by a stall), else null.
   */
  public ProbeStatusEvent reportSeen(String tenant, String probe, long windowNanos) {
    return reportSeen(tenant, probe, windowNanos, null);
  }

  /** As {@link #reportSeen(String, String, long)}, remembering the probe's host name when the report has one. */
  public ProbeStatusEvent reportSeen(String tenant, String probe, long windowNanos, String hostname) {
    if (probe == null || probe.isEmpty()) {
      return null;
    }
    long now = clockMillis.getAsLong();
    long interval = windowNanos > 0 ? Math.max(1, windowNanos / 1_000_000L) : props.defaultInterval().toMillis();
    ProbeStatusEvent[] event = new ProbeStatusEvent[1];
    probes.compute(new Key(tenant, probe), (k, s) -> {
      State state = s == null ? new State() : s;
      if (state.nodata && !state.suppressed) {
        event[0] = new ProbeStatusEvent(ProbeStatusEvent.PROBE_STATUS, tenant, probe, ProbeStatusEvent.OK, now, now, 0, 0);
      }
      state.nodata = false;
      state.suppressed = false;
      state.lastSeenMillis = now;
      state.intervalMillis = interval;
      state.seenSinceCheck = true;
      if (hostname != null && !hostname.isEmpty()) {
        state.hostname = hostname;
      }
      return state;
    });
    return event[0];
  }

  /**
   * Stops tracking the probes of {@code tenants} without any event: their partitions moved to
   * another instance, which tracks them from their next report. Otherwise this instance would
   * report them all silent (a false stall) once their reports stop arriving here.
   */
  public void forgetTenants(java.util.Collection<String> tenants) {
    if (!tenants.isEmpty()) {
      probes.keySet().removeIf(k -> tenants.contains(k.tenant()));
    }
  }

  /**
   * Takes over a probe from the shared status table (another instance watched it before a
   * rebalance): it is tracked from its recorded last report, so one that went silent meanwhile is
   * still reported. Probes already tracked here, and entries older than forget-after, are ignored.
   */
  public void adopt(String tenant, String probe, boolean nodata, long lastSeenMillis, long intervalMillis) {
    adopt(tenant, probe, nodata, lastSeenMillis, intervalMillis, "");
  }

  /** As {@link #adopt(String, String, boolean, long, long)}, with the host name the table recorded. */
  public void adopt(String tenant, String probe, boolean nodata, long lastSeenMillis, long intervalMillis,
      String hostname) {
    if (clockMillis.getAsLong() - lastSeenMillis > props.forgetAfter().toMillis()) {
      return;
    }
    probes.computeIfAbsent(new Key(tenant, probe), k -> {
      State s = new State();
      s.lastSeenMillis = lastSeenMillis;
      s.intervalMillis = intervalMillis > 0 ? intervalMillis : props.defaultInterval().toMillis();
      s.nodata = nodata;
      s.hostname = hostname == null ? "" : hostname;
      return s;
    });
  }

  /** The tenants with a probe tracked here. */
  public java.util.Set<String> trackedTenants() {
    java.util.Set<String> out = new java.util.HashSet<>();
    probes.keySet().forEach(k -> out.add(k.tenant()));
    return out;
  }

  private long threshold(State s) {
    return Math.max(props.silentIntervals() * s.intervalMillis, props.minSilence().toMillis());
  }

  /** The result of one check: events to emit and statuses to write to the status table. */
  public record CheckResult(List<ProbeStatusEvent> events, List<Status> changed, List<Forgotten> forgotten) {}

  /** A probe silent beyond {@code forgetAfter}: dropped here, and due to go from the status table. */
  public record Forgotten(String tenant, String probe) {}

  /** Checks every probe once. */
  public synchronized CheckResult check() {
    long now = clockMillis.getAsLong();
    Map<String, List<Key>> newlySilent = new HashMap<>();
    Map<String, Integer> totals = new HashMap<>();
    List<Status> changed = new ArrayList<>();
    List<Forgotten> forgotten = new ArrayList<>();
    int newlyAll = 0;
    for (var e : probes.entrySet()) {
      Key k = e.getKey();
      State s = e.getValue();
      synchronized (s) {
        long silentFor = now - s.lastSeenMillis;
        if (silentFor > props.forgetAfter().toMillis()) {
          if (probes.remove(k, s)) {
            forgotten.add(new Forgotten(k.tenant(), k.probe()));
          }
          continue;
        }
        totals.merge(k.tenant(), 1, Integer::sum);
        if (!s.nodata && silentFor > threshold(s)) {
          newlySilent.computeIfAbsent(k.tenant(), t -> new ArrayList<>()).add(k);
          newlyAll++;
        } else if (s.seenSinceCheck) {
          changed.add(new Status(k.tenant(), k.probe(), s.nodata ? ProbeStatusEvent.NODATA : ProbeStatusEvent.OK,
              s.lastSeenMillis, s.intervalMillis, s.hostname));
        }
        s.seenSinceCheck = false;
      }
    }
    List<ProbeStatusEvent> events = new ArrayList<>();
    int totalAll = probes.size();
    // One tenant's fleet going quiet (its network, its collector) is that tenant's stall, however
    // large it is: only silence spread over several tenants is the pipeline's own.
    boolean globalStall = newlySilent.size() >= props.stallMinTenants() && totalAll >= props.stallMinProbes()
        && newlyAll > props.stallShare() * totalAll;
    if (globalStall) {
      events.add(new ProbeStatusEvent(ProbeStatusEvent.PIPELINE_STALL, "", "", ProbeStatusEvent.NODATA, 0, now,
          newlyAll, totalAll));
    }
    for (var e : newlySilent.entrySet()) {
      String tenant = e.getKey();
      int total = totals.getOrDefault(tenant, 0);
      boolean tenantStall = !globalStall && total >= props.stallMinProbes()
          && e.getValue().size() > props.stallShare() * total;
      if (tenantStall) {
        events.add(new ProbeStatusEvent(ProbeStatusEvent.PIPELINE_STALL, tenant, "", ProbeStatusEvent.NODATA, 0, now,
            e.getValue().size(), total));
      }
      boolean suppress = globalStall || tenantStall;
      for (Key k : e.getValue()) {
        State s = probes.get(k);
        if (s == null) {
          continue;
        }
        synchronized (s) {
          s.nodata = true;
          s.suppressed = suppress;
          changed.add(new Status(k.tenant(), k.probe(), ProbeStatusEvent.NODATA, s.lastSeenMillis, s.intervalMillis,
              s.hostname));
          if (!suppress) {
            events.add(new ProbeStatusEvent(ProbeStatusEvent.PROBE_STATUS, k.tenant(), k.probe(),
                ProbeStatusEvent.NODATA, s.lastSeenMillis, now, 0, 0));
          }
        }
      }
    }
    return new CheckResult(events, changed, forgotten);
  }

  /** Number of probes currently in {@code status} (ok or nodata). */
  public long count(String status) {
    boolean nodata = ProbeStatusEvent.NODATA.equals(status);
    return probes.values().stream().filter(s -> s.nodata == nodata).count();
  }

  /** Number of probes tracked. */
  public int size() {
    return probes.size();
  }
}
