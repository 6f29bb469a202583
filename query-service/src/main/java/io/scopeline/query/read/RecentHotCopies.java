package io.scopeline.query.read;

import io.lettuce.core.Range;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.service.storage.LazyRedis;
import java.nio.charset.StandardCharsets;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The object keys of a tenant's recent hot copies in Redis (segments not yet indexed, shortcut
 * reports), which the ingest service records in a sorted set. Redis trouble yields no keys: the
 * window is then what the index says, a few seconds less fresh.
 */
public final class RecentHotCopies {
  private final LazyRedis redis;
  private final MeterRegistry meters;

  public RecentHotCopies(LazyRedis redis, MeterRegistry meters) {
    this.redis = redis;
    this.meters = meters;
  }

  /** Keys recorded with a time in [fromNanos, toNanos]. */
  public Mono<List<String>> keys(TenantId tenant, long fromNanos, long toNanos) {
    Range<Double> range = Range.create((double) (fromNanos / 1_000_000L), (double) (toNanos / 1_000_000L));
    return redis.connection()
        .flatMap(c -> c.reactive().zrangebyscore(StorageKeys.recentKey(tenant), range)
            .map(b -> new String(b, StandardCharsets.UTF_8)).collectList())
        .timeout(redis.timeout())
        .onErrorResume(e -> {
          meters.counter("scopeline.query.tier", "tier", "redis", "result", "error").increment();
          redis.reset();
          return Mono.just(List.of());
        });
  }
}
