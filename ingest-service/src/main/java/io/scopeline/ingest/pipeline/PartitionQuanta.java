package io.scopeline.ingest.pipeline;

import io.scopeline.keys.Quanta;
import io.scopeline.keys.TenantId;
import io.scopeline.model.TopologyConflictException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.kafka.receiver.ReceiverOffset;
import reactor.kafka.receiver.ReceiverRecord;

/**
 * The quanta of one Kafka partition and the offset that may safely be committed for it.
 *
 * <p>Records arrive in offset order. Each accepted report is merged into the open segment of its
 * (tenant, quantum), cut by record time. Segments close together, as one batch that the {@link
 * SegmentWriter} stores as one pack: when the partition's record time (the latest of any tenant's
 * records) passes a quantum's end plus the grace period, every open segment of that quantum and
 * earlier closes — a late one (its quantum had already closed when its report arrived) with the next
 * quantum that closes; when wall-clock time passes them while the partition is quiet; and on flush
 * (shutdown, revocation). Closing by record time makes the same records cut the same batches, so a
 * replay writes the same packs. Per-partition time, not per tenant: with thousands of small tenants
 * on a partition, a quantum is one write, not one per tenant.
 *
 * <p>The committable offset is the lowest first-offset of any segment not yet durable (open or
 * being written), or the next offset to read when there is none: a crash can only cause a replay,
 * and a replay recreates the same segments under the same keys.
 *
 * <p>When a partition comes back to this instance, records fetched under the earlier assignment
 * may still be on their way through the pipeline; they come first, all at or after the offset the
 * consumer now starts from (nothing past that was committed), and the consumer then fetches them
 * again. So an offset at or below one already taken means the fetch restarted: what this partition
 * took until then is dropped unwritten (it comes again) and nothing is committed until the records
 * are known to be in step — the first one at or below the start offset, or that restart.
 */
final class PartitionQuanta {
  private static final Logger log = LoggerFactory.getLogger(PartitionQuanta.class);
  /**
   * Commits wait at most this long for the first record at or below the start offset (which may
   * never come: a transaction marker may sit there).
   */
  private static final long IN_STEP_WITHIN_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

  /**
   * A closed segment on its way to storage. {@code mayMeetOtherWriter}: its records were in the
   * partition before this instance took it over, or the partition has moved away since.
   */
  record Closed(Segment segment, boolean mayMeetOtherWriter) {}

  /** Where closed segments go (the {@link SegmentWriter}). */
  interface SegmentSink {
    /** Completes when every segment of the batch (segments closed together) is durable. */
    Mono<Void> write(List<Closed> batch);
  }

  private final TopicPartition partition;
  private final Quanta quanta;
  private final long graceNanos;
  private final long maxFutureSkewNanos;
  private final int maxPersisting;
  private final SegmentSink writer;
  private final DeadLetters deadLetters;
  private final ShortcutNotifier shortcuts;
  private final ReplayGuard replay;
  /** Consumed records' offset handles, until their offset is committed. */
  private final TreeMap<Long, ReceiverOffset> uncommitted = new TreeMap<>();
  private volatile long lastRecordAtMillis = -1;

  /** Open segments by quantum start, then tenant. */
  private final TreeMap<Long, Map<TenantId, Segment>> open = new TreeMap<>();
  private int openCount;
  private final List<Segment> persisting = new ArrayList<>();
  /** Batches being written; consumption waits when there are too many. */
  private int batchesPersisting;
  /** The writes of those batches, cancelled when this instance dies ({@link #abandon}). */
  private final java.util.Set<reactor.core.Disposable> writes = new java.util.HashSet<>();
  /** Died with its instance: nothing more is written (a revocation arriving late included). */
  private boolean abandoned;
  /** The latest record time taken (capped by the allowed clock skew). */
  private long partitionTime = Long.MIN_VALUE;
  /** Quanta starting at or before this were closed by record time; later segments of them are late. */
  private long closedThrough = Long.MIN_VALUE;
  /** When the last record was taken (System.nanoTime), for the idle rule. */
  private long lastRecordWall = System.nanoTime();
  /** First offsets of segments not yet durable. */
  private final TreeSet<Long> held = new TreeSet<>();
  private final Deque<Sinks.Empty<Void>> waiting = new ArrayDeque<>();
  private final List<Sinks.Empty<Void>> drained = new ArrayList<>();
  private long nextOffset = -1;
  private long committed = -1;
  /** When each tenant's last record on this partition was taken (System.nanoTime). */
  private final Map<TenantId, Long> lastSeen = new HashMap<>();
  private final long tenantStateIdleNanos;
  private boolean revoked;
  /** The consumer's position when the partition was assigned (-1: unknown). */
  private final long startOffset;
  private final long assignedAtNanos = System.nanoTime();
  private boolean inStep;
  private long highestTaken = -1;
  /** Segments of records from an earlier assignment, still being written when the fetch restarted. */
  private final java.util.Set<Segment> superseded = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

