package io.scopeline.service.storage;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * A Redis connection made on first use and made again after a failure, so a service starts and
 * keeps running while Redis is down. Commands fail at once while disconnected instead of queueing.
 */
public final class LazyRedis implements AutoCloseable {
  private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final RedisClient client = RedisClient.create();
  private final RedisURI uri;
  private final Duration timeout;
  private final AtomicReference<Mono<StatefulRedisConnection<String, byte[]>>> connection = new AtomicReference<>();
  /** The connection the current attempt made, so a reset can close it instead of leaking it. */
  private final AtomicReference<StatefulRedisConnection<String, byte[]>> established = new AtomicReference<>();

  public LazyRedis(StorageProperties props) {
    this.uri = RedisURI.create(props.redis().uri());
    this.timeout = props.redis().commandTimeout();
    uri.setTimeout(timeout);
    client.setOptions(ClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
  }

  /** The connection (string keys, byte values), connecting when needed. */
  public Mono<StatefulRedisConnection<String, byte[]>> connection() {
    Mono<StatefulRedisConnection<String, byte[]>> current = connection.get();
    if (current != null) {
      return current;
    }
    Mono<StatefulRedisConnection<String, byte[]>> fresh =
        Mono.fromFuture(() -> client.connectAsync(CODEC, uri).toCompletableFuture())
            .doOnNext(c -> closeQuietly(established.getAndSet(c)))
            .cache();
    return connection.compareAndSet(null, fresh) ? fresh : connection.get();
  }

  /**
   * A new publish/subscribe connection (string messages); Lettuce reconnects it and restores its
   * subscriptions after a Redis restart.
   */
  public Mono<io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String>> pubSub() {
    return Mono.fromFuture(() -> client.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture());
  }

  /**
   * A new connection of its own (string keys, byte values) whose commands may take up to
   * {@code timeout}, for blocking reads that must not hold up the shared connection; the caller closes it.
   */
  public Mono<StatefulRedisConnection<String, byte[]>> dedicated(Duration timeout) {
    return Mono.fromFuture(() -> client.connectAsync(CODEC, uri).toCompletableFuture())
        .doOnNext(c -> c.setTimeout(timeout));
  }

  /**
   * Forget the connection after a failure, so the next use connects again; the old one is closed
   * (a command that timed out on a blackholed Redis leaves its TCP connection open otherwise).
   */
  public void reset() {
    connection.set(null);
    closeQuietly(established.getAndSet(null));
  }

  private static void closeQuietly(StatefulRedisConnection<String, byte[]> c) {
    if (c != null) {
      c.closeAsync();
    }
  }

  public Duration timeout() {
    return timeout;
  }

  @Override
  public void close() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
