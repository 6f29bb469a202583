package io.scopeline.service.control;

import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.reactive.ChannelMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.control.ControlWire;
import io.scopeline.keys.TenantId;
import io.scopeline.service.storage.LazyRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * Routes control requests to the probe they name, wherever its control socket is: on this replica
 * directly, else through Redis. A replica holding a probe's socket subscribes to that probe's
 * channel; a request is published there with the channel the answer should come back on, so a
 * request for a probe no replica holds is refused at once (no one received it) and one whose
 * answer does not come is refused at the timeout.
 */
public final class ControlRouter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlRouter.class);

  /** A request forwarded to the replica holding the probe; the answer goes to {@code replyTo}. */
  record Forwarded(String id, String replyTo, ControlWire.Request request) {}

  /** The answer to a forwarded request: a probe's response, or why there is none. */
  record Answer(String id, ControlWire.Response response, String error) {}

  private final LazyRedis redis;
  private final String appId;
  private final String replyChannel;
  private final Duration timeout;
  /** This replica's probe sockets by the channel their requests come on (which names tenant and probe). */
  private final Map<String, ProbeLink> local = new ConcurrentHashMap<>();
  private final Map<String, Sinks.One<Answer>> awaiting = new ConcurrentHashMap<>();
  private final Counter localCalls;
  private final Counter remoteCalls;
  private final Counter failedCalls;
  private volatile StatefulRedisPubSubConnection<String, String> current;
  private volatile Disposable listening;

  /**
   * @param redis publishes requests and answers, and makes this replica's one subscription connection
   * @param appId this app's id, sent to probes with every request as Scope's app does
   */
  public ControlRouter(LazyRedis redis, String appId, ControlProperties props,
      MeterRegistry meters) {
    this.redis = redis;
    this.appId = appId;
    this.replyChannel = ControlKeys.replyChannel(appId);
    this.timeout = props.timeout();
    this.localCalls = Counter.builder("scopeline.control.requests").tag("route", "local")
        .description("control requests sent to a probe connected to this replica").register(meters);
    this.remoteCalls = Counter.builder("scopeline.control.requests").tag("route", "remote")
        .description("control requests forwarded through Redis to the replica holding the probe").register(meters);
    this.failedCalls = Counter.builder("scopeline.control.failures")
        .description("control requests that got no answer: probe not connected, gone, or too slow").register(meters);
    meters.gaugeMapSize("scopeline.control.probes", java.util.List.of(), local);
  }

  /** Starts taking forwarded requests and answers; the subscription is made again after Redis trouble. */
  public void start() {
    listening = Flux.usingWhen(redis.pubSub(),
            c -> {
              current = c;
              String[] channels = java.util.stream.Stream.concat(java.util.stream.Stream.of(replyChannel),
                  local.keySet().stream()).toArray(String[]::new);
              return c.reactive().subscribe(channels)
                  .doOnSuccess(v -> log.info("Taking control requests for {} connected probes", channels.length - 1))
                  .thenMany(c.reactive().observeChannels());
            },
            c -> Mono.fromFuture(c.closeAsync()))
        .flatMap(this::received, 64)
        .doOnError(e -> {
          current = null;
          log.warn("Control subscription failed, will retry: {}", e.toString());
        })
        .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(10)))
        .subscribe();
  }

  /** Whether requests for probes on other replicas can be routed now. */
  public boolean connected() {
    var c = current;
    return c != null && c.isOpen();
  }

  /** Makes {@code link} the probe's control socket (a reconnecting probe replaces its old one). */
  public Mono<Void> register(ProbeLink link) {
    String channel = ControlKeys.probeChannel(link.tenant(), link.probeId());
    ProbeLink before = local.put(channel, link);
    if (before != null) {
      before.close();
    }
    var c = current;
    if (c == null) {
      return Mono.empty();
    }
    return c.reactive().subscribe(channel)
        .onErrorResume(e -> {
          log.warn("Probe {} of {} takes control requests only on this replica for now: {}", link.probeId(),
              link.tenant(), e.toString());
          return Mono.empty();
        });
  }

  /** The socket of {@code link} closed; a newer socket of the same probe stays registered. */
  public Mono<Void> deregister(ProbeLink link) {
    String channel = ControlKeys.probeChannel(link.tenant(), link.probeId());
    link.close();
    var c = current;
    if (!local.remove(channel, link) || c == null) {
      return Mono.empty();
    }
    return c.reactive().unsubscribe(channel)
        .onErrorResume(e -> Mono.empty());
  }

  /** Sends {@code request} to the probe and gives its answer; a {@link ControlException} says why there is none. */
  public Mono<ControlWire.Response> handle(TenantId tenant, String probeId, ControlWire.Request request) {
    ControlWire.Request stamped = new ControlWire.Request(appId, request.nodeId(), request.control(), request.args());
    ProbeLink link = local.get(ControlKeys.probeChannel(tenant, probeId));
    Mono<ControlWire.Response> answer;
    if (link != null) {
      localCalls.increment();
      answer = link.call(stamped, timeout);
    } else {
      remoteCalls.increment();
      answer = forward(tenant, probeId, stamped);
    }
    return answer.doOnError(e -> failedCalls.increment());
  }

  private Mono<ControlWire.Response> forward(TenantId tenant, String probeId, ControlWire.Request request) {
    String id = UUID.randomUUID().toString();
    Sinks.One<Answer> answer = Sinks.one();
    byte[] message = ControlWire.write(new Forwarded(id, replyChannel, request)).getBytes(StandardCharsets.UTF_8);
    return Mono.defer(() -> {
          awaiting.put(id, answer);
          if (!connected()) {
            return Mono.error(new ControlException("probe " + probeId
                + " is not connected to this replica, and other replicas cannot be reached right now"));
          }
          return redis.connection().flatMap(c -> c.reactive().publish(ControlKeys.probeChannel(tenant, probeId), message))
              .onErrorMap(e -> !(e instanceof ControlException), e -> new ControlException(
                  "probe " + probeId + " cannot be reached right now (Redis: " + e.getClass().getSimpleName() + ")"));
        })
        .flatMap(receivers -> receivers == 0
            ? Mono.error(new ControlException("probe " + probeId + " is not connected right now"))
            : answer.asMono().timeout(timeout, Mono.error(() -> new ControlException(
                "probe " + probeId + " did not answer " + request.control() + " within " + timeout.toSeconds() + "s"))))
        .flatMap(a -> a.error() != null ? Mono.error(new ControlException(a.error())) : Mono.just(a.response()))
        .doFinally(s -> awaiting.remove(id));
  }

  private Mono<Void> received(ChannelMessage<String, String> m) {
    try {
      if (m.getChannel().equals(replyChannel)) {
        Answer a = ControlWire.read(m.getMessage(), Answer.class);
        Sinks.One<Answer> waiting = awaiting.remove(a.id());
        if (waiting != null) {
          waiting.tryEmitValue(a);
        }
        return Mono.empty();
      }
      Forwarded f = ControlWire.read(m.getMessage(), Forwarded.class);
      ProbeLink link = local.get(m.getChannel());
      Mono<Answer> answer = link == null
          ? Mono.just(new Answer(f.id(), null, "probe is not connected right now"))
          : link.call(f.request(), timeout).map(r -> new Answer(f.id(), r, null))
              .onErrorResume(e -> Mono.just(new Answer(f.id(), null, e.getMessage())));
      return answer.flatMap(a -> redis.connection()
              .flatMap(c -> c.reactive().publish(f.replyTo(), ControlWire.write(a).getBytes(StandardCharsets.UTF_8))))
          .then()
          .onErrorResume(e -> {
            log.debug("Answer to forwarded control request {} not sent: {}", f.id(), e.toString());
            return Mono.empty();
          });
    } catch (RuntimeException e) {
      log.warn("Ignoring a malformed control message on {}: {}", m.getChannel(), e.toString());
      return Mono.empty();
    }
  }

  @Override
  public void close() {
    Disposable d = listening;
    if (d != null) {
      d.dispose();
    }
    local.values().forEach(ProbeLink::close);
  }
}
