package io.scopeline.query.read;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import io.scopeline.query.QueryProperties;
import io.scopeline.service.storage.StorageProperties;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Reads a persisted quantum through the tiers: in-process (Caffeine, decoded reports) → Redis hot
 * copy → S3. Concurrent misses of one key share one load (Caffeine's async cache holds the
 * in-flight future: the single-flight). A failing tier is skipped and counted; hits, misses and
 * errors are counted per tier as {@code scopeline.query.tier{tier,result}}.
 */
public final class TieredReports implements AutoCloseable {
  private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final AsyncCache<String, Report> memory;
  private final S3AsyncClient s3;
  private final String bucket;
  private final RedisClient redis;
  private final RedisURI redisUri;
  private final Duration redisTimeout;
  private final Scheduler decodeScheduler;
  private final MeterRegistry meters;
  private final AtomicReference<Mono<StatefulRedisConnection<String, byte[]>>> connection = new AtomicReference<>();

  public TieredReports(QueryProperties props, StorageProperties storage, S3AsyncClient s3, Scheduler decodeScheduler,
      MeterRegistry meters) {
    this.memory = Caffeine.newBuilder().maximumWeight(props.cacheMaxNodes())
        .weigher((String k, Report r) -> Math.max(1, r.nodeCount())).expireAfterAccess(props.cacheTtl())
        .recordStats().buildAsync();
    this.s3 = s3;
    this.bucket = storage.s3().bucket();
    this.redisUri = RedisURI.create(storage.redis().uri());
    this.redisTimeout = storage.redis().commandTimeout();
    this.redis = RedisClient.create();
    redis.setOptions(ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .build());
    this.decodeScheduler = decodeScheduler;
    this.meters = meters;
  }

  private void count(String tier, String result) {
    meters.counter("scopeline.query.tier", "tier", tier, "result", result).increment();
  }

  /** The quantum stored under {@code objectKey}, upgraded as Scope's app upgrades what it reads. */
  public Mono<Report> get(TenantId tenant, String objectKey) {
    String cacheKey = tenant.value() + "|" + objectKey;
    boolean[] loaded = {false};
    return Mono.fromFuture(() -> memory.get(cacheKey, (k, executor) -> {
      loaded[0] = true;
      return load(tenant, objectKey).toFuture();
    })).doOnNext(r -> count("memory", loaded[0] ? "miss" : "hit"));
  }

  private Mono<Report> load(TenantId tenant, String objectKey) {
    return fromRedis(StorageKeys.hotCopyKey(tenant, objectKey))
        .switchIfEmpty(Mono.defer(() -> fromS3(objectKey)))
        .publishOn(decodeScheduler)
        .map(bytes -> ReportUpgrade.upgrade(ReportCodec.decode(bytes, ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT)));
  }

  private <T> Mono<T> timed(String tier, Mono<T> op) {
    return Mono.defer(() -> {
      long t0 = System.nanoTime();
      return op.doFinally(s -> meters.timer("scopeline.query.tier.latency", "tier", tier)
          .record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS));
    });
  }

  private Mono<byte[]> fromRedis(String key) {
    return timed("redis", connection().flatMap(c -> c.reactive().get(key)).timeout(redisTimeout))
        .doOnNext(v -> count("redis", "hit"))
        .switchIfEmpty(Mono.fromRunnable(() -> count("redis", "miss")))
        .onErrorResume(e -> {
          count("redis", "error");
          connection.set(null);
          return Mono.empty();
        });
  }

  private Mono<byte[]> fromS3(String key) {
    return timed("s3", Mono.fromFuture(() -> s3.getObject(b -> b.bucket(bucket).key(key),
            AsyncResponseTransformer.toBytes())))
        .map(r -> r.asByteArray())
        .doOnNext(b -> count("s3", "hit"))
        .doOnError(e -> count("s3", "error"));
  }

  private Mono<StatefulRedisConnection<String, byte[]>> connection() {
    Mono<StatefulRedisConnection<String, byte[]>> current = connection.get();
    if (current != null) {
      return current;
    }
    Mono<StatefulRedisConnection<String, byte[]>> fresh =
        Mono.fromFuture(() -> redis.connectAsync(CODEC, redisUri).toCompletableFuture()).cache();
    return connection.compareAndSet(null, fresh) ? fresh : connection.get();
  }

  @Override
  public void close() {
    redis.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
