package io.scopeline.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopeline.keys.Quanta;
import io.scopeline.keys.TenantId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A partition that comes back to this instance while records of its earlier assignment are still
 * in the pipeline: those come first, then the consumer fetches them again from its start offset.
 */
class PartitionQuantaTest {
  private static final TopicPartition TP = new TopicPartition("reports", 0);
  private static final TenantId TENANT = TenantId.of("t");
  /**
   * On a quantum's start, so "n seconds after BASE" is in the quantum the tests mean (unaligned, a
   * record a quantum later sometimes fell inside the grace and closed nothing: CI caught it).
   */
  private static final long BASE = Quanta.of(Duration.ofSeconds(3))
      .startOf((System.currentTimeMillis() - 600_000) * 1_000_000L);

  private final List<Segment> written = new ArrayList<>();
  private final List<List<Segment>> batches = new ArrayList<>();
  private final List<Long> commits = new ArrayList<>();

  private PartitionQuanta partitionStartingAt(long startOffset) {
    return partitionStartingAt(startOffset, Duration.ofMinutes(5));
  }

  private PartitionQuanta partitionStartingAt(long startOffset, Duration tenantStateIdle) {
    ReplayGuard noReplay = new ReplayGuard(TP, Mono.just(0L), (tenant, quantum, partition) ->
        reactor.core.publisher.Flux.empty(), new SimpleMeterRegistry().counter("replayed"));
    return new PartitionQuanta(TP, startOffset, Quanta.of(Duration.ofSeconds(3)), 500_000_000L, 30_000_000_000L, 4,
        batch -> Mono.fromRunnable(() -> {
          List<Segment> segments = batch.stream().map(PartitionQuanta.Closed::segment).toList();
          batches.add(segments);
          written.addAll(segments);
        }), null, null, noReplay,
        tenantStateIdle.toNanos());
  }

  /** The record at {@code offset}, its record time {@code seconds} after BASE. */
  private Decoded.Accepted record(long offset, long seconds) {
    return record(offset, seconds, TENANT);
  }

  private Decoded.Accepted record(long offset, long seconds, TenantId tenant) {
    return AcceptedRecords.hostReport(TP, offset, BASE + seconds * 1_000_000_000L, tenant, "probe", commits::add);
  }

  @Test
  void aQuantumOfManyTenantsClosesAsOneBatchByThePartitionsRecordTimeAndTheTenantsAreThenForgotten()
      throws InterruptedException {
    PartitionQuanta q = partitionStartingAt(0, Duration.ZERO);
    int tenants = 10_000;
    for (int i = 0; i < tenants; i++) {
      q.accept(record(i, 1, TenantId.of("small-" + i))).block();
    }
    assertThat(q.openSegments()).isEqualTo(tenants);
    // Any tenant's record a quantum later closes every tenant's segment of the quantum, together.
    q.accept(record(tenants, 4, TenantId.of("small-0"))).block();
    assertThat(batches).hasSize(1);
    assertThat(batches.get(0)).hasSize(tenants);
    assertThat(q.openSegments()).isEqualTo(1);

    long farLater = BASE + 60_000_000_000L;
    Thread.sleep(600); // quiet for longer than the grace, in wall time
    q.closeIdle(farLater);
    assertThat(written).hasSize(tenants + 1);
    assertThat(q.openSegments()).isZero();
    q.closeIdle(farLater);
    assertThat(q.trackedTenants()).as("nothing kept of tenants that went quiet").isZero();
    assertThat(q.committableOffset()).isEqualTo(tenants + 1);
  }

  @Test
  void aLateSegmentIsWrittenWithTheNextQuantumThatCloses() {
    PartitionQuanta q = partitionStartingAt(0);
    q.accept(record(0, 1, TenantId.of("a"))).block();
    q.accept(record(1, 4, TenantId.of("b"))).block(); // closes [0, 3)
    q.accept(record(2, 2, TenantId.of("c"))).block(); // late for [0, 3): waits
    assertThat(batches).hasSize(1);
    q.accept(record(3, 7, TenantId.of("a"))).block(); // closes [3, 6) and the late one
    assertThat(batches).hasSize(2);
    assertThat(batches.get(1)).extracting(s -> s.tenant().value()).containsExactlyInAnyOrder("b", "c");
    assertThat(q.committableOffset()).as("held back only by the open segment").isEqualTo(3);
  }

  @Test
  void theSameRecordsCutTheSameBatches() {
    List<List<String>> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      batches.clear();
      PartitionQuanta q = partitionStartingAt(0);
      long[] seconds = {1, 1, 2, 4, 2, 5, 8, 3, 9, 13};
      for (int i = 0; i < seconds.length; i++) {
        q.accept(record(i, seconds[i], TenantId.of("t" + (i % 3)))).block();
      }
      q.flush().block();
      runs.add(batches.stream().map(b -> b.stream().map(Segment::objectKey).sorted().toList().toString()).toList());
    }
    assertThat(runs.get(1)).isEqualTo(runs.get(0)).hasSizeGreaterThan(2);
  }

  @Test
  void recordsInFlightFromAnEarlierAssignmentAreNotMergedTwiceWhenFetchedAgain() {
    PartitionQuanta q = partitionStartingAt(10);
    // In flight from before: 12 and 13. Then the consumer's fetch from its start offset, 10.
    for (long offset : new long[] {12, 13, 10, 11, 12, 13, 14}) {
      q.accept(record(offset, 1)).block();
    }
    q.flush().block();

    assertThat(written).hasSize(1);
    Segment s = written.get(0);
    assertThat(s.reportCount()).as("reports merged into the quantum").isEqualTo(5);
    assertThat(s.report().windowNanos()).isEqualTo(5_000_000_000L);
    assertThat(s.objectKey()).endsWith("-0-10-14");
  }

  @Test
  void nothingIsCommittedPastRecordsThisAssignmentHasNotSeen() {
    PartitionQuanta q = partitionStartingAt(10);
    // In flight from before: 12, and 13 a quantum later, which closes 12's segment (written at once).
    q.accept(record(12, 8)).block();
    q.accept(record(13, 12)).block();
    assertThat(written).hasSize(1);
    assertThat(commits).as("committing 13 would skip 10 and 11, which this assignment has not taken").isEmpty();

    for (long offset = 10; offset <= 14; offset++) {
      q.accept(record(offset, (offset - 10) * 4)).block();
    }
    q.flush().block();
    q.commitNow().block();
    assertThat(commits).isNotEmpty().isSorted();
    assertThat(commits.get(commits.size() - 1)).isEqualTo(15);
    assertThat(written.stream().mapToInt(Segment::reportCount).sum() - 1).as("each record once after the restart")
        .isEqualTo(5);
  }

  @Test
  void recordsInStepFromTheStartOffsetCommitAsTheyBecomeDurable() {
    PartitionQuanta q = partitionStartingAt(10);
    q.accept(record(10, 0)).block();
    q.accept(record(11, 4)).block();
    assertThat(commits).containsExactly(11L);
  }
}
