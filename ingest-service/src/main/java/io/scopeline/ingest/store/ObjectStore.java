package io.scopeline.ingest.store;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scopeline.ingest.config.IngestProperties;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Writes quantum objects to S3, retrying throttling and outages until they succeed. */
public class ObjectStore {
  private final S3AsyncClient s3;
  private final String bucket;
  private final IngestProperties props;
  private final Timer putTimer;
  private final Counter retries;

  private final StoreHealth health;

  public ObjectStore(S3AsyncClient s3, String bucket, IngestProperties props, MeterRegistry meters) {
    this(s3, bucket, props, meters, new StoreHealth(Duration.ofSeconds(5)));
  }

  public ObjectStore(S3AsyncClient s3, String bucket, IngestProperties props, MeterRegistry meters,
      StoreHealth health) {
    this.health = health;
    this.s3 = s3;
    this.bucket = bucket;
    this.props = props;
    this.putTimer = Timer.builder("scopeline.ingest.s3.put").description("S3 PutObject latency").register(meters);
    this.retries = Counter.builder("scopeline.ingest.store.retries").tag("store", "s3")
        .description("S3 writes retried after throttling or failure").register(meters);
  }

  public Mono<Void> put(String key, byte[] gzipMsgpack) {
    return Mono.defer(() -> {
      long t0 = System.nanoTime();
      return Mono.fromFuture(() -> s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/msgpack")
              .contentEncoding("gzip"), AsyncRequestBody.fromBytes(gzipMsgpack)))
          .doOnSuccess(r -> putTimer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS));
    }).doOnError(e -> health.failure("s3", e)).doOnSuccess(r -> health.success("s3")).retryWhen(WriteRetry.forever(props.retryInitialBackoff(), props.retryMaxBackoff(), retries::increment))
        .then();
  }
}
