package io.scopeline.ingest.retention;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Batched deletes of index rows and S3 objects, which retention makes by the thousand. */
final class StoreDeletes {
  private static final int ROWS_PER_BATCH = 25;
  private static final int OBJECTS_PER_BATCH = 1000;

  private StoreDeletes() {}

  /**
   * Deletes the rows with these primary keys, 25 to a BatchWriteItem, retrying what DynamoDB
   * leaves unprocessed; the count deleted. Deleting a row that is not there is no error.
   */
  static Mono<Integer> rows(DynamoDbAsyncClient dynamo, String table, List<Map<String, AttributeValue>> keys,
      Duration callTimeout) {
    return Flux.fromIterable(keys).buffer(ROWS_PER_BATCH)
        .concatMap(batch -> rowBatch(dynamo, table, batch, callTimeout).thenReturn(batch.size()))
        .reduce(0, Integer::sum);
  }

  private static Mono<Void> rowBatch(DynamoDbAsyncClient dynamo, String table, List<Map<String, AttributeValue>> keys,
      Duration callTimeout) {
    AtomicReference<List<WriteRequest>> left = new AtomicReference<>(keys.stream()
        .map(k -> WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(k).build()).build()).toList());
    return Mono.defer(() -> Mono.fromFuture(() -> dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, left.get()))
                .overrideConfiguration(c -> c.apiCallTimeout(callTimeout))))
            .flatMap(r -> {
              List<WriteRequest> unprocessed = r.unprocessedItems().getOrDefault(table, List.of());
              if (unprocessed.isEmpty()) {
                return Mono.<Void>empty();
              }
              left.set(new ArrayList<>(unprocessed));
              return Mono.error(new IllegalStateException(unprocessed.size() + " row deletes left unprocessed"));
            }))
        .retryWhen(Retry.backoff(10, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(10)));
  }

  /** Every object key under {@code prefix}, every page. */
  static Flux<String> list(S3AsyncClient s3, String bucket, String prefix) {
    return Flux.from(s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()).map(S3Object::key);
  }

  /** Deletes these objects, up to 1 000 to a DeleteObjects; the count deleted. Missing objects are no error. */
  static Mono<Integer> objects(S3AsyncClient s3, String bucket, List<String> keys) {
    return Flux.fromIterable(keys).buffer(OBJECTS_PER_BATCH)
        .concatMap(batch -> Mono.fromFuture(() -> s3.deleteObjects(b -> b.bucket(bucket)
                .delete(d -> d.quiet(true).objects(batch.stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList()))))
            .flatMap(r -> r.hasErrors() && !r.errors().isEmpty()
                ? Mono.error(new IllegalStateException(r.errors().size() + " of " + batch.size()
                    + " objects not deleted, first: " + r.errors().get(0).key() + " " + r.errors().get(0).code()))
                : Mono.just(batch.size())))
        .reduce(0, Integer::sum);
  }
}
