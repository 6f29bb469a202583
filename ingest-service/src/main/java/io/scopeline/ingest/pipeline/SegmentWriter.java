package io.scopeline.ingest.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.ingest.config.IngestProperties;
import io.scopeline.ingest.changes.ChangeEvents;
import io.scopeline.ingest.retention.TenantHours;
import io.scopeline.ingest.rollup.CompactionRequests;
import io.scopeline.ingest.store.HotCopies;
import io.scopeline.ingest.store.ObjectStore;
import io.scopeline.ingest.store.ReportIndex;
import io.scopeline.keys.Announcement;
import io.scopeline.keys.HotCopy;
import io.scopeline.keys.PackedObject;
import io.scopeline.keys.StorageKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * Persists the segments a partition closed together in the order that keeps them safe: S3 first —
 * the small ones as one pack, each a byte range of it, the large ones as objects of their own —
 * then each segment's Redis hot copy and announcement (best effort), then its DynamoDB index row:
 * fetchable before discoverable. The returned Mono completes only when the objects and every index
 * row are durable.
 */
public final class SegmentWriter implements ReplayGuard.SegmentLookup, PartitionQuanta.SegmentSink {
  private static final Logger log = LoggerFactory.getLogger(SegmentWriter.class);
  /** Segments whose hot copy, announcement and index row are on their way at once. */
  private static final int CONCURRENT_ROWS = 64;

  /** A segment, its stored bytes and the key that names and finds them. */
  private record Placed(PartitionQuanta.Closed closed, String key, byte[] encoded) {}

  /** What one batch writes: the S3 objects, and each segment's place in them. */
  private record Placement(List<StoredObject> objects, List<Placed> segments) {}

  private record StoredObject(String key, byte[] bytes) {}

  private final ObjectStore objects;
  private final HotCopies hot;
  private final ReportIndex index;
  private final Scheduler cpu;
  private final IngestProperties props;
  private final Timer persistTimer;
  private final Counter segments;
  private final Counter reports;
  private final Counter bytes;
  private final Counter packs;
  private final Counter packedSegments;
  private final CompactionRequests compactions;
  private final TenantHours catalog;
  private final ChangeEvents changes;

  /**
   * {@code compactions}: where durable segments request their hour's roll-ups, or null for none;
   * {@code catalog}: where the tenant-hours with data are recorded for retention, or null for none;
   * {@code changes}: where durable segments are offered for change events, or null for none.
   */
  public SegmentWriter(ObjectStore objects, HotCopies hot, ReportIndex index, Scheduler cpu, IngestProperties props,
      MeterRegistry meters, CompactionRequests compactions, TenantHours catalog, ChangeEvents changes) {
    this.changes = changes;
    this.compactions = compactions;
    this.catalog = catalog;
    this.objects = objects;
    this.hot = hot;
    this.index = index;
    this.cpu = cpu;
    this.props = props;
    this.persistTimer = Timer.builder("scopeline.ingest.persist").description("batch close to durably indexed")
        .register(meters);
    this.segments = meters.counter("scopeline.ingest.segments.persisted");
    this.reports = meters.counter("scopeline.ingest.reports.persisted");
    this.bytes = meters.counter("scopeline.ingest.bytes.persisted");
    this.packs = Counter.builder("scopeline.ingest.packs.persisted")
        .description("S3 objects holding several segments").register(meters);
    this.packedSegments = Counter.builder("scopeline.ingest.segments.packed")
        .description("segments persisted as a byte range of a pack").register(meters);
  }

  @Override
  public reactor.core.publisher.Flux<String> segmentKeys(io.scopeline.keys.TenantId tenant, long quantumStart,
      int partition) {
    return index.segmentKeys(tenant, quantumStart, partition);
  }

