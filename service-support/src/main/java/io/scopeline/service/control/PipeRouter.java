package io.scopeline.service.control;

import io.lettuce.core.SetArgs;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.scopeline.keys.TenantId;
import io.scopeline.service.storage.LazyRedis;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Pipes (terminals, log streams) between a browser and a probe that may be connected to different
 * replicas. Each direction of a pipe is a Redis stream: an end appends the frames it receives to
 * the stream toward the other end and reads the stream toward itself, so frames sent before the
 * other end connects wait for it (as Scope's in-memory pipe makes the writer wait). Closing writes
 * a marker to both streams, which ends both readers, and leaves a tombstone that refuses the pipe
 * from then on.
 */
public final class PipeRouter {
  private static final String DATA = "d";
  private static final String CLOSE = "close";

  private final LazyRedis redis;
  private final ControlProperties props;

  public PipeRouter(LazyRedis redis, ControlProperties props) {
    this.redis = redis;
    this.props = props;
  }

  /** Whether the pipe has been closed (and is still remembered). */
  public Mono<Boolean> closed(TenantId tenant, String pipeId) {
    return redis.connection().flatMap(c -> c.reactive().exists(ControlKeys.pipeClosed(tenant, pipeId)))
        .map(n -> n > 0);
  }

  /** Closes the pipe: both ends' sockets close, and the pipe is refused until its tombstone expires. */
  public Mono<Void> close(TenantId tenant, String pipeId, String reason) {
    byte[] why = reason.getBytes(StandardCharsets.UTF_8);
    return redis.connection().flatMap(c -> c.reactive()
            .set(ControlKeys.pipeClosed(tenant, pipeId), why, SetArgs.Builder.ex(props.pipeTombstone()))
            .then(append(c, ControlKeys.pipeStream(tenant, pipeId, PipeEnd.UI), CLOSE, why))
            .then(append(c, ControlKeys.pipeStream(tenant, pipeId, PipeEnd.PROBE), CLOSE, why)))
        .then();
  }

  /** Sends a frame that arrived at {@code from} toward the other end. */
  public Mono<Void> send(TenantId tenant, String pipeId, PipeEnd from, byte[] frame) {
    return redis.connection()
        .flatMap(c -> append(c, ControlKeys.pipeStream(tenant, pipeId, from.other()), DATA, frame))
        .then();
  }

  private Mono<Boolean> append(StatefulRedisConnection<String, byte[]> c, String stream, String field, byte[] value) {
    return c.reactive()
        .xadd(stream, XAddArgs.Builder.maxlen(props.pipeBacklog()).approximateTrimming(), Map.of(field, value))
        .then(c.reactive().expire(stream, props.pipeTombstone()));
  }

  /**
   * The frames travelling toward {@code at}, from the first, on a connection of its own (its reads
   * block in Redis until data comes); completes when the pipe is closed.
   */
  public Flux<byte[]> receive(TenantId tenant, String pipeId, PipeEnd at) {
    String stream = ControlKeys.pipeStream(tenant, pipeId, at);
    XReadArgs args = XReadArgs.Builder.block(props.pipeReadBlock()).count(256);
    return Flux.usingWhen(redis.dedicated(props.pipeReadBlock().plus(redis.timeout())),
        c -> {
          AtomicReference<String> after = new AtomicReference<>("0");
          return Flux.defer(() -> c.reactive().xread(args, XReadArgs.StreamOffset.from(stream, after.get())))
              .doOnNext(m -> after.set(m.getId()))
              .repeat()
              .takeUntil(m -> m.getBody().containsKey(CLOSE))
              .filter(m -> m.getBody().containsKey(DATA))
              .map(m -> m.getBody().get(DATA));
        },
        c -> Mono.fromFuture(c.closeAsync()));
  }

  /** Notes that {@code end} is connected now; a pipe whose other end is not seen for a while is closed. */
  public Mono<Void> seen(TenantId tenant, String pipeId, PipeEnd end) {
    return redis.connection().flatMap(c -> c.reactive().set(ControlKeys.pipeSeen(tenant, pipeId, end),
        new byte[] {1}, SetArgs.Builder.ex(props.pipeIdleTimeout()))).then();
  }

  /** Whether {@code end} has been connected within the idle timeout. */
  public Mono<Boolean> recentlySeen(TenantId tenant, String pipeId, PipeEnd end) {
    return redis.connection().flatMap(c -> c.reactive().exists(ControlKeys.pipeSeen(tenant, pipeId, end)))
        .map(n -> n > 0);
  }

  public ControlProperties props() {
    return props;
  }
}