  PartitionQuanta(TopicPartition partition, long startOffset, Quanta quanta, long graceNanos, long maxFutureSkewNanos,
      int maxPersisting, SegmentSink writer, DeadLetters deadLetters, ShortcutNotifier shortcuts,
      ReplayGuard replay, long tenantStateIdleNanos) {
    this.tenantStateIdleNanos = tenantStateIdleNanos;
    this.partition = partition;
    this.startOffset = startOffset;
    this.quanta = quanta;
    this.graceNanos = graceNanos;
    this.maxFutureSkewNanos = maxFutureSkewNanos;
    this.maxPersisting = maxPersisting;
    this.writer = writer;
    this.deadLetters = deadLetters;
    this.shortcuts = shortcuts;
    this.replay = replay;
  }

  /**
   * The quantum a report belongs to, by record time. A producer clock far ahead must not hold
   * quanta open (and commits back) for everyone on this partition: record times beyond now + the
   * allowed skew count as now + skew.
   */
  long quantumOf(Decoded.Accepted d) {
    return quanta.startOf(recordTime(d));
  }

  private long recordTime(Decoded.Accepted d) {
    return Math.min(d.timestampNanos(), System.currentTimeMillis() * 1_000_000L + maxFutureSkewNanos);
  }

  /** Whether the record is held by a segment made durable before this instance took the partition. */
  Mono<Decoded> checkReplayed(Decoded d) {
    if (!(d instanceof Decoded.Accepted a)) {
      return Mono.just(d);
    }
    return replay.durable(a.tenant(), quantumOf(a), a.offset())
        .map(durable -> durable ? new Decoded.AlreadyDurable(a.record()) : d);
  }

  /**
   * Takes the next record of the partition. The returned Mono completes when the pipeline may go
   * on: at once normally, later when too many segments are being written (backpressure).
   */
  Mono<Void> accept(Decoded decoded) {
    lastRecordAtMillis = System.currentTimeMillis();
    synchronized (this) {
      track(decoded.offset());
      if (decoded.record() instanceof ReceiverRecord<String, byte[]> rr) {
        uncommitted.put(rr.offset(), rr.receiverOffset());
      }
    }
    if (decoded instanceof Decoded.Rejected rejected) {
      return deadLetters.send(rejected).then(Mono.fromRunnable(() -> advancePast(rejected.offset())));
    }
    if (decoded instanceof Decoded.AlreadyDurable durable) {
      advancePast(durable.offset());
      return Mono.empty();
    }
    Decoded.Accepted d = (Decoded.Accepted) decoded;
    synchronized (this) {
      long time = recordTime(d);
      long start = quanta.startOf(time);
      Map<TenantId, Segment> quantum = open.get(start);
      Segment segment = quantum == null ? null : quantum.get(d.tenant());
      boolean fresh = segment == null;
      if (fresh) {
        segment = new Segment(d.tenant(), start, start + quanta.lengthNanos(), partition.partition(), d.offset());
      }
      try {
        segment.add(d.report(), d.offset());
      } catch (TopologyConflictException e) {
        return deadLetters.send(new Decoded.Rejected(d.record(), "topology-conflict",
            "report conflicts with earlier reports of its quantum: " + e.getMessage()))
            .then(Mono.fromRunnable(() -> advancePast(d.offset())));
      }
      if (fresh) {
        open.computeIfAbsent(start, q -> new HashMap<>()).put(d.tenant(), segment);
        openCount++;
        held.add(d.offset());
      }
      nextOffset = d.offset() + 1;
      lastRecordWall = System.nanoTime();
      lastSeen.put(d.tenant(), lastRecordWall);
      partitionTime = Math.max(partitionTime, time);
      long due = quanta.startOf(partitionTime - graceNanos - quanta.lengthNanos());
      if (due > closedThrough) {
        closedThrough = due;
        // With the quantum that is due go the late segments of earlier ones: held at most a quantum.
        close(segments(open.headMap(due, true)));
      }
      maybeCommit();
    }
    Mono<Void> announce = d.report().shortcut() ? shortcuts.announce(d) : Mono.empty();
    announce.subscribe();
    return backpressure();
  }

