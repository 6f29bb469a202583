package io.scopeline.query.read;

import io.scopeline.keys.SegmentRange;
import io.scopeline.keys.StorageKeys;
import io.scopeline.service.storage.IndexRows;
import io.scopeline.keys.TenantId;
import java.util.ArrayList;
import java.util.List;
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
