package io.scopeline.query.read;

import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

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

  /** Object keys of segments whose quantum starts in [fromNanos, toNanos], oldest first. */
  public Mono<List<String>> objectKeys(TenantId tenant, long fromNanos, long toNanos) {
    List<String> hashKeys = new ArrayList<>();
    for (long h = StorageKeys.hourOf(fromNanos); h <= StorageKeys.hourOf(toNanos); h++) {
      hashKeys.add(StorageKeys.indexHashKey(tenant, h * HOUR));
    }
    return Flux.fromIterable(hashKeys)
        .concatMap(hash -> query(hash, fromNanos, toNanos, null))
        .collectList();
  }

  private Flux<String> query(String hash, long from, long to, Map<String, AttributeValue> start) {
    QueryRequest.Builder q = QueryRequest.builder().tableName(table)
        .overrideConfiguration(c -> c.apiCallTimeout(callTimeout))
        .keyConditionExpression("#h = :h AND #t BETWEEN :lo AND :hi")
        .expressionAttributeNames(Map.of("#h", "hour", "#t", "ts"))
        .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(hash),
            ":lo", AttributeValue.fromN(StorageKeys.indexRangeLow(from)),
            ":hi", AttributeValue.fromN(StorageKeys.indexRangeHigh(to))));
    if (start != null) {
      q.exclusiveStartKey(start);
    }
    return Mono.fromFuture(() -> dynamo.query(q.build())).flatMapMany((QueryResponse r) -> {
      Flux<String> page = Flux.fromIterable(r.items()).map(i -> i.get("report").s());
      return r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
          ? page.concatWith(Flux.defer(() -> query(hash, from, to, r.lastEvaluatedKey()))) : page;
    });
  }
}