  /** Notices a restarted fetch (see the class comment) and when records are in step. */
  private void track(long offset) {
    if (offset <= highestTaken) {
      log.warn("{}: offset {} again after {}: records from before this assignment were in flight; dropping what"
          + " they made ({} open segments) and taking them as the consumer fetches them again", partition, offset,
          highestTaken, openCount);
      open.clear();
      openCount = 0;
      superseded.addAll(persisting);
      held.clear();
      uncommitted.clear();
      nextOffset = -1;
      // As a consumer starting at the fetch's offset would be: the replay cuts what a fresh run cuts.
      partitionTime = Long.MIN_VALUE;
      closedThrough = Long.MIN_VALUE;
      inStep = true;
    } else if (offset <= startOffset) {
      inStep = true;
    }
    highestTaken = offset;
  }

  /** Whether commits may be made: the records are in step, or long enough have passed to be sure. */
  private boolean mayCommit() {
    if (!inStep && System.nanoTime() - assignedAtNanos > IN_STEP_WITHIN_NANOS) {
      inStep = true;
    }
    return inStep;
  }

  private synchronized void advancePast(long offset) {
    nextOffset = Math.max(nextOffset, offset + 1);
    maybeCommit();
  }

  private static List<Segment> segments(Map<Long, Map<TenantId, Segment>> byQuantum) {
    List<Segment> out = new ArrayList<>();
    byQuantum.values().forEach(q -> out.addAll(q.values()));
    return out;
  }

  /** Closes {@code due} as one batch: written together, durable together. */
  private void close(List<Segment> due) {
    if (due.isEmpty() || abandoned) {
      return;
    }
    List<Closed> batch = new ArrayList<>(due.size());
    for (Segment s : due) {
      Map<TenantId, Segment> quantum = open.get(s.quantumStart());
      if (quantum != null && quantum.remove(s.tenant()) != null) {
        openCount--;
        if (quantum.isEmpty()) {
          open.remove(s.quantumStart());
        }
      }
      persisting.add(s);
      batch.add(new Closed(s, revoked || replay.mayMeetOtherWriter(s.firstOffset())));
    }
    batchesPersisting++;
    reactor.core.Disposable.Swap write = reactor.core.Disposables.swap();
    writes.add(write);
    write.update(writer.write(batch).doFinally(s -> forget(write)).subscribe(null,
        e -> log.error("{} segments of {} were not persisted: {}", due.size(), partition, e.toString()),
        () -> persisted(due)));
  }

  private synchronized void forget(reactor.core.Disposable write) {
    writes.remove(write);
  }

  /** This instance dies as a crashed one would: writes still under way stop where they are. */
  synchronized void abandon() {
    abandoned = true;
    new ArrayList<>(writes).forEach(reactor.core.Disposable::dispose);
    writes.clear();
  }

  private synchronized void persisted(List<Segment> batch) {
    java.util.Set<Segment> done = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    done.addAll(batch);
    persisting.removeIf(done::contains);
    for (Segment s : batch) {
      if (!superseded.remove(s)) {
        held.remove(s.firstOffset());
      }
    }
    batchesPersisting--;
    maybeCommit();
    while (batchesPersisting < maxPersisting && !waiting.isEmpty()) {
      waiting.poll().tryEmitEmpty();
    }
    if (persisting.isEmpty()) {
      drained.forEach(Sinks.Empty::tryEmitEmpty);
      drained.clear();
    }
  }

  private synchronized Mono<Void> backpressure() {
    if (batchesPersisting < maxPersisting || revoked) {
      return Mono.empty();
    }
    Sinks.Empty<Void> gate = Sinks.empty();
    waiting.add(gate);
    return gate.asMono();
  }

