package io.scopeline.query.live;

import io.lettuce.core.pubsub.api.reactive.PatternMessage;
import io.scopeline.keys.Announcement;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.service.storage.LazyRedis;
import java.time.Duration;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Every tenant's announcements through one Redis pattern subscription per replica (not one
 * connection per tenant). The subscription is made again after Redis trouble; while it is down,
 * {@link #connected()} is false and readers must find new data in the index themselves.
 */
public final class Announcements implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Announcements.class);

  /** An announcement of a tenant. */
  public record Received(TenantId tenant, Announcement announcement) {}

  private final LazyRedis redis;
  private volatile io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String> current;
  private volatile Disposable subscription;

  public Announcements(LazyRedis redis) {
    this.redis = redis;
  }

  /** Subscribes and hands each announcement to {@code handler}, at most {@code concurrency} at a time. */
  public void start(BiFunction<TenantId, Announcement, Mono<Void>> handler, int concurrency) {
    subscription = received()
        .flatMap(r -> handler.apply(r.tenant(), r.announcement())
            .onErrorResume(e -> {
              log.debug("Announcement {} of {} not applied: {}", r.announcement(), r.tenant(), e.toString());
              return Mono.empty();
            }), concurrency)
        .subscribe();
  }

  /**
   * Whether the subscription is up. Lettuce reconnects and subscribes again by itself; what is
   * published while it is disconnected is lost, which is why readers reconcile more often then.
   */
  public boolean connected() {
    var c = current;
    return c != null && c.isOpen();
  }

  Flux<Received> received() {
    return Flux.usingWhen(redis.pubSub(),
            c -> c.reactive().psubscribe(StorageKeys.NOTIFICATION_PATTERN)
                .doOnSuccess(v -> {
                  current = c;
                  log.info("Subscribed to announcements ({})", StorageKeys.NOTIFICATION_PATTERN);
                })
                .thenMany(c.reactive().observePatterns()),
            c -> Mono.fromFuture(c.closeAsync()))
        .concatMap(this::parse)
        .doOnError(e -> {
          current = null;
          log.warn("Announcement subscription failed, will retry: {}", e.toString());
        })
        .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(10)))
        .doFinally(s -> current = null);
  }

  private Mono<Received> parse(PatternMessage<String, String> m) {
    TenantId tenant = StorageKeys.tenantOfNotificationChannel(m.getChannel());
    Announcement a = tenant == null ? null : Announcement.parse(m.getMessage());
    return a == null ? Mono.empty() : Mono.just(new Received(tenant, a));
  }

  @Override
  public void close() {
    Disposable s = subscription;
    if (s != null) {
      s.dispose();
    }
  }
}
