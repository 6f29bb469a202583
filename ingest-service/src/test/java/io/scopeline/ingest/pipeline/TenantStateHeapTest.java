package io.scopeline.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopeline.ingest.config.LivenessProperties;
import io.scopeline.ingest.config.TenantMetricsProperties;
import io.scopeline.ingest.liveness.ProbeLiveness;
import io.scopeline.keys.Quanta;
import io.scopeline.keys.TenantId;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the ingest side keeps per tenant once a tenant's data is written: a partition's last-seen
 * time, the liveness of its probes and (bounded) metric series. Measured in heap for 10 000
 * tenants of two probes each, with bounds generous enough to hold on any JVM, and small enough that
 * keeping a tenant's report data, or a series per tenant, would break them.
 */
class TenantStateHeapTest {
  private static final int TENANTS = 10_000;
  private static final TopicPartition TP = new TopicPartition("reports", 0);
  // On a quantum's start, so that a record a quantum later is past the first quantum's end and grace
  // whatever the clock says (unaligned, a record 3 s later sometimes fell inside the grace).
  private static final long BASE = (System.currentTimeMillis() - 600_000) / 3_000 * 3_000 * 1_000_000L;

  /** Heap kept above the start, in bytes: while the tenants report, and once they went idle. */
  private record Kept(long whileActive, long onceIdle) {}

  @Test
  void tenThousandTenantsKeepLittleOnceWrittenAndNothingOnceIdle() throws InterruptedException {
    // A small round first, so that classes loaded on first use are not counted as tenant state.
    exercise(200);
    Kept kept = exercise(TENANTS);
    System.out.printf("%d tenants, %d probes: %d KiB kept while active (%d bytes a tenant), %d KiB once idle%n",
        TENANTS, 2 * TENANTS, kept.whileActive() / 1024, kept.whileActive() / TENANTS, kept.onceIdle() / 1024);
    assertThat(kept.whileActive()).as("per-tenant metadata while the tenants report, bytes")
        .isLessThan(TENANTS * 2_048L);
    assertThat(kept.onceIdle()).as("after the tenants went idle, bytes").isLessThan(1L << 20);
  }

  private Kept exercise(int tenants) throws InterruptedException {
    AtomicLong clockMillis = new AtomicLong(System.currentTimeMillis());
    AtomicLong ticker = new AtomicLong();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    long baseline = heapAfterGc();

    AtomicLong segments = new AtomicLong();
    ReplayGuard noReplay = new ReplayGuard(TP, Mono.just(0L), (tenant, quantum, partition) -> Flux.empty(),
        registry.counter("replayed"));
    Duration idle = Duration.ofMillis(300);
    PartitionQuanta quanta = new PartitionQuanta(TP, 0, Quanta.of(Duration.ofSeconds(3)), 500_000_000L,
        30_000_000_000L, 4, batch -> Mono.fromRunnable(() -> segments.addAndGet(batch.size())), null, null,
        noReplay, idle.toNanos());
    ProbeLiveness liveness = new ProbeLiveness(new LivenessProperties(Duration.ofSeconds(3), 3,
        Duration.ofSeconds(10), Duration.ofSeconds(1), 0.3, 4, 3, Duration.ofMinutes(10)), clockMillis::get);
    TenantMeters meters = new TenantMeters(registry, new TenantMetricsProperties(100, Duration.ofMinutes(10)),
        ticker::get);

    long offset = 0;
    for (int t = 0; t < tenants; t++) {
      TenantId tenant = TenantId.of("small-tenant-" + t);
      for (int p = 0; p < 2; p++) {
        String probe = "probe-" + t + "-" + p;
        quanta.accept(AcceptedRecords.hostReport(TP, offset++, BASE + 1_000_000_000L, tenant, probe, o -> { }))
            .block();
        liveness.reportSeen(tenant.value(), probe, 3_000_000_000L, "host-" + t + "-" + p);
        meters.received(tenant.value(), 3_000);
      }
    }
    // A record a quantum later closes and writes every tenant's segment.
    quanta.accept(AcceptedRecords.hostReport(TP, offset, BASE + 4_000_000_000L, TenantId.of("small-tenant-0"),
        "probe-0-0", o -> { })).block();
    assertThat(segments.get()).isEqualTo(tenants);
    assertThat(meters.tracked()).isEqualTo(Math.min(100, tenants));
    long whileActive = heapAfterGc() - baseline;

    Thread.sleep(idle.toMillis() + 100);
    quanta.closeIdle(BASE + 60_000_000_000L);
    clockMillis.addAndGet(Duration.ofMinutes(11).toMillis());
    ticker.addAndGet(Duration.ofMinutes(11).toNanos());
    // The service hands the forgotten probes to the status table and drops them.
    assertThat(liveness.check().forgotten()).hasSize(2 * tenants);
    assertThat(quanta.trackedTenants()).isZero();
    assertThat(meters.tracked()).isZero();
    assertThat(quanta.openSegments() + liveness.trackedTenants().size()).isZero();
    long onceIdle = heapAfterGc() - baseline;
    // The structures themselves stay reachable up to here, as they do in the running service.
    java.lang.ref.Reference.reachabilityFence(quanta);
    java.lang.ref.Reference.reachabilityFence(liveness);
    java.lang.ref.Reference.reachabilityFence(meters);
    return new Kept(whileActive, onceIdle);
  }

  private static long heapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    // A few full collections: the lowest reading is the retained heap, without garbage still in flight.
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
