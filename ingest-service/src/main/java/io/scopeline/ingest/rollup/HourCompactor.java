package io.scopeline.ingest.rollup;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.keys.Rollups;
import io.scopeline.keys.SegmentRange;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import io.scopeline.render.EndpointOwners;
import io.scopeline.service.storage.IndexRows;
import io.scopeline.service.storage.SegmentObjects;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Compacts one tenant-hour: its indexed quanta merged per minute into minute roll-ups, and those
 * into the hour's roll-up (metric samples thinned to the level's {@code sampleNanos}), each stored
 * (S3) then indexed (DynamoDB). Quanta are merged as readers
 * see them (upgraded), in key order (time order), keeping an address's connections on whoever held it
 * at the time ({@link EndpointOwners}), and roll-up keys end in a digest of their bytes, so running
 * it again over the same quanta writes the same keys and bytes: any replica may run it, a repeat
 * is harmless, and one over late data replaces the rows with roll-ups that hold it.
 */
public final class HourCompactor {
  private static final Logger log = LoggerFactory.getLogger(HourCompactor.class);

  /** What one compaction stored. */
  public record Result(TenantId tenant, long hourStart, int quanta, List<String> minuteKeys, String hourKey) {}

  private final S3AsyncClient s3;
  private final DynamoDbAsyncClient dynamo;
  private final String bucket;
  private final String table;
  private final Scheduler cpu;
  private final int gzipLevel;
  private final Duration callTimeout;

  public HourCompactor(S3AsyncClient s3, DynamoDbAsyncClient dynamo, String bucket, String table, Scheduler cpu,
      int gzipLevel, Duration callTimeout) {
    this.s3 = s3;
    this.dynamo = dynamo;
    this.bucket = bucket;
    this.table = table;
    this.cpu = cpu;
    this.gzipLevel = gzipLevel;
    this.callTimeout = callTimeout;
  }

  /**
   * When the last compaction of the hour holding {@code epochNanos} that stored its hour roll-up
   * started (epoch millis), or -1 when none did: a request made before then is already covered.
   */
  public Mono<Long> compactedAt(TenantId tenant, long epochNanos) {
    long hour = Rollups.Level.HOUR.startOf(epochNanos);
    return Mono.fromFuture(() -> dynamo.getItem(b -> b.tableName(table).consistentRead(true)
            .key(Map.of(IndexRows.HASH, AttributeValue.fromS(Rollups.hashKey(tenant, Rollups.Level.HOUR, hour)),
                IndexRows.RANGE, AttributeValue.fromN(Rollups.rangeKey(hour))))
            .overrideConfiguration(c -> c.apiCallTimeout(callTimeout))))
        .map(r -> r.hasItem() && r.item().containsKey(IndexRows.COMPACTED_AT)
            ? Long.parseLong(r.item().get(IndexRows.COMPACTED_AT).n()) : -1L);
  }

  /** Compacts the hour holding {@code epochNanos}; empty result (no keys) when it has no quanta. */
  public Mono<Result> compact(TenantId tenant, long epochNanos) {
    return compact(tenant, epochNanos, System.currentTimeMillis());
  }

  /** As {@link #compact(TenantId, long)}, recording {@code startedAtMillis} as when it started. */
  public Mono<Result> compact(TenantId tenant, long epochNanos, long startedAtMillis) {
    long hour = Rollups.Level.HOUR.startOf(epochNanos);
    long end = hour + Rollups.Level.HOUR.spanNanos() - 1;
    return IndexRows.objectKeys(dynamo, table, StorageKeys.indexHashKey(tenant, hour),
            StorageKeys.indexRangeLow(hour), StorageKeys.indexRangeHigh(end), callTimeout)
        .collectList()
        .map(SegmentRange::covering)
        .flatMap(keys -> {
          if (keys.isEmpty()) {
            return Mono.just(new Result(tenant, hour, 0, List.of(), null));
          }
          TreeMap<Long, List<String>> byMinute = new TreeMap<>();
          for (String key : keys) {
            long quantum = StorageKeys.quantumStartOfObjectKey(StorageKeys.segmentName(key));
            byMinute.computeIfAbsent(Rollups.Level.MINUTE.startOf(quantum), m -> new ArrayList<>()).add(key);
          }
          byMinute.values().forEach(l -> l.sort(
              Comparator.comparingLong(Rollups::dataStartOf).thenComparing(Comparator.naturalOrder())));
          // One minute at a time: what is in memory is one minute's quanta and the merged minutes.
          return Flux.fromIterable(byMinute.entrySet())
              .concatMap(e -> minute(tenant, e.getKey(), e.getValue(), startedAtMillis))
              .collectList()
              .flatMap(minutes -> Mono.fromCallable(
                      () -> EndpointOwners.merge(minutes.stream().map(Stored::report).toList())
                      .withMetricsDownsampled(Rollups.Level.HOUR.sampleNanos()))
                  .subscribeOn(cpu)
                  .flatMap(merged -> store(tenant, Rollups.Level.HOUR, hour, merged, startedAtMillis))
                  .map(hourRollup -> new Result(tenant, hour, keys.size(),
                      minutes.stream().map(Stored::key).toList(), hourRollup.key())))
              .doOnNext(r -> log.debug("Compacted {} hour {}: {} quanta into {} minutes", tenant, hour, r.quanta(),
                  r.minuteKeys().size()));
        });
  }

  private record Stored(String key, Report report) {}

  private Mono<Stored> minute(TenantId tenant, long minuteStart, List<String> keys, long startedAtMillis) {
    return Flux.fromIterable(keys)
        .concatMap(this::fetch)
        .publishOn(cpu)
        .map(bytes -> ReportUpgrade.upgrade(ReportCodec.decode(bytes, ReportFormat.MSGPACK_GZIP,
            ReportLimits.UNLIMITED)))
        .collectList()
        .map(quanta -> EndpointOwners.merge(quanta).withMetricsDownsampled(Rollups.Level.MINUTE.sampleNanos()))
        .flatMap(merged -> store(tenant, Rollups.Level.MINUTE, minuteStart, merged, startedAtMillis));
  }

  private Mono<byte[]> fetch(String segmentKey) {
    return Mono.fromFuture(() -> s3.getObject(b -> SegmentObjects.get(b, bucket, segmentKey),
            AsyncResponseTransformer.toBytes()))
        .map(r -> r.asByteArray());
  }

  /** Stores the roll-up object, then its row: readers never find a row whose object is missing. */
  private Mono<Stored> store(TenantId tenant, Rollups.Level level, long start, Report merged, long startedAtMillis) {
    return Mono.fromCallable(() -> ReportCodec.encode(merged, ReportFormat.MSGPACK_GZIP, gzipLevel))
        .subscribeOn(cpu)
        .flatMap(bytes -> {
          String key = Rollups.objectKey(tenant, level, start, bytes);
          Map<String, AttributeValue> row =
              IndexRows.rollupItem(Rollups.hashKey(tenant, level, start), Rollups.rangeKey(start), key,
                  startedAtMillis);
          return Mono.fromFuture(() -> s3.putObject(b -> b.bucket(bucket).key(key), AsyncRequestBody.fromBytes(bytes)))
              .then(Mono.fromFuture(() -> dynamo.putItem(b -> b.tableName(table).item(row))))
              .thenReturn(new Stored(key, merged));
        });
  }
}
