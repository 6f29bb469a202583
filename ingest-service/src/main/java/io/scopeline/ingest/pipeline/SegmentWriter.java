package io.scopeline.ingest.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.ingest.config.IngestProperties;
import io.scopeline.ingest.store.HotCopies;
import io.scopeline.ingest.store.ObjectStore;
import io.scopeline.ingest.store.ReportIndex;
import io.scopeline.keys.Announcement;
import io.scopeline.keys.HotCopy;
import io.scopeline.keys.StorageKeys;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * Persists a closed segment in the order that keeps it safe: S3 object first, then the Redis hot
 * copy and its announcement (best effort), then the DynamoDB index row — fetchable before it is
 * discoverable. The
 * returned Mono completes only when the object and the index row are durable.
 */
public final class SegmentWriter implements ReplayGuard.SegmentLookup, PartitionQuanta.SegmentSink {
  private static final Logger log = LoggerFactory.getLogger(SegmentWriter.class);

  private final ObjectStore objects;
  private final HotCopies hot;
  private final ReportIndex index;
  private final Scheduler cpu;
  private final IngestProperties props;
  private final Timer persistTimer;
  private final Counter segments;
  private final Counter reports;
  private final Counter bytes;

  public SegmentWriter(ObjectStore objects, HotCopies hot, ReportIndex index, Scheduler cpu, IngestProperties props,
      MeterRegistry meters) {
    this.objects = objects;
    this.hot = hot;
    this.index = index;
    this.cpu = cpu;
    this.props = props;
    this.persistTimer = Timer.builder("scopeline.ingest.persist").description("segment close to durably indexed")
        .register(meters);
    this.segments = meters.counter("scopeline.ingest.segments.persisted");
    this.reports = meters.counter("scopeline.ingest.reports.persisted");
    this.bytes = meters.counter("scopeline.ingest.bytes.persisted");
  }

  @Override
  public reactor.core.publisher.Flux<String> segmentKeys(io.scopeline.keys.TenantId tenant, long quantumStart,
      int partition) {
    return index.segmentKeys(tenant, quantumStart, partition);
  }

  /**
   * {@code mayMeetOtherWriter}: the segment's records were in the partition before this instance
   * took it over, or the partition has moved away since — the index row is then written so that it
   * never replaces a row naming a segment that holds more records.
   */
  @Override
  public Mono<Void> write(Segment segment, boolean mayMeetOtherWriter) {
    String key = segment.objectKey();
    long t0 = System.nanoTime();
    return Mono.fromCallable(() -> ReportCodec.encode(segment.report(), ReportFormat.MSGPACK_GZIP, props.gzipLevel()))
        .subscribeOn(cpu)
        .flatMap(encoded -> objects.put(key, encoded)
            // The recent set lets readers find the hot copy before the index row exists.
            .then(Mono.when(hot.put(StorageKeys.hotCopyKey(segment.tenant(), key),
                    HotCopy.seal(segment.tenant(), key, encoded), props.hotCopyTtl()),
                hot.remember(StorageKeys.recentKey(segment.tenant()), segment.quantumStart() / 1_000_000L, key,
                    props.hotCopyTtl())))
            // Readers with a live window of the tenant fold the hot copy in at once (best effort:
            // a reader that misses it finds the segment in the index when it reconciles).
            .then(hot.publish(StorageKeys.notificationChannel(segment.tenant()),
                Announcement.segment(key, segment.quantumStart()).toJson()))
            .then(index.put(StorageKeys.indexHashKey(segment.tenant(), segment.quantumStart()),
                StorageKeys.indexRangeKey(segment.quantumStart(), segment.partition(), segment.firstOffset()), key,
                mayMeetOtherWriter))
            .doOnSuccess(v -> bytes.increment(encoded.length)))
        // Anything not retried below (an access or configuration error) is retried slowly here:
        // the segment stays held, its offsets uncommitted, until an operator fixes the cause.
        .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30))
            .doBeforeRetry(s -> log.error("Persisting {} failed, will retry: {}", key, s.failure().toString())))
        .doOnSuccess(v -> {
          persistTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
          segments.increment();
          reports.increment(segment.reportCount());
        });
  }
}
