package io.scopeline.query.api;

import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.service.storage.LazyRedis;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/** The liveness table the ingest service keeps per tenant in Redis: probe id → its status JSON. */
public final class ProbeStatusTable {
  private final LazyRedis redis;

  public ProbeStatusTable(LazyRedis redis) {
    this.redis = redis;
  }

  /** Probe id → raw status JSON; empty when Redis is unreachable (liveness is then unknown). */
  public Mono<Map<String, String>> read(TenantId tenant) {
    return redis.connection().flatMap(c -> c.reactive().hgetall(StorageKeys.probeStatusKey(tenant))
            .collectMap(kv -> kv.getKey(), kv -> new String(kv.getValue(), StandardCharsets.UTF_8)))
        .timeout(redis.timeout())
        .onErrorResume(e -> {
          redis.reset();
          return Mono.just(Map.of());
        })
        .defaultIfEmpty(new HashMap<>());
  }
}
