package io.scopeline.ingest.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopeline.ingest.config.IngestProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Flux;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Index writes when DynamoDB takes only part of a batch. DynamoDB Local never leaves items
 * unprocessed (AWS does so when throttling), so the client here is a stand-in that does.
 */
class ReportIndexTest {
  private static final IngestProperties PROPS = new IngestProperties(Duration.ofSeconds(3), Duration.ofMillis(500),
      Duration.ofSeconds(30), 0, 4, DataSize.ofMegabytes(16), DataSize.ofMegabytes(128), 50_000,
      DataSize.ofMegabytes(256), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMillis(50),
      Duration.ofSeconds(10), 3, Duration.ofMinutes(5), true, DataSize.ofKilobytes(256));

  /** A client whose BatchWriteItem answers with {@code answer} (the only call ReportIndex writes with). */
  private static DynamoDbAsyncClient batchWriter(
      java.util.function.Function<BatchWriteItemRequest, BatchWriteItemResponse> answer) {
    return new DynamoDbAsyncClient() {
      @Override
      public CompletableFuture<BatchWriteItemResponse> batchWriteItem(BatchWriteItemRequest request) {
        return CompletableFuture.completedFuture(answer.apply(request));
      }

      @Override
      public String serviceName() {
        return "dynamodb";
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void rowsPutFromManyThreadsAtOnceAreAllTaken() {
    List<WriteRequest> written = new CopyOnWriteArrayList<>();
    DynamoDbAsyncClient accepting = batchWriter(request -> {
      written.addAll(request.requestItems().get("t"));
      return BatchWriteItemResponse.builder().build();
    });
    try (ReportIndex index = new ReportIndex(accepting, "t", PROPS, new SimpleMeterRegistry())) {
      // Segments of several partitions become durable on several threads at once.
      Flux.range(0, 4000).parallel(4).runOn(reactor.core.scheduler.Schedulers.parallel())
          .flatMap(i -> index.put("tenant-1", "1." + i, "key-" + i)).sequential().then()
          .block(Duration.ofSeconds(60));
    }
    assertThat(written).hasSize(4000);
  }

  @Test
  void unprocessedRowsAreRetriedWithGrowingPausesUntilWritten() {
    List<Long> calls = new CopyOnWriteArrayList<>();
    AtomicInteger throttledLeft = new AtomicInteger(4);
    List<WriteRequest> written = new CopyOnWriteArrayList<>();
    DynamoDbAsyncClient throttling = batchWriter(request -> {
      calls.add(System.nanoTime());
      List<WriteRequest> rows = request.requestItems().get("t");
      if (throttledLeft.getAndDecrement() > 0) {
        // Takes the first row, leaves the rest.
        written.add(rows.get(0));
        return BatchWriteItemResponse.builder().unprocessedItems(Map.of("t", rows.subList(1, rows.size()))).build();
      }
      written.addAll(rows);
      return BatchWriteItemResponse.builder().build();
    });
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ReportIndex index = new ReportIndex(throttling, "t", PROPS, meters)) {
      Flux.range(0, 10).flatMap(i -> index.put("tenant-1", "1." + i, "key-" + i)).then().block(Duration.ofSeconds(30));
    }
    assertThat(written).hasSize(10);
    assertThat(meters.counter("scopeline.ingest.store.retries", "store", "dynamodb").count()).isEqualTo(4);
    // Backoff doubles from 50 ms with ±50 % jitter: the fourth pause is at least 0.5 × 400 ms.
    // (A fixed 50 ms pause keeps a throttled table throttled.)
    assertThat(Duration.ofNanos(calls.get(4) - calls.get(3))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
  }
}
