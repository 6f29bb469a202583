package io.scopeline.ingest.store;

import io.scopeline.service.storage.IndexRows;
import io.scopeline.service.storage.StorageProperties;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * Makes sure the bucket and index table exist before reports are consumed: creates them when
 * configured to (standalone, development), otherwise checks and reports what is missing. Until
 * both are there, {@link #ready()} stays empty and the readiness health is DOWN with the reason.
 */
public class StorageBootstrap implements HealthIndicator {
  private static final Logger log = LoggerFactory.getLogger(StorageBootstrap.class);

  private final S3AsyncClient s3;
  private final DynamoDbAsyncClient dynamo;
  private final StorageProperties props;
  private final AtomicReference<String> problem = new AtomicReference<>("checking the bucket and table");
  private final Mono<Void> ready;

  public StorageBootstrap(S3AsyncClient s3, DynamoDbAsyncClient dynamo, StorageProperties props) {
    this.s3 = s3;
    this.dynamo = dynamo;
    this.props = props;
    this.ready = Mono.when(bucket(), table())
        .doOnSuccess(v -> {
          problem.set(null);
          log.info("Storage ready: bucket '{}', table '{}'", props.s3().bucket(), props.dynamodb().table());
        })
        .doOnError(e -> problem.set(e.getMessage()))
        .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30))
            .doBeforeRetry(s -> log.warn("Storage not ready, retrying: {}", s.failure().getMessage())))
        .cache();
  }

  /** Completes once the bucket and table exist. */
  public Mono<Void> ready() {
    return ready;
  }

  private Mono<Void> bucket() {
    String bucket = props.s3().bucket();
    return Mono.fromFuture(() -> s3.headBucket(b -> b.bucket(bucket))).then()
        .onErrorResume(e -> isMissingBucket(e), e -> {
          if (!props.createResources()) {
            return Mono.error(new IllegalStateException("S3 bucket '" + bucket + "' does not exist"
                + " (create it, or set scopeline.storage.create-resources=true)"));
          }
          log.info("Creating S3 bucket '{}'", bucket);
          return Mono.fromFuture(() -> s3.createBucket(b -> b.bucket(bucket))).then();
        })
        .onErrorMap(e -> !(e instanceof IllegalStateException),
            e -> new IllegalStateException("S3 unreachable for bucket '" + bucket + "': " + rootMessage(e), e));
  }

  private static boolean isMissingBucket(Throwable e) {
    Throwable c = e.getCause() != null ? e.getCause() : e;
    return c instanceof NoSuchBucketException || e instanceof NoSuchBucketException
        || c instanceof software.amazon.awssdk.services.s3.model.S3Exception s && s.statusCode() == 404;
  }

  private Mono<Void> table() {
    String table = props.dynamodb().table();
    return Mono.fromFuture(() -> dynamo.describeTable(b -> b.tableName(table))).then()
        .onErrorResume(e -> e instanceof ResourceNotFoundException || e.getCause() instanceof ResourceNotFoundException,
            e -> {
              if (!props.createResources()) {
                return Mono.error(new IllegalStateException("DynamoDB table '" + table + "' does not exist"
                    + " (create it with hash key " + IndexRows.HASH + " (S) and range key " + IndexRows.RANGE + " (N), or set"
                    + " scopeline.storage.create-resources=true)"));
              }
              log.info("Creating DynamoDB table '{}'", table);
              return Mono.fromFuture(() -> dynamo.createTable(b -> IndexRows.tableShape(b.tableName(table))))
                  .then(Mono.fromFuture(() -> dynamo.waiter().waitUntilTableExists(b -> b.tableName(table))))
                  .then();
            })
        .onErrorMap(e -> !(e instanceof IllegalStateException),
            e -> new IllegalStateException("DynamoDB unreachable for table '" + table + "': " + rootMessage(e), e));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  @Override
  public Health health() {
    String p = problem.get();
    return p == null ? Health.up().withDetail("bucket", props.s3().bucket()).withDetail("table", props.dynamodb().table()).build()
        : Health.down().withDetail("reason", p).build();
  }
}