  /**
   * A segment that {@code mayMeetOtherWriter} gets an index row written so that it never replaces
   * a row naming a segment that holds more records.
   */
  @Override
  public Mono<Void> write(List<PartitionQuanta.Closed> batch) {
    long t0 = System.nanoTime();
    return Flux.fromIterable(batch)
        .flatMapSequential(c -> Mono.fromCallable(() -> ReportCodec.encode(c.segment().report(),
            ReportFormat.MSGPACK_GZIP, props.gzipLevel())).subscribeOn(cpu))
        .collectList()
        .map(encoded -> place(batch, encoded))
        .flatMap(p -> Flux.fromIterable(p.objects()).flatMap(o -> objects.put(o.key(), o.bytes())).then()
            .thenMany(Flux.fromIterable(p.segments()))
            .flatMap(this::announceAndIndex, CONCURRENT_ROWS)
            .then(catalog(batch))
            .then(requestCompactions(batch))
            .then(Mono.fromRunnable(() -> p.objects().forEach(o -> bytes.increment(o.bytes().length)))))
        // Anything not retried below (an access or configuration error) is retried slowly here:
        // the segments stay held, their offsets uncommitted, until an operator fixes the cause.
        .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30))
            .doBeforeRetry(s -> log.error("Persisting {} segments ({}) failed, will retry: {}", batch.size(),
                batch.get(0).segment(), s.failure().toString())))
        .doOnSuccess(v -> {
          if (changes != null) {
            batch.forEach(c -> changes.offer(c.segment().tenant(), c.segment().report(), c.segment().quantumStart()));
          }
          persistTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
          segments.increment(batch.size());
          batch.forEach(c -> reports.increment(c.segment().reportCount()));
        })
        .then();
  }

  /**
   * Which segments go into the pack and which keep their own object. A pack is named by its records
   * and a digest of its bytes, so the same batch always makes the same key and bytes, and a replay
   * that cuts differently never overwrites a pack that rows already point into.
   */
  private Placement place(List<PartitionQuanta.Closed> batch, List<byte[]> encoded) {
    List<StoredObject> stored = new ArrayList<>();
    List<Placed> placed = new ArrayList<>(batch.size());
    List<PackedObject.Part> parts = new ArrayList<>();
    java.util.Map<Long, PartitionQuanta.Closed> byFirst = new java.util.HashMap<>();
    long packable = props.packSegments() ? props.packedSegmentMax().toBytes() : -1;
    for (int i = 0; i < batch.size(); i++) {
      Segment s = batch.get(i).segment();
      if (encoded.get(i).length <= packable) {
        parts.add(new PackedObject.Part(s.tenant(), s.firstOffset(), s.lastOffset(), encoded.get(i)));
        byFirst.put(s.firstOffset(), batch.get(i));
      } else {
        stored.add(new StoredObject(s.objectKey(), encoded.get(i)));
        placed.add(new Placed(batch.get(i), s.objectKey(), encoded.get(i)));
      }
    }
    if (parts.size() == 1) {
      // A pack of one is the segment's own object under its own key.
      Segment s = byFirst.values().iterator().next().segment();
      stored.add(new StoredObject(s.objectKey(), parts.get(0).encoded()));
      placed.add(new Placed(byFirst.get(s.firstOffset()), s.objectKey(), parts.get(0).encoded()));
    } else if (!parts.isEmpty()) {
      PackedObject.Packed pack = PackedObject.pack(parts);
      List<PackedObject.Member> members = pack.members();
      Segment first = byFirst.get(members.get(0).part().firstOffset()).segment();
      long lastOffset = parts.stream().mapToLong(PackedObject.Part::lastOffset).max().orElseThrow();
      long quantum = byFirst.values().stream().mapToLong(c -> c.segment().quantumStart()).max().orElseThrow();
      String packKey = StorageKeys.packKey(first.partition(), quantum, first.firstOffset(), lastOffset, pack.bytes());
      stored.add(new StoredObject(packKey, pack.bytes()));
      for (PackedObject.Member m : members) {
        PartitionQuanta.Closed c = byFirst.get(m.part().firstOffset());
        String key = StorageKeys.packedSegmentKey(c.segment().objectKey(),
            new PackedObject.Ref(packKey, m.byteOffset(), m.byteLength()));
        placed.add(new Placed(c, key, m.part().encoded()));
      }
      packs.increment();
      packedSegments.increment(members.size());
    }
    return new Placement(stored, placed);
  }

  /**
   * Before the batch's offsets may be committed, its tenant-hours are in the catalog: retention
   * finds every hour that holds data, whatever became of its compaction requests.
   */
  private Mono<Void> catalog(List<PartitionQuanta.Closed> batch) {
    return catalog == null ? Mono.empty() : Flux.fromIterable(batch)
        .flatMap(c -> catalog.record(index, c.segment().tenant(), c.segment().quantumStart()), CONCURRENT_ROWS)
        .then();
  }

  /** Before the batch's offsets may be committed, its tenant-hours' roll-ups are requested. */
  private Mono<Void> requestCompactions(List<PartitionQuanta.Closed> batch) {
    return compactions == null ? Mono.empty() : compactions.durable(batch.stream()
        .map(c -> new CompactionRequests.TenantHour(c.segment().tenant(), c.segment().quantumStart())).toList());
  }

  private Mono<Void> announceAndIndex(Placed p) {
    Segment segment = p.closed().segment();
    String key = p.key();
    // The recent set lets readers find the hot copy before the index row exists.
    return Mono.when(hot.put(StorageKeys.hotCopyKey(segment.tenant(), key),
                HotCopy.seal(segment.tenant(), key, p.encoded()), props.hotCopyTtl()),
            hot.remember(StorageKeys.recentKey(segment.tenant()), segment.quantumStart() / 1_000_000L, key,
                props.hotCopyTtl()))
        // Readers with a live window of the tenant fold the hot copy in at once (best effort: a
        // reader that misses it finds the segment in the index when it reconciles).
        .then(hot.publish(StorageKeys.notificationChannel(segment.tenant()),
            Announcement.segment(key, segment.quantumStart()).toJson()))
        .then(index.put(StorageKeys.indexHashKey(segment.tenant(), segment.quantumStart()),
            StorageKeys.indexRangeKey(segment.quantumStart(), segment.partition(), segment.firstOffset()), key,
            p.closed().mayMeetOtherWriter()));
  }
}
