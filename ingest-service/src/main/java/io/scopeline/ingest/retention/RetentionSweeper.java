package io.scopeline.ingest.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.ingest.config.RetentionProperties;
import io.scopeline.ingest.rollup.HourCompactor;
import io.scopeline.keys.Rollups;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.service.storage.IndexRows;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Deletes history past its retention, level by level: an hour's raw quanta (rows first, then
 * every object under the tenant-hour's prefix, then the hour's packs), its minute roll-ups, its
 * hour roll-up and finally its catalog rows. One replica sweeps at a time, under a lease row in
 * the index table that also holds each level's cursor (the last hour swept), so a sweep picks up
 * where the last one ended, on any replica. Rows go before objects, so a reader never finds a row
 * whose object is gone; deleting again what is gone is harmless, so a sweep cut short is simply
 * repeated. An hour whose quanta were never compacted is compacted before they go.
 */
public final class RetentionSweeper implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);
  private static final long HOUR_NANOS = 3_600_000_000_000L;
  /** Tenants of one hour swept at once. */
  private static final int CONCURRENT_TENANTS = 4;
  /** How long a sweep holds the lease without advancing a cursor before another replica may take it. */
  static final Duration LEASE = Duration.ofMinutes(10);
  static final String LEASE_HASH = "~retention";
  private static final String HOLDER = "holder";
  private static final String UNTIL = "until";

  /** What retention deletes, finest first; each level's tag names its cursor. */
  public enum Level {
    RAW, MINUTE, HOUR;

    String cursor() {
      return "cursor_" + name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What one sweep did: whether it held the lease, hours swept per level, rows and objects deleted. */
  public record Sweep(boolean leased, Map<Level, Integer> hours, long rows, long objects) {}

  /** What one tenant-hour's sweep deleted, and the partitions of the packs its rows pointed into. */
  private record Deleted(long rows, long objects, Set<Integer> packPartitions) {
    static final Deleted NONE = new Deleted(0, 0, Set.of());

    Deleted plus(Deleted o) {
      Set<Integer> p = new TreeSet<>(packPartitions);
      p.addAll(o.packPartitions);
      return new Deleted(rows + o.rows, objects + o.objects, p);
    }
  }

  private final S3AsyncClient s3;
  private final DynamoDbAsyncClient dynamo;
  private final String bucket;
  private final String table;
  private final HourCompactor compactor;
  private final TenantHours catalog;
  private final RetentionProperties props;
  private final int partitions;
  private final LongSupplier clockMillis;
  private final Duration callTimeout;
  private final String holder;
  private final boolean enabled;
  private final Map<Level, Counter> deletedRows = new EnumMap<>(Level.class);
  private final Map<Level, Counter> deletedObjects = new EnumMap<>(Level.class);
  private final Map<Level, AtomicLong> behind = new EnumMap<>(Level.class);
  private volatile Disposable running;
  private volatile long lastSweepMillis = -1;
  private volatile String lastFailure;

  /**
   * {@code partitions}: how many partitions the reports topic has (the packs of each are looked
   * for); {@code holder}: this replica's name in the lease; {@code enabled}: false when retention
   * or roll-ups are off, and then it never starts.
   */
  public RetentionSweeper(S3AsyncClient s3, DynamoDbAsyncClient dynamo, String bucket, String table,
      HourCompactor compactor, TenantHours catalog, RetentionProperties props, int partitions, MeterRegistry meters,
      LongSupplier clockMillis, Duration callTimeout, String holder, boolean enabled) {
    this.s3 = s3;
    this.dynamo = dynamo;
    this.bucket = bucket;
    this.table = table;
    this.compactor = compactor;
    this.catalog = catalog;
    this.props = props;
    this.partitions = partitions;
    this.clockMillis = clockMillis;
    this.callTimeout = callTimeout;
    this.holder = holder;
    this.enabled = enabled;
    for (Level level : Level.values()) {
      String tag = level.name().toLowerCase(java.util.Locale.ROOT);
      deletedRows.put(level, Counter.builder("scopeline.retention.deleted.rows").tag("level", tag)
          .description("index rows deleted past retention").register(meters));
      deletedObjects.put(level, Counter.builder("scopeline.retention.deleted.objects").tag("level", tag)
          .description("S3 objects deleted past retention").register(meters));
      AtomicLong b = new AtomicLong();
      behind.put(level, b);
      Gauge.builder("scopeline.retention.behind.hours", b, AtomicLong::get).tag("level", tag)
          .description("hours past retention not yet swept (0 when caught up)").register(meters);
    }
  }

  /**
   * Sweeps once: takes the lease (or does nothing while another replica holds it), deletes each
   * level's due hours, at most {@code maxHoursPerSweep} per level, and lets go of the lease.
   */
  public Mono<Sweep> sweep() {
    return sweepOnce()
        .doOnNext(done -> {
          if (done.leased()) {
            lastSweepMillis = clockMillis.getAsLong();
            lastFailure = null;
          }
        })
        .doOnError(e -> lastFailure = Instant.ofEpochMilli(clockMillis.getAsLong()) + ": " + e);
  }

  private Mono<Sweep> sweepOnce() {
    return acquire().flatMap(cursors -> {
          Map<Level, Long> at = new EnumMap<>(cursors);
          Map<Level, Integer> hours = new EnumMap<>(Level.class);
          AtomicLong rows = new AtomicLong();
          AtomicLong objects = new AtomicLong();
          return Flux.fromArray(Level.values())
              .concatMap(level -> sweepLevel(level, at, hours, rows, objects))
              .then(release())
              .onErrorResume(e -> release().then(Mono.error(e)))
              .then(Mono.fromCallable(() -> new Sweep(true, hours, rows.get(), objects.get())));
        })
        .defaultIfEmpty(new Sweep(false, Map.of(), 0, 0));
  }

  private Duration retention(Level level) {
    return switch (level) {
      case RAW -> props.raw();
      case MINUTE -> props.minute();
      case HOUR -> props.hour();
    };
  }

  /**
   * Sweeps a level's due hours after its cursor, never past the finer level's cursor (an hour
   * leaves the catalog with its last level, after the others are gone).
   */
  private Mono<Void> sweepLevel(Level level, Map<Level, Long> at, Map<Level, Integer> hours, AtomicLong rows,
      AtomicLong objects) {
    long nowNanos = clockMillis.getAsLong() * 1_000_000L;
    long lastDue = Math.floorDiv(nowNanos - retention(level).toNanos(), HOUR_NANOS) - 1;
    Long cursor = at.get(level);
    long first = cursor != null ? cursor + 1 : lastDue - props.firstSweepLookback().toHours() + 1;
    long last = Math.min(lastDue, first + props.maxHoursPerSweep() - 1);
    if (level != Level.RAW) {
      Long finer = at.get(Level.values()[level.ordinal() - 1]);
      last = finer == null ? first - 1 : Math.min(last, finer);
    }
    behind.get(level).set(Math.max(0, lastDue - (cursor != null ? cursor : first - 1)));
    if (first > last) {
      return Mono.empty();
    }
    return Flux.fromStream(LongStream.rangeClosed(first, last).boxed())
        .concatMap(hour -> sweepHour(level, hour)
            .doOnNext(d -> {
              rows.addAndGet(d.rows());
              objects.addAndGet(d.objects());
              hours.merge(level, 1, Integer::sum);
              at.put(level, hour);
              behind.get(level).set(Math.max(0, lastDue - hour));
            })
            .flatMap(d -> advance(level, hour)))
        .then();
  }

  private Mono<Deleted> sweepHour(Level level, long hour) {
    long hourStart = hour * HOUR_NANOS;
    return catalog.tenants(hour)
        .flatMap(tenants -> Flux.fromIterable(tenants)
            .flatMap(t -> sweepTenant(level, t, hourStart), CONCURRENT_TENANTS)
            .reduce(Deleted.NONE, Deleted::plus)
            .flatMap(d -> switch (level) {
              case RAW -> deletePacks(hourStart, d.packPartitions()).map(n -> d.plus(new Deleted(0, n, Set.of())));
              case MINUTE -> Mono.just(d);
              case HOUR -> catalog.remove(hour).map(n -> d.plus(new Deleted(n, 0, Set.of())));
            })
            .doOnNext(d -> {
              deletedRows.get(level).increment(d.rows());
              deletedObjects.get(level).increment(d.objects());
              if (tenants.isEmpty() && d.rows() + d.objects() == 0) {
                log.debug("Retention: hour {} has no {} data", Instant.ofEpochSecond(0, hourStart), level);
              } else {
                log.info("Retention: deleted the {} data of hour {} ({} tenants, {} rows, {} objects)",
                    level.name().toLowerCase(java.util.Locale.ROOT), Instant.ofEpochSecond(0, hourStart),
                    tenants.size(), d.rows(), d.objects());
              }
            }));
  }

  private Mono<Deleted> sweepTenant(Level level, TenantId tenant, long hourStart) {
    return switch (level) {
      case RAW -> compacted(tenant, hourStart)
          .then(rowsUnder(StorageKeys.indexHashKey(tenant, hourStart)))
          .flatMap(rows -> {
            Set<Integer> packs = new TreeSet<>();
            rows.forEach(r -> {
              int p = StorageKeys.partitionOfPackKey(StorageKeys.storedAt(IndexRows.objectKey(r)).objectKey());
              if (p >= 0) {
                packs.add(p);
              }
            });
            return deleteRowsThenObjects(rows, StorageKeys.segmentPrefix(tenant, hourStart), k -> true)
                .map(d -> new Deleted(d.rows(), d.objects(), packs));
          });
      case MINUTE -> rowsUnder(Rollups.hashKey(tenant, Rollups.Level.MINUTE, hourStart))
          .flatMap(rows -> deleteRowsThenObjects(rows, Rollups.prefix(tenant, Rollups.Level.MINUTE, hourStart),
              k -> true));
      case HOUR -> {
        Map<String, AttributeValue> key = Map.of(
            IndexRows.HASH, AttributeValue.fromS(Rollups.hashKey(tenant, Rollups.Level.HOUR, hourStart)),
            IndexRows.RANGE, AttributeValue.fromN(Rollups.rangeKey(hourStart)));
        // The day's prefix holds its other hours' roll-ups too.
        yield deleteRowsThenObjects(List.of(key), Rollups.prefix(tenant, Rollups.Level.HOUR, hourStart),
            k -> Rollups.levelOf(k) == Rollups.Level.HOUR && Rollups.startOf(k) == hourStart);
      }
    };
  }

  /** The hour's roll-ups exist before its quanta go: compacted now when no compaction ever stored them. */
  private Mono<Void> compacted(TenantId tenant, long hourStart) {
    return compactor.compactedAt(tenant, hourStart)
        .flatMap(at -> at >= 0 ? Mono.<Void>empty() : compactor.compact(tenant, hourStart)
            .doOnNext(r -> log.info("Retention: compacted {} hour {} ({} quanta) before deleting its quanta",
                tenant.value(), Instant.ofEpochSecond(0, hourStart), r.quanta()))
            .then());
  }

  private Mono<List<Map<String, AttributeValue>>> rowsUnder(String hashKey) {
    return IndexRows.rows(dynamo, table, hashKey, callTimeout).collectList();
  }

  private Mono<Deleted> deleteRowsThenObjects(List<Map<String, AttributeValue>> rows, String prefix,
      java.util.function.Predicate<String> objectKey) {
    return StoreDeletes.rows(dynamo, table, rows.stream().map(IndexRows::keyOf).toList(), callTimeout)
        .flatMap(n -> StoreDeletes.list(s3, bucket, prefix).filter(objectKey).collectList()
            .flatMap(keys -> StoreDeletes.objects(s3, bucket, keys))
            .map(o -> new Deleted(n, o, Set.of())));
  }

  /**
   * Deletes the packs of the hour, of every partition: their segments' rows are gone with the
   * hour's tenants' (a pack holds segments of its own hour and the one before, whose rows went first).
   */
  private Mono<Long> deletePacks(long hourStart, Set<Integer> seen) {
    Set<Integer> all = new TreeSet<>(seen);
    IntStream.range(0, partitions).forEach(all::add);
    return Flux.fromIterable(all)
        .concatMap(p -> StoreDeletes.list(s3, bucket, StorageKeys.packPrefix(p, hourStart)).collectList()
            .flatMap(keys -> StoreDeletes.objects(s3, bucket, keys)))
        .reduce(0L, (a, b) -> a + b);
  }

  private static Map<String, AttributeValue> leaseKey() {
    return Map.of(IndexRows.HASH, AttributeValue.fromS(LEASE_HASH), IndexRows.RANGE, AttributeValue.fromN("0"));
  }

  private AttributeValue untilAfterLease() {
    return AttributeValue.fromN(Long.toString(clockMillis.getAsLong() + LEASE.toMillis()));
  }

  /** Takes the lease; its cursors, or empty while another replica holds it. */
  private Mono<Map<Level, Long>> acquire() {
    return Mono.fromFuture(() -> dynamo.updateItem(b -> b.tableName(table).key(leaseKey())
            .updateExpression("SET #holder = :me, #until = :until")
            .conditionExpression("attribute_not_exists(#until) OR #until < :now OR #holder = :me")
            .expressionAttributeNames(Map.of("#holder", HOLDER, "#until", UNTIL))
            .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(holder), ":until", untilAfterLease(),
                ":now", AttributeValue.fromN(Long.toString(clockMillis.getAsLong()))))
            .returnValues(ReturnValue.ALL_NEW)
            .overrideConfiguration(c -> c.apiCallTimeout(callTimeout))))
        .map(r -> {
          Map<Level, Long> cursors = new EnumMap<>(Level.class);
          for (Level level : Level.values()) {
            AttributeValue v = r.attributes().get(level.cursor());
            if (v != null) {
              cursors.put(level, Long.parseLong(v.n()));
            }
          }
          return cursors;
        })
        .onErrorResume(ConditionalCheckFailedException.class, e -> {
          log.debug("Retention lease held by another replica");
          return Mono.empty();
        });
  }

  /** Records the level's progress and renews the lease; fails when another replica has taken it. */
  private Mono<Void> advance(Level level, long hour) {
    return Mono.fromFuture(() -> dynamo.updateItem(b -> b.tableName(table).key(leaseKey())
            .updateExpression("SET #c = :h, #until = :until")
            .conditionExpression("#holder = :me")
            .expressionAttributeNames(Map.of("#c", level.cursor(), "#holder", HOLDER, "#until", UNTIL))
            .expressionAttributeValues(Map.of(":h", AttributeValue.fromN(Long.toString(hour)),
                ":until", untilAfterLease(), ":me", AttributeValue.fromS(holder)))
            .overrideConfiguration(c -> c.apiCallTimeout(callTimeout))))
        .then();
  }

  private Mono<Void> release() {
    return Mono.fromFuture(() -> dynamo.updateItem(b -> b.tableName(table).key(leaseKey())
            .updateExpression("SET #until = :zero")
            .conditionExpression("#holder = :me")
            .expressionAttributeNames(Map.of("#holder", HOLDER, "#until", UNTIL))
            .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"), ":me", AttributeValue.fromS(holder)))
            .overrideConfiguration(c -> c.apiCallTimeout(callTimeout))))
        .then()
        .onErrorResume(e -> Mono.empty());
  }

  /**
   * For health: whether it runs, when a sweep last ended well (epoch millis, -1 never), why the
   * last one failed (null when it did not), and hours past retention not yet swept per level.
   */
  public Map<String, Object> status() {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("enabled", enabled);
    out.put("lastSweep", lastSweepMillis < 0 ? "never" : Instant.ofEpochMilli(lastSweepMillis).toString());
    if (lastFailure != null) {
      out.put("lastFailure", lastFailure);
    }
    behind.forEach((level, hours) -> out.put("behindHours." + level.name().toLowerCase(java.util.Locale.ROOT),
        hours.get()));
    return out;
  }

  /** Whether the last sweep failed, or a level is more than two sweeps' worth of hours behind. */
  public boolean unwell() {
    return enabled && (lastFailure != null
        || behind.values().stream().anyMatch(h -> h.get() > 2L * props.maxHoursPerSweep()));
  }

  @Override
  public synchronized void start() {
    if (running != null || !enabled) {
      return;
    }
    log.info("Retention on: raw quanta {}, minute roll-ups {}, hour roll-ups {}; sweeping every {}", props.raw(),
        props.minute(), props.hour(), props.interval());
    running = Flux.interval(Duration.ofSeconds(30), props.interval())
        .onBackpressureDrop()
        .concatMap(i -> sweep()
            .onErrorResume(e -> {
              log.warn("Retention sweep failed, the next one goes on from where it stopped: {}", e.toString());
              return Mono.empty();
            }), 1)
        .subscribe();
  }

  @Override
  public synchronized void stop() {
    if (running != null) {
      running.dispose();
      running = null;
    }
  }

  @Override
  public boolean isRunning() {
    return running != null;
  }
}
