package io.scopeline.ingest.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.service.storage.LazyRedis;
import io.scopeline.service.storage.StorageProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Redis hot copies and notifications. Redis is never the only copy of anything, so every failure
 * here is counted and swallowed: it must not hold up persistence. The connection is made lazily
 * and re-made after a failure ({@link LazyRedis}), so the service starts and runs while Redis is down.
 */
public class HotCopies implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HotCopies.class);

  private final LazyRedis redis;
  private final Counter failures;
  private final Counter writes;
  private final io.micrometer.core.instrument.Timer latency;
  private final FailureStreak streak = new FailureStreak("Redis",
      "hot copies and live announcements are skipped (readers fall back to S3), persistence goes on");

  public HotCopies(StorageProperties props, MeterRegistry meters) {
    this.redis = new LazyRedis(props);
    this.failures = Counter.builder("scopeline.ingest.redis.failures")
        .description("Redis writes that failed and were skipped").register(meters);
    this.writes = Counter.builder("scopeline.ingest.redis.writes").description("Redis writes").register(meters);
    this.latency = io.micrometer.core.instrument.Timer.builder("scopeline.ingest.redis.write")
        .description("Redis write latency, failures included").register(meters);
  }

  private <T> Mono<Void> guarded(Mono<T> op, String what) {
    return Mono.defer(() -> {
      long t0 = System.nanoTime();
      return op.timeout(redis.timeout())
          .doFinally(s -> latency.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS));
    }).doOnSuccess(v -> {
      writes.increment();
      streak.success();
    }).then().onErrorResume(e -> {
      failures.increment();
      streak.failure(e);
      redis.reset();
      log.debug("Redis {} failed (skipped): {}", what, e.toString());
      return Mono.empty();
    });
  }

  /** Stores {@code bytes} under {@code key} for {@code ttl}; never fails. */
  public Mono<Void> put(String key, byte[] bytes, Duration ttl) {
    return guarded(redis.connection().flatMap(c -> c.reactive().psetex(key, ttl.toMillis(), bytes)), "SET " + key);
  }

  /**
   * Adds {@code member} to the sorted set {@code key} with {@code score} (epoch millis), drops
   * members older than {@code ttl} and lets the set expire after it; never fails.
   */
  public Mono<Void> remember(String key, long scoreMillis, String member, Duration ttl) {
    byte[] value = member.getBytes(StandardCharsets.UTF_8);
    long oldest = System.currentTimeMillis() - ttl.toMillis();
    return guarded(redis.connection().flatMap(c -> c.reactive().zadd(key, (double) scoreMillis, value)
        .then(c.reactive().zremrangebyscore(key, io.lettuce.core.Range.create(Double.NEGATIVE_INFINITY, (double) oldest)))
        .then(c.reactive().pexpire(key, ttl.toMillis()))), "ZADD " + key);
  }

  /** Sets one field of a hash; never fails. */
  public Mono<Void> hset(String key, String field, byte[] value) {
    return guarded(redis.connection().flatMap(c -> c.reactive().hset(key, field, value)), "HSET " + key);
  }

  /** Sets a hash field and lets the whole hash expire {@code ttl} after its last write. */
  public Mono<Void> hset(String key, String field, byte[] value, java.time.Duration ttl) {
    return guarded(redis.connection().flatMap(c -> c.reactive().hset(key, field, value)
        .then(c.reactive().pexpire(key, ttl.toMillis()))), "HSET " + key);
  }

  /** Sets these fields of a hash and lets it expire {@code ttl} after its last write; never fails. */
  public Mono<Void> hsetAll(String key, java.util.Map<String, byte[]> fields, java.time.Duration ttl) {
    return fields.isEmpty() ? Mono.empty() : guarded(redis.connection().flatMap(c -> c.reactive().hset(key, fields)
        .then(c.reactive().pexpire(key, ttl.toMillis()))), "HSET " + key);
  }

  /** All fields of a hash; fails (counted) when Redis does, so an empty hash means an empty hash. */
  public Mono<java.util.Map<String, byte[]>> hgetallOrFail(String key) {
    return redis.connection().flatMap(c -> c.reactive().hgetall(key)
            .collectMap(kv -> kv.getKey(), kv -> kv.getValue()))
        .timeout(redis.timeout())
        .doOnError(e -> {
          failures.increment();
          streak.failure(e);
          redis.reset();
        });
  }

  /** Removes hash fields (best effort, counted like the other writes). */
  public Mono<Void> hdel(String key, String... fields) {
    return guarded(redis.connection().flatMap(c -> c.reactive().hdel(key, fields)), "HDEL " + key);
  }

  /** All fields of a hash; empty when Redis fails (counted). */
  public Mono<java.util.Map<String, byte[]>> hgetall(String key) {
    return redis.connection().flatMap(c -> c.reactive().hgetall(key)
            .collectMap(kv -> kv.getKey(), kv -> kv.getValue()))
        .timeout(redis.timeout())
        .onErrorResume(e -> {
          failures.increment();
          streak.failure(e);
          redis.reset();
          return Mono.just(java.util.Map.of());
        });
  }

  /** True when Redis answers PING (for health); never fails. */
  public Mono<Boolean> ping() {
    return redis.connection().flatMap(c -> c.reactive().ping()).timeout(redis.timeout()).map("PONG"::equals)
        .onErrorResume(e -> {
          redis.reset();
          return Mono.just(false);
        });
  }

  /** Publishes {@code message} on {@code channel}; never fails. */
  public Mono<Void> publish(String channel, String message) {
    return guarded(redis.connection().flatMap(c -> c.reactive().publish(channel,
        message.getBytes(StandardCharsets.UTF_8))), "PUBLISH " + channel);
  }

  @Override
  public void close() {
    redis.close();
  }
}
