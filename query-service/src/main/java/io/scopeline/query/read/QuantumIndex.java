package io.scopeline.query.read;

import io.scopeline.keys.Rollups;
import io.scopeline.keys.SegmentRange;
import io.scopeline.keys.StorageKeys;
import io.scopeline.service.storage.IndexRows;
import io.scopeline.keys.TenantId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** Finds the object keys of a tenant's quanta in a time range, from the DynamoDB index. */
public final class QuantumIndex {
  private static final long HOUR = TimeUnit.HOURS.toNanos(1);

  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final java.time.Duration callTimeout;

  /**
   * {@code callTimeout} bounds a query with all the SDK's retries: a window read against a dead
   * index should fail within seconds (and be served stale), not after every retry's backoff.
   */
  public QuantumIndex(DynamoDbAsyncClient dynamo, String table, java.time.Duration callTimeout) {
    this.dynamo = dynamo;
    this.table = table;
    this.callTimeout = callTimeout;
  }

  /**
   * Object keys that together hold every quantum starting in [fromNanos, toNanos]: for each span of
   * it wholly inside, the coarsest roll-up there is (an hour, else its minutes), and the quanta
   * themselves where there is none (the edges, the hour still running, hours not compacted yet).
   * A month is at most ~720 hour roll-ups plus the edges; a window of a few minutes reads as before.
   */
  public Mono<List<String>> coveringKeys(TenantId tenant, long fromNanos, long toNanos) {
    return cover(tenant, Rollups.Level.HOUR, fromNanos, toNanos).map(keys -> keys.stream().distinct().toList());
  }

  /**
   * Object keys holding [fromNanos, toNanos] at the finest level still kept: the quanta, else the
   * minute roll-ups overlapping it, else the hour roll-ups. A level is passed over only when its
   * rows of the hours at either end are all gone (retention deleted them): a gap in an hour that
   * has some is just a gap, and reads as one.
   */
  public Mono<List<String>> keptKeys(TenantId tenant, long fromNanos, long toNanos) {
    return objectKeys(tenant, fromNanos, toNanos)
        .flatMap(quanta -> orCoarser(quanta, StorageKeys.indexHashKey(tenant, fromNanos),
            StorageKeys.indexHashKey(tenant, toNanos),
            () -> overlapping(tenant, Rollups.Level.MINUTE, fromNanos, toNanos)
                .flatMap(minutes -> orCoarser(minutes, Rollups.hashKey(tenant, Rollups.Level.MINUTE, fromNanos),
                    Rollups.hashKey(tenant, Rollups.Level.MINUTE, toNanos),
                    () -> overlapping(tenant, Rollups.Level.HOUR, fromNanos, toNanos)))));
  }

  /** {@code keys}, unless they are none and no row is under either hash key: then {@code coarser}. */
  private Mono<List<String>> orCoarser(List<String> keys, String fromHash, String toHash,
      java.util.function.Supplier<Mono<List<String>>> coarser) {
    if (!keys.isEmpty()) {
      return Mono.just(keys);
    }
    return Flux.fromIterable(new java.util.LinkedHashSet<>(List.of(fromHash, toHash)))
        .concatMap(hash -> IndexRows.anyRow(dynamo, table, hash, callTimeout))
        .any(Boolean::booleanValue)
        .flatMap(kept -> kept ? Mono.just(keys) : coarser.get());
  }

  private Mono<List<String>> overlapping(TenantId tenant, Rollups.Level level, long from, long to) {
    return rollups(tenant, level, level.startOf(from), to).map(m -> List.copyOf(m.values()));
  }

  private Mono<List<String>> cover(TenantId tenant, Rollups.Level level, long from, long to) {
    if (level == null) {
      return keptKeys(tenant, from, to);
    }
    Rollups.Level finer = level == Rollups.Level.HOUR ? Rollups.Level.MINUTE : null;
    long span = level.spanNanos();
    long first = -Math.floorDiv(-from, span) * span; // the first span starting at or after from
    long end = Math.floorDiv(to + 1, span) * span; // spans wholly inside end at or before to + 1
    if (first >= end) {
      return cover(tenant, finer, from, to);
    }
    return rollups(tenant, level, first, end - span).flatMap(starts -> {
      // Walk [from, to]: a span with a roll-up is that object; what lies between goes one level finer.
      List<Mono<List<String>>> parts = new ArrayList<>();
      long at = from;
      for (Map.Entry<Long, String> e : starts.entrySet()) {
        if (e.getKey() > at) {
          parts.add(cover(tenant, finer, at, e.getKey() - 1));
        }
        parts.add(Mono.just(List.of(e.getValue())));
        at = e.getKey() + span;
      }
      if (at <= to) {
        parts.add(cover(tenant, finer, at, to));
      }
      return Flux.concat(parts).collectList()
          .map(lists -> lists.stream().flatMap(List::stream).toList());
    });
  }

  /** Roll-ups of {@code level} starting in [first, last], by start. */
  private Mono<java.util.TreeMap<Long, String>> rollups(TenantId tenant, Rollups.Level level, long first, long last) {
    java.util.LinkedHashSet<String> hashKeys = new java.util.LinkedHashSet<>();
    for (long t = first; t <= last; t += level.spanNanos()) {
      hashKeys.add(Rollups.hashKey(tenant, level, t));
    }
    return Flux.fromIterable(hashKeys)
        .concatMap(hash -> IndexRows.objectKeys(dynamo, table, hash, Rollups.rangeKey(first), Rollups.rangeKey(last),
            callTimeout))
        .filter(key -> Rollups.belongsTo(tenant, key))
        .collectMap(Rollups::startOf, key -> key, java.util.TreeMap::new)
        .map(m -> (java.util.TreeMap<Long, String>) m);
  }

  /**
   * Object keys of segments whose quantum starts in [fromNanos, toNanos], oldest first; of two
   * segments holding the same records (a replay that cut them differently) only the one holding
   * more ({@link SegmentRange#covering}).
   */
  public Mono<List<String>> objectKeys(TenantId tenant, long fromNanos, long toNanos) {
    List<String> hashKeys = new ArrayList<>();
    for (long h = StorageKeys.hourOf(fromNanos); h <= StorageKeys.hourOf(toNanos); h++) {
      hashKeys.add(StorageKeys.indexHashKey(tenant, h * HOUR));
    }
    return Flux.fromIterable(hashKeys)
        .concatMap(hash -> IndexRows.objectKeys(dynamo, table, hash, StorageKeys.indexRangeLow(fromNanos),
            StorageKeys.indexRangeHigh(toNanos), callTimeout))
        .collectList()
        .map(SegmentRange::covering);
  }
}
