package io.scopeline.ingest.pipeline;

import io.micrometer.core.instrument.Counter;
import io.scopeline.keys.SegmentRange;
import io.scopeline.keys.TenantId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which replayed records of a newly assigned partition are durable already. Offsets are committed
 * only up to the first record not yet durable, so segments holding later records may exist when a
 * consumer crashes or a partition moves: its new owner reads those records again from the last
 * commit. Merging them again would count them twice (a segment is a merge, it cannot be taken
 * apart), so each record below the partition's end offset at assignment is looked up in the index
 * rows of its tenant's quantum from this partition — one query per (tenant, quantum), cached — and
 * taken past when a segment's offset range holds it. Past that offset nothing was read by anyone
 * before, and no record is looked up.
 */
final class ReplayGuard {
  private static final Logger log = LoggerFactory.getLogger(ReplayGuard.class);

  /** Index lookup: object keys of (tenant, quantum start) segments from this partition. */
  interface SegmentLookup {
    Flux<String> segmentKeys(TenantId tenant, long quantumStart, int partition);
  }

  private record Key(TenantId tenant, long quantumStart) {}

  private final TopicPartition partition;
  private final Mono<Long> horizon;
  private final SegmentLookup index;
  private final Counter durableRecords;
  private final Map<Key, Mono<List<SegmentRange>>> ranges = new ConcurrentHashMap<>();
  private final AtomicBoolean passed = new AtomicBoolean();
  private volatile long knownHorizon = Long.MAX_VALUE;
  private final java.util.concurrent.atomic.AtomicLong checked = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong skipped = new java.util.concurrent.atomic.AtomicLong();

  /** {@code endOffset}: the partition's end offset when it was assigned (looked up once, cached). */
  ReplayGuard(TopicPartition partition, Mono<Long> endOffset, SegmentLookup index, Counter durableRecords) {
    this.partition = partition;
    this.horizon = endOffset.doOnNext(h -> knownHorizon = h).cache();
    this.index = index;
    this.durableRecords = durableRecords;
  }

  /** Whether the record at {@code offset} of {@code tenant}'s quantum is held by a durable segment already. */
  Mono<Boolean> durable(TenantId tenant, long quantumStart, long offset) {
    return horizon.flatMap(h -> {
      if (offset >= h) {
        if (passed.compareAndSet(false, true)) {
          if (checked.get() > 0) {
            log.info("Replay of {} checked: {} records below offset {} looked up in {} index queries, {} already"
                + " durable and taken past", partition, checked.get(), h, ranges.size(), skipped.get());
          }
          ranges.clear();
        }
        return Mono.just(false);
      }
      checked.incrementAndGet();
      return ranges.computeIfAbsent(new Key(tenant, quantumStart), k -> index.segmentKeys(tenant, quantumStart,
                  partition.partition())
              .map(SegmentRange::of).filter(Objects::nonNull).collectList().cache())
          .map(list -> {
            boolean held = list.stream().anyMatch(r -> r.holds(offset));
            if (held) {
              skipped.incrementAndGet();
              durableRecords.increment();
            }
            return held;
          });
    });
  }

  /**
   * Whether a segment starting at {@code firstOffset} may meet a row another writer made for the
   * same first record: its records were in the partition before this instance took it over.
   */
  boolean mayMeetOtherWriter(long firstOffset) {
    return firstOffset < knownHorizon;
  }
}
