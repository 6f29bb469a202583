package io.scopeline.ingest.retention;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.scopeline.ingest.store.ReportIndex;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.service.storage.IndexRows;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The catalog of which tenants have data in which hour ({@link StorageKeys#catalogHashKey}), so
 * retention finds an hour's tenants with one Query instead of listing the bucket. Ingest records
 * each tenant-hour before the offsets of its first segment commit, as an ordinary index row whose
 * object attribute names the tenant; the sweep of an hour's last level removes the hour's rows.
 */
public final class TenantHours {
  private record TenantHour(TenantId tenant, long hour) {}

  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final Duration callTimeout;
  /** Tenant-hours this instance has recorded: each is written once per instance, not per segment. */
  private final Cache<TenantHour, Boolean> recorded = Caffeine.newBuilder()
      .expireAfterWrite(Duration.ofHours(2)).maximumSize(1_000_000).build();

  public TenantHours(DynamoDbAsyncClient dynamo, String table, Duration callTimeout) {
    this.dynamo = dynamo;
    this.table = table;
    this.callTimeout = callTimeout;
  }

  /**
   * Records, through {@code index} (batched, retried while DynamoDB fails), that {@code tenant}
   * has data in the hour holding {@code epochNanos}; completes once it is durable. Repeats are
   * skipped, and harmless if made.
   */
  public Mono<Void> record(ReportIndex index, TenantId tenant, long epochNanos) {
    TenantHour th = new TenantHour(tenant, StorageKeys.hourOf(epochNanos));
    if (recorded.getIfPresent(th) != null) {
      return Mono.empty();
    }
    return index.put(StorageKeys.catalogHashKey(epochNanos), StorageKeys.catalogRangeKey(tenant), tenant.value())
        .doOnSuccess(v -> recorded.put(th, Boolean.TRUE));
  }

  /** The tenants with data in the hour with index {@code hour} (epoch nanos / 1 h), sorted. */
  public Mono<List<TenantId>> tenants(long hour) {
    return rows(hour)
        .map(IndexRows::objectKey)
        .collect(TreeSet<String>::new, TreeSet::add)
        .map(ids -> ids.stream().map(TenantId::of).toList());
  }

  /** Removes the hour's catalog rows, once every level's data of it is gone. */
  public Mono<Integer> remove(long hour) {
    return rows(hour)
        .map(IndexRows::keyOf)
        .collectList()
        .flatMap(keys -> StoreDeletes.rows(dynamo, table, keys, callTimeout));
  }

  private Flux<Map<String, AttributeValue>> rows(long hour) {
    return IndexRows.rows(dynamo, table, StorageKeys.catalogHashKey(hour * 3_600_000_000_000L), callTimeout);
  }
}
