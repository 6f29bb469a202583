package io.scopeline.ingest.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.service.storage.StorageProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Redis hot copies and notifications. Redis is never the only copy of anything, so every failure
 * here is counted and swallowed: it must not hold up persistence. The connection is made lazily
 * and re-made after a failure, so the service starts and runs while Redis is down.
 */
public class HotCopies implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HotCopies.class);
  private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final RedisClient client;
  private final RedisURI uri;
  private final Duration timeout;
  private final AtomicReference<Mono<StatefulRedisConnection<String, byte[]>>> connection = new AtomicReference<>();
  private final Counter failures;
  private final Counter writes;

  public HotCopies(StorageProperties props, MeterRegistry meters) {
    RedisURI uri = RedisURI.create(props.redis().uri());
    uri.setTimeout(props.redis().commandTimeout());
    this.uri = uri;
    this.client = RedisClient.create();
    // While Redis is down, fail commands at once instead of queueing them in memory.
    client.setOptions(ClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    this.timeout = props.redis().commandTimeout();
    this.failures = Counter.builder("scopeline.ingest.redis.failures")
        .description("Redis writes that failed and were skipped").register(meters);
    this.writes = Counter.builder("scopeline.ingest.redis.writes").description("Redis writes").register(meters);
  }

  private Mono<StatefulRedisConnection<String, byte[]>> connection() {
    Mono<StatefulRedisConnection<String, byte[]>> current = connection.get();
    if (current != null) {
      return current;
    }
    Mono<StatefulRedisConnection<String, byte[]>> fresh =
        Mono.fromFuture(() -> client.connectAsync(CODEC, uri).toCompletableFuture()).cache();
    return connection.compareAndSet(null, fresh) ? fresh : connection.get();
  }

  private <T> Mono<Void> guarded(Mono<T> op, String what) {
    return op.timeout(timeout).doOnSuccess(v -> writes.increment()).then().onErrorResume(e -> {
      failures.increment();
      connection.set(null);
      log.debug("Redis {} failed (skipped): {}", what, e.toString());
      return Mono.empty();
    });
  }

  /** Stores {@code bytes} under {@code key} for {@code ttl}; never fails. */
  public Mono<Void> put(String key, byte[] bytes, Duration ttl) {
    return guarded(connection().flatMap(c -> c.reactive().psetex(key, ttl.toMillis(), bytes)), "SET " + key);
  }

  /** Sets one field of a hash; never fails. */
  public Mono<Void> hset(String key, String field, byte[] value) {
    return guarded(connection().flatMap(c -> c.reactive().hset(key, field, value)), "HSET " + key);
  }

  /** True when Redis answers PING (for health); never fails. */
  public Mono<Boolean> ping() {
    return connection().flatMap(c -> c.reactive().ping()).timeout(timeout).map("PONG"::equals)
        .onErrorResume(e -> {
          connection.set(null);
          return Mono.just(false);
        });
  }

  /** Publishes {@code message} on {@code channel}; never fails. */
  public Mono<Void> publish(String channel, String message) {
    return guarded(connection().flatMap(c -> c.reactive().publish(channel, message.getBytes(StandardCharsets.UTF_8))),
        "PUBLISH " + channel);
  }

  @Override
  public void close() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
