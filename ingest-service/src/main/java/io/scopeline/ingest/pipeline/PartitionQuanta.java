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
 * (tenant, quantum), cut by record time. A segment closes when its tenant's record time on this
 * partition passes its quantum's end plus the grace period, at once when it is late (its quantum
 * had already passed when the report arrived), when wall-clock time passes it while its tenant is
 * quiet on this partition, and on flush (shutdown, revocation). Closed segments are written by the
 * {@link SegmentWriter}.
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

  /** Where closed segments go (the {@link SegmentWriter}). */
  interface SegmentSink {
    /** Completes when the segment is durable. */
    Mono<Void> write(Segment segment, boolean mayMeetOtherWriter);
  }

  private record Key(TenantId tenant, long quantumStart) {}

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

  private final Map<Key, Segment> open = new HashMap<>();
  /** The open segments again, by tenant: a record touches its own tenant's, not every tenant's. */
  private final Map<TenantId, TreeMap<Long, Segment>> openByTenant = new HashMap<>();
  private final List<Segment> persisting = new ArrayList<>();
  /** First offsets of segments not yet durable. */
  private final TreeSet<Long> held = new TreeSet<>();
  private final Deque<Sinks.Empty<Void>> waiting = new ArrayDeque<>();
  private final List<Sinks.Empty<Void>> drained = new ArrayList<>();
  private long nextOffset = -1;
  private long committed = -1;
  private final Map<TenantId, Long> watermarks = new HashMap<>();
  /** When each tenant's last record on this partition was taken (System.nanoTime). */
  private final Map<TenantId, Long> lastRecordWall = new HashMap<>();
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
      Key key = new Key(d.tenant(), start);
      Segment segment = open.get(key);
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
        open.put(key, segment);
        openByTenant.computeIfAbsent(d.tenant(), t -> new TreeMap<>()).put(start, segment);
        held.add(d.offset());
      }
      nextOffset = d.offset() + 1;
      lastRecordWall.put(d.tenant(), System.nanoTime());
      // Record time moves on per tenant: one tenant's lagging producer is not late for another.
      long watermark = watermarks.merge(d.tenant(), time, Math::max);
      if (watermark == time) {
        closeWhere(d.tenant(), watermark);
      } else if (segment.quantumEnd() + graceNanos <= watermark) {
        // Late: its quantum is already past. Write it now rather than hold it until the partition
        // is idle, which a busy partition never is.
        close(segment);
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
          highestTaken, open.size());
      open.clear();
      openByTenant.clear();
      superseded.addAll(persisting);
      held.clear();
      uncommitted.clear();
      nextOffset = -1;
      watermarks.clear();
      lastRecordWall.clear();
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

  /** Closes segments (of {@code tenant}, or all when null) whose quantum ended a grace period before {@code nowNanos}. */
  private void closeWhere(TenantId tenant, long nowNanos) {
    TreeMap<Long, Segment> mine = openByTenant.get(tenant);
    if (mine == null) {
      return;
    }
    List<Segment> due = new ArrayList<>();
    for (Segment s : mine.values()) {
      if (s.quantumEnd() + graceNanos > nowNanos) {
        break; // by quantum start: the later ones are not due either
      }
      due.add(s);
    }
    due.forEach(this::close);
  }

  private void close(Segment s) {
    open.remove(new Key(s.tenant(), s.quantumStart()));
    TreeMap<Long, Segment> mine = openByTenant.get(s.tenant());
    if (mine != null && mine.remove(s.quantumStart()) != null && mine.isEmpty()) {
      openByTenant.remove(s.tenant());
    }
    persisting.add(s);
    writer.write(s, revoked || replay.mayMeetOtherWriter(s.firstOffset()))
        .subscribe(null, e -> log.error("segment {} was not persisted: {}", s, e.toString()), () -> persisted(s));
  }

  private synchronized void persisted(Segment s) {
    persisting.remove(s);
    if (!superseded.remove(s)) {
      held.remove(s.firstOffset());
    }
    maybeCommit();
    while (persisting.size() < maxPersisting && !waiting.isEmpty()) {
      waiting.poll().tryEmitEmpty();
    }
    if (persisting.isEmpty()) {
      drained.forEach(Sinks.Empty::tryEmitEmpty);
      drained.clear();
    }
  }

  private synchronized Mono<Void> backpressure() {
    if (persisting.size() < maxPersisting || revoked) {
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
   * Closes the segments of tenants that went quiet on this partition once wall-clock time has
   * passed their end plus grace. Per tenant, not per partition: a tenant whose probes stopped must
   * not keep its last quantum open (and the partition's commits held back) just because other
   * tenants keep the partition busy.
   */
  synchronized void closeIdle(long wallEpochNanos) {
    long now = System.nanoTime();
    forgetIdleTenants(now);
    if (open.isEmpty()) {
      return;
    }
    List<Segment> due = new ArrayList<>();
    for (Segment s : open.values()) {
      Long last = lastRecordWall.get(s.tenant());
      if ((last == null || now - last > graceNanos) && s.quantumEnd() + graceNanos <= wallEpochNanos) {
        due.add(s);
      }
    }
    due.forEach(this::close);
  }

  /**
   * Drops what this partition keeps of tenants with nothing open that sent nothing for the idle
   * time: with many small tenants, state follows the tenants sending now, not all that ever did.
   */
  private void forgetIdleTenants(long now) {
    lastRecordWall.entrySet().removeIf(e -> {
      boolean idle = now - e.getValue() > tenantStateIdleNanos && !openByTenant.containsKey(e.getKey());
      if (idle) {
        watermarks.remove(e.getKey());
      }
      return idle;
    });
  }

  /** Tenants this partition keeps state of (watermark or last-record time). */
  synchronized int trackedTenants() {
    java.util.Set<TenantId> all = new java.util.HashSet<>(watermarks.keySet());
    all.addAll(lastRecordWall.keySet());
    return all.size();
  }

  /** Closes every open segment; completes when nothing of this partition is left unwritten. */
  Mono<Void> flush() {
    synchronized (this) {
      new ArrayList<>(open.values()).forEach(this::close);
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
    watermarks.keySet().forEach(t -> out.add(t.value()));
    return out;
  }

  /** The partition went to another consumer: stop committing; segments still open are flushed. */
  synchronized void revoke() {
    revoked = true;
    new ArrayList<>(open.values()).forEach(this::close);
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
    return open.size();
  }

  synchronized int persistingSegments() {
    return persisting.size();
  }

  TopicPartition partition() {
    return partition;
  }
}