  private void maybeCommit() {
    if (revoked || nextOffset < 0 || !mayCommit()) {
      return;
    }
    long safe = held.isEmpty() ? nextOffset : Math.min(held.first(), nextOffset);
    if (safe > committed) {
      committed = safe;
      commitBelow(safe).subscribe(null, e -> log.debug("Commit of {} below {} failed (a later commit or a replay"
          + " covers it): {}", partition, safe, e.toString()));
    }
  }

  /**
   * Commits offset {@code safe} by acknowledging the record just below it. Acknowledgements only
   * ever move forward, so the consumer never commits past a record that is not durable.
   */
  private Mono<Void> commitBelow(long safe) {
    Map.Entry<Long, ReceiverOffset> last = uncommitted.floorEntry(safe - 1);
    if (last == null) {
      return Mono.empty();
    }
    uncommitted.headMap(safe, false).clear();
    return last.getValue().commit();
  }

  /** Commits everything that is durable now and completes when Kafka has the commit. */
  synchronized Mono<Void> commitNow() {
    long safe = committableOffset();
    if (safe < 0 || !mayCommit()) {
      return Mono.empty();
    }
    Map.Entry<Long, ReceiverOffset> last = uncommitted.floorEntry(safe - 1);
    committed = Math.max(committed, safe);
    if (last != null) {
      uncommitted.headMap(safe, false).clear();
      return last.getValue().commit();
    }
    return Mono.empty();
  }

  /**
   * Closes the segments whose quantum ended a grace period before wall-clock time while the
   * partition is quiet: with no records coming, record time does not move on to close them.
   */
  synchronized void closeIdle(long wallEpochNanos) {
    long now = System.nanoTime();
    forgetIdleTenants(now);
    if (openCount == 0 || now - lastRecordWall <= graceNanos) {
      return;
    }
    List<Segment> due = new ArrayList<>();
    for (Map<TenantId, Segment> quantum : open.values()) {
      for (Segment s : quantum.values()) {
        if (s.quantumEnd() + graceNanos <= wallEpochNanos) {
          due.add(s);
        }
      }
    }
    close(due);
  }

  /**
   * Forgets tenants that sent nothing for the idle time: with many small tenants, what a partition
   * keeps follows the tenants sending now, not all that ever did.
   */
  private void forgetIdleTenants(long now) {
    lastSeen.values().removeIf(last -> now - last > tenantStateIdleNanos);
  }

  /** Tenants this partition keeps state of. */
  synchronized int trackedTenants() {
    return lastSeen.size();
  }

  /** Closes every open segment; completes when nothing of this partition is left unwritten. */
  Mono<Void> flush() {
    synchronized (this) {
      close(segments(open));
      if (persisting.isEmpty()) {
        return Mono.empty();
      }
      Sinks.Empty<Void> gate = Sinks.empty();
      drained.add(gate);
      return gate.asMono();
    }
  }

  /** The tenants whose records this partition has carried. */
  synchronized java.util.Set<String> tenants() {
    java.util.Set<String> out = new java.util.HashSet<>();
    lastSeen.keySet().forEach(t -> out.add(t.value()));
    return out;
  }

  /** The partition went to another consumer: stop committing; segments still open are flushed. */
  synchronized void revoke() {
    revoked = true;
    close(segments(open));
    waiting.forEach(Sinks.Empty::tryEmitEmpty);
    waiting.clear();
  }

  /** The offset that is safe to commit now, or -1 when nothing has been read. */
  synchronized long committableOffset() {
    if (nextOffset < 0) {
      return -1;
    }
    return held.isEmpty() ? nextOffset : Math.min(held.first(), nextOffset);
  }

  /** When this instance last took a record of the partition (epoch ms), or −1 if never. */
  long lastRecordAtMillis() {
    return lastRecordAtMillis;
  }

  /** Records read but not yet covered by a commit (the ack lag). */
  synchronized long uncommittedRecords() {
    if (nextOffset < 0) {
      return 0;
    }
    return nextOffset - Math.max(committed, 0);
  }

  synchronized int openSegments() {
    return openCount;
  }

  synchronized int persistingSegments() {
    return persisting.size();
  }

  TopicPartition partition() {
    return partition;
  }
}
