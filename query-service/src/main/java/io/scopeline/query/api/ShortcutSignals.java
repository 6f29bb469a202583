package io.scopeline.query.api;

import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.service.storage.LazyRedis;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Shortcut announcements of a tenant (the ingest side publishes them on the tenant's Redis channel
 * the moment a container starts or stops). One subscription per tenant is shared by all of that
 * tenant's WebSocket clients; it re-subscribes after Redis trouble.
 */
public final class ShortcutSignals {
  private static final Logger log = LoggerFactory.getLogger(ShortcutSignals.class);

  private final LazyRedis redis;
  private final Map<TenantId, Flux<String>> byTenant = new ConcurrentHashMap<>();

  public ShortcutSignals(LazyRedis redis) {
    this.redis = redis;
  }

  /** Emits the key of each shortcut report of {@code tenant} as it is announced. */
  public Flux<String> of(TenantId tenant) {
    return byTenant.computeIfAbsent(tenant, this::subscribe);
  }

  private Flux<String> subscribe(TenantId tenant) {
    String channel = StorageKeys.notificationChannel(tenant);
    return Flux.usingWhen(redis.pubSub(),
            c -> c.reactive().subscribe(channel)
                .thenMany(c.reactive().observeChannels().filter(m -> channel.equals(m.getChannel()))
                    .map(m -> m.getMessage())),
            c -> Mono.fromFuture(c.closeAsync()))
        .filter(message -> message.contains("\"type\":\"shortcut\""))
        .doOnError(e -> log.debug("Shortcut subscription of {} failed, will retry: {}", tenant, e.toString()))
        .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30)))
        .doFinally(s -> byTenant.remove(tenant))
        .publish()
        .refCount();
  }
}
