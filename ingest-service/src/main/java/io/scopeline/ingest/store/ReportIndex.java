package io.scopeline.ingest.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.ingest.config.IngestProperties;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.service.storage.IndexRows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The DynamoDB index of quantum objects: {@code hour} (S) = {@code <tenant>-<hour>}, {@code ts}
 * (N) = segment range key, {@code report} (S) = object key. Rows from all partitions are gathered
 * for a few milliseconds and written with BatchWriteItem (up to 25 rows); unprocessed rows and
 * failed batches are retried with backoff until they succeed.
 */
public class ReportIndex implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReportIndex.class);
  private static final int MAX_BATCH = 25;
  private static final int CONCURRENT_BATCHES = 4;

  /**
   * One row to write and the sink that hears when it is durable. A row whose writer stopped waiting
   * ({@code abandoned}: its segment's write was cancelled, as when the instance dies) is not written:
   * its records are replayed, and the replay writes what the records make then.
   */
  private record Pending(String hashKey, String rangeKey, String objectKey, Sinks.Empty<Void> done,
      java.util.concurrent.atomic.AtomicBoolean abandoned) {
    Map<String, AttributeValue> key() {
      return Map.of(IndexRows.HASH, AttributeValue.fromS(hashKey), IndexRows.RANGE, AttributeValue.fromN(rangeKey));
    }
  }

  /** How many conditional puts may be in flight at once (they are rare: replays and revocations). */
  private static final int CONCURRENT_CONDITIONAL = 8;

  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final IngestProperties props;
  private final Sinks.Many<Pending> queue = Sinks.many().unicast().onBackpressureBuffer();
  private final Sinks.Many<Pending> conditionalQueue = Sinks.many().unicast().onBackpressureBuffer();
  private final Counter longerKept;
  private final Disposable conditionalWriter;
  private final Counter retries;
  private final Counter rows;
  private final io.micrometer.core.instrument.Timer batchTimer;
  private final Disposable writer;

  private final StoreHealth health;
  private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();

  public ReportIndex(DynamoDbAsyncClient dynamo, String table, IngestProperties props, MeterRegistry meters) {
    this(dynamo, table, props, meters, new StoreHealth(Duration.ofSeconds(5)));
  }

  public ReportIndex(DynamoDbAsyncClient dynamo, String table, IngestProperties props, MeterRegistry meters,
      StoreHealth health) {
    this.health = health;
    this.dynamo = dynamo;
    this.table = table;
    this.props = props;
    this.retries = Counter.builder("scopeline.ingest.store.retries").tag("store", "dynamodb").register(meters);
    this.rows = Counter.builder("scopeline.ingest.index.rows").description("index rows written").register(meters);
    this.batchTimer = io.micrometer.core.instrument.Timer.builder("scopeline.ingest.dynamodb.batch")
        .description("DynamoDB BatchWriteItem latency, retries included").register(meters);
    // Fair backpressure: while a batch is being written (or retried) rows wait in the queue instead
    // of overflowing the buffer operator, which would end the writer.
    this.writer = queue.asFlux().bufferTimeout(MAX_BATCH, Duration.ofMillis(10), true)
        // A few batches in flight: a single BatchWriteItem round trip (tens of ms on DynamoDB Local,
        // ~10 ms on AWS) would otherwise cap the whole service's segment rate.
        .flatMap(this::writeBatch, CONCURRENT_BATCHES)
        .subscribe(null, e -> log.error("index writer stopped: {}", e.toString(), e));
    this.longerKept = Counter.builder("scopeline.ingest.index.longer.kept")
        .description("conditional index writes refused because the row already names a segment holding more records")
        .register(meters);
    io.micrometer.core.instrument.Gauge.builder("scopeline.ingest.index.waiting", waiting, java.util.concurrent.atomic.AtomicInteger::get)
        .description("index rows handed to the writer and not yet written").register(meters);
    this.conditionalWriter = conditionalQueue.asFlux().flatMap(this::writeConditional, CONCURRENT_CONDITIONAL)
        .subscribe(null, e -> log.error("conditional index writer stopped: {}", e.toString(), e));
  }

  /** Completes once the row is durably in the index. */
  public Mono<Void> put(String hashKey, String rangeKey, String objectKey) {
    return put(hashKey, rangeKey, objectKey, false);
  }

  /**
   * Completes once the row is durably in the index. {@code mayMeetOtherWriter}: another writer may
   * have made (or still make) a row for the same first record — the records are a replay, or the
   * partition has moved away — so the row is written on its own with {@link IndexRows#LONGER_ONLY}
   * (BatchWriteItem cannot carry conditions): a segment holding fewer records never replaces one
   * holding more, which would lose the difference.
   */
  public Mono<Void> put(String hashKey, String rangeKey, String objectKey, boolean mayMeetOtherWriter) {
    Sinks.Many<Pending> to = mayMeetOtherWriter ? conditionalQueue : queue;
    return Mono.defer(() -> {
      Sinks.Empty<Void> done = Sinks.empty();
      var abandoned = new java.util.concurrent.atomic.AtomicBoolean();
      Sinks.EmitResult r;
      // The queue takes one producer at a time (else FAIL_NON_SERIALIZED); segments of several
      // partitions finish on several threads at once.
      synchronized (to) {
        r = to.tryEmitNext(new Pending(hashKey, rangeKey, objectKey, done, abandoned));
      }
      if (r.isFailure()) {
        return Mono.error(new IllegalStateException("index writer is not accepting rows: " + r));
      }
      waiting.incrementAndGet();
      return done.asMono().doOnCancel(() -> abandoned.set(true));
    });
  }

  /**
   * Object keys of the indexed segments of {@code tenant}'s quantum starting at
   * {@code quantumStart} written from {@code partition}; retried like writes while DynamoDB fails.
   */
  public Flux<String> segmentKeys(TenantId tenant, long quantumStart, int partition) {
    return Flux.defer(() -> IndexRows.objectKeys(dynamo, table, StorageKeys.indexHashKey(tenant, quantumStart),
            StorageKeys.indexRangeKey(quantumStart, partition, 0),
            StorageKeys.indexRangeKey(quantumStart, partition, StorageKeys.MAX_OFFSET - 1), Duration.ofSeconds(30)))
        .collectList()
        .retryWhen(WriteRetry.forever(props.retryInitialBackoff(), props.retryMaxBackoff(), retries::increment))
        .flatMapMany(Flux::fromIterable);
  }

  private Mono<Void> writeConditional(Pending p) {
    Map<String, AttributeValue> item = IndexRows.item(p.hashKey(), p.rangeKey(), p.objectKey());
    return Mono.defer(() -> p.abandoned().get() ? Mono.fromRunnable(() -> settle(p, null))
            : Mono.fromFuture(() -> dynamo.putItem(b -> IndexRows.longerOnly(b, table, item))))
        .doOnError(e -> health.failure("dynamodb", e)).doOnSuccess(r -> health.success("dynamodb"))
        .retryWhen(WriteRetry.forever(props.retryInitialBackoff(), props.retryMaxBackoff(), retries::increment))
        .doOnSuccess(r -> rows.increment())
        .then()
        .onErrorResume(e -> WriteRetry.unwrap(e) instanceof ConditionalCheckFailedException, e -> {
          // The row names a segment holding these records and more: it stays, nothing is lost.
          longerKept.increment();
          return Mono.empty();
        })
        .doOnSuccess(v -> settle(p, null))
        .onErrorResume(e -> {
          settle(p, e);
          return Mono.empty();
        });
  }

  private Mono<Void> writeBatch(List<Pending> batch) {
    long t0 = System.nanoTime();
    return writeUntilDone(batch)
        .doOnSuccess(v -> {
          batchTimer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
          rows.increment(batch.size());
          batch.forEach(p -> settle(p, null));
        })
        .onErrorResume(e -> {
          // Not retryable (e.g. the table is missing): fail these rows' persists, keep the writer alive.
          batch.forEach(p -> settle(p, e));
          return Mono.empty();
        });
  }

  /**
   * Writes the rows, retrying failures and the rows DynamoDB left unprocessed (it does so when
   * throttling) with the same capped exponential backoff: a fixed pause would keep a throttled
   * table throttled. Abandoned rows are left out of every attempt.
   */
  private Mono<Void> writeUntilDone(List<Pending> rows) {
    java.util.concurrent.atomic.AtomicReference<List<Pending>> left = new java.util.concurrent.atomic.AtomicReference<>(rows);
    return Mono.defer(() -> {
          List<Pending> now = new ArrayList<>();
          for (Pending p : left.get()) {
            if (p.abandoned().get()) {
              settle(p, null);
            } else {
              now.add(p);
            }
          }
          if (now.isEmpty()) {
            return Mono.<Void>empty();
          }
          Map<Map<String, AttributeValue>, Pending> byKey = new java.util.HashMap<>();
          List<WriteRequest> requests = new ArrayList<>(now.size());
          for (Pending p : now) {
            // One request per key: BatchWriteItem refuses a batch naming a key twice (two writers of
            // the same catalog row, say); the others settle with the batch.
            if (byKey.putIfAbsent(p.key(), p) != null) {
              continue;
            }
            requests.add(WriteRequest.builder().putRequest(IndexRows.put(p.hashKey(), p.rangeKey(), p.objectKey()))
                .build());
          }
          return Mono.fromFuture(() -> dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, requests))))
              .doOnError(e -> health.failure("dynamodb", e)).doOnSuccess(r -> health.success("dynamodb"))
              .flatMap((BatchWriteItemResponse r) -> {
                List<WriteRequest> unprocessed = r.unprocessedItems().getOrDefault(table, List.of());
                if (unprocessed.isEmpty()) {
                  return Mono.<Void>empty();
                }
                List<Pending> again = new ArrayList<>(unprocessed.size());
                for (WriteRequest w : unprocessed) {
                  Map<String, AttributeValue> item = w.putRequest().item();
                  again.add(byKey.get(Map.of(IndexRows.HASH, item.get(IndexRows.HASH), IndexRows.RANGE,
                      item.get(IndexRows.RANGE))));
                }
                left.set(again);
                return Mono.error(new WriteRetry.Incomplete(unprocessed.size() + " of " + requests.size()
                    + " rows left unprocessed"));
              });
        })
        .retryWhen(WriteRetry.forever(props.retryInitialBackoff(), props.retryMaxBackoff(), retries::increment));
  }

  /** Tells the row's writer how it ended, once; the row no longer waits. */
  private void settle(Pending p, Throwable error) {
    Sinks.EmitResult r = error == null ? p.done().tryEmitEmpty() : p.done().tryEmitError(error);
    if (r.isSuccess()) {
      waiting.decrementAndGet();
    }
  }

  /** Rows handed to this index and not yet written, failed or dropped. */
  public int waitingRows() {
    return waiting.get();
  }

  @Override
  public void close() {
    queue.tryEmitComplete();
    conditionalQueue.tryEmitComplete();
    writer.dispose();
    conditionalWriter.dispose();
  }

}
