package io.scopeline.service.storage;

import io.scopeline.keys.SegmentRange;
import io.scopeline.keys.StorageKeys;
import java.time.Duration;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The rows of the DynamoDB index, written by the ingest side and read by both sides: hash key
 * {@value #HASH} (S, {@link StorageKeys#indexHashKey}), range key {@value #RANGE} (N,
 * {@link StorageKeys#indexRangeKey}), the segment's object key in {@value #OBJECT} (S) and its
 * last offset in {@value #LAST} (N), which lets a write refuse to replace a row with a segment
 * holding fewer records ({@link #LONGER_ONLY}).
 */
public final class IndexRows {
  public static final String HASH = "hour";
  public static final String RANGE = "ts";
  public static final String OBJECT = "report";
  public static final String LAST = "last";

  /**
   * Condition of a put that may meet a row another writer made for the same first record (a replay,
   * or a former owner of the partition still finishing its writes): replace only a row whose
   * segment ends no later than this one (rows written before {@value #LAST} existed have none).
   */
  public static final String LONGER_ONLY = "attribute_not_exists(#last) OR #last <= :last";

  private IndexRows() {}

  /** Shapes a CreateTable request as the index needs it: the key schema, billing per request. */
  public static void tableShape(software.amazon.awssdk.services.dynamodb.model.CreateTableRequest.Builder b) {
    b.billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            software.amazon.awssdk.services.dynamodb.model.AttributeDefinition.builder().attributeName(HASH)
                .attributeType(software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType.S).build(),
            software.amazon.awssdk.services.dynamodb.model.AttributeDefinition.builder().attributeName(RANGE)
                .attributeType(software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType.N).build())
        .keySchema(
            software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder().attributeName(HASH)
                .keyType(software.amazon.awssdk.services.dynamodb.model.KeyType.HASH).build(),
            software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder().attributeName(RANGE)
                .keyType(software.amazon.awssdk.services.dynamodb.model.KeyType.RANGE).build());
  }

  /** The object key a row names. */
  public static String objectKey(Map<String, AttributeValue> item) {
    return item.get(OBJECT).s();
  }

  /** Whether a row indexes a roll-up rather than a segment (its hash key has the roll-up form). */
  public static boolean isRollup(Map<String, AttributeValue> item) {
    return item.get(HASH).s().indexOf(':') >= 0;
  }

  /** Whether a row indexes a raw segment: not a roll-up's, not a catalog row ({@link StorageKeys#catalogHashKey}). */
  public static boolean isSegment(Map<String, AttributeValue> item) {
    return !isRollup(item) && !StorageKeys.isCatalogHashKey(item.get(HASH).s());
  }

  /** The tenant part of a row's hash key. */
  public static String tenantOf(Map<String, AttributeValue> item) {
    String hour = item.get(HASH).s();
    return hour.substring(0, hour.lastIndexOf('-'));
  }

  /** The row of a segment. */
  public static Map<String, AttributeValue> item(String hashKey, String rangeKey, String objectKey) {
    SegmentRange range = SegmentRange.of(objectKey);
    return range == null
        ? Map.of(HASH, AttributeValue.fromS(hashKey), RANGE, AttributeValue.fromN(rangeKey),
            OBJECT, AttributeValue.fromS(objectKey))
        : Map.of(HASH, AttributeValue.fromS(hashKey), RANGE, AttributeValue.fromN(rangeKey),
            OBJECT, AttributeValue.fromS(objectKey), LAST, AttributeValue.fromN(Long.toString(range.last())));
  }

  /** When the compaction that wrote an hour roll-up's row started (epoch millis), in its row. */
  public static final String COMPACTED_AT = "compactedAt";

  /**
   * The row of a roll-up ({@link io.scopeline.keys.Rollups}): its keys and object, no offsets, and
   * when the compaction that made it started ({@code compactedAtMillis}).
   */
  public static Map<String, AttributeValue> rollupItem(String hashKey, String rangeKey, String objectKey,
      long compactedAtMillis) {
    return Map.of(HASH, AttributeValue.fromS(hashKey), RANGE, AttributeValue.fromN(rangeKey),
        OBJECT, AttributeValue.fromS(objectKey), COMPACTED_AT, AttributeValue.fromN(Long.toString(compactedAtMillis)));
  }

  public static PutRequest put(String hashKey, String rangeKey, String objectKey) {
    return PutRequest.builder().item(item(hashKey, rangeKey, objectKey)).build();
  }

  /** A PutItem of the row {@code item} (made by {@link #item}) under {@link #LONGER_ONLY}. */
  public static void longerOnly(software.amazon.awssdk.services.dynamodb.model.PutItemRequest.Builder b,
      String table, Map<String, AttributeValue> item) {
    AttributeValue last = item.get(LAST);
    b.tableName(table).item(item).conditionExpression(LONGER_ONLY)
        .expressionAttributeNames(Map.of("#last", LAST))
        // A row naming no range (a key without a last offset) may replace anything, as before.
        .expressionAttributeValues(Map.of(":last",
            last == null ? AttributeValue.fromN(Long.toString(Long.MAX_VALUE)) : last));
  }

  /**
   * Object keys of the rows under {@code hashKey} with range keys in [{@code low}, {@code high}],
   * in range key order, every page; {@code callTimeout} bounds each page with the SDK's retries.
   */
  public static Flux<String> objectKeys(DynamoDbAsyncClient dynamo, String table, String hashKey, String low,
      String high, Duration callTimeout) {
    QueryRequest query = QueryRequest.builder().tableName(table)
        .overrideConfiguration(c -> c.apiCallTimeout(callTimeout))
        .keyConditionExpression("#h = :h AND #t BETWEEN :lo AND :hi")
        .projectionExpression("#r")
        .expressionAttributeNames(Map.of("#h", HASH, "#t", RANGE, "#r", OBJECT))
        .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(hashKey),
            ":lo", AttributeValue.fromN(low), ":hi", AttributeValue.fromN(high)))
        .build();
    return pages(dynamo, query, null).map(i -> i.get(OBJECT).s());
  }

  /** Every row under {@code hashKey}, whole, in range key order, every page (strongly consistent). */
  public static Flux<Map<String, AttributeValue>> rows(DynamoDbAsyncClient dynamo, String table, String hashKey,
      Duration callTimeout) {
    QueryRequest query = QueryRequest.builder().tableName(table).consistentRead(true)
        .overrideConfiguration(c -> c.apiCallTimeout(callTimeout))
        .keyConditionExpression("#h = :h")
        .expressionAttributeNames(Map.of("#h", HASH))
        .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(hashKey)))
        .build();
    return pages(dynamo, query, null);
  }

  /** Whether any row is under {@code hashKey} (one item read at most). */
  public static Mono<Boolean> anyRow(DynamoDbAsyncClient dynamo, String table, String hashKey, Duration callTimeout) {
    return Mono.fromFuture(() -> dynamo.query(b -> b.tableName(table).limit(1)
            .overrideConfiguration(c -> c.apiCallTimeout(callTimeout))
            .keyConditionExpression("#h = :h")
            .expressionAttributeNames(Map.of("#h", HASH))
            .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(hashKey)))))
        .map(r -> r.count() > 0);
  }

  /** The primary key of a row. */
  public static Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
    return Map.of(HASH, item.get(HASH), RANGE, item.get(RANGE));
  }

  private static Flux<Map<String, AttributeValue>> pages(DynamoDbAsyncClient dynamo, QueryRequest query,
      Map<String, AttributeValue> start) {
    QueryRequest q = start == null ? query : query.toBuilder().exclusiveStartKey(start).build();
    return Mono.fromFuture(() -> dynamo.query(q)).flatMapMany((QueryResponse r) -> {
      Flux<Map<String, AttributeValue>> items = Flux.fromIterable(r.items());
      return r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
          ? items.concatWith(Flux.defer(() -> pages(dynamo, query, r.lastEvaluatedKey())))
          : items;
    });
  }
}
