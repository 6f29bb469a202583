package io.scopeline.ingest.changes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.ingest.config.ChangeProperties;
import io.scopeline.keys.ChangeEvent;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.util.concurrent.Queues;
import reactor.util.retry.Retry;

/**
 * POSTs change events to the configured webhooks: one JSON body {@code {"events": [...]}} per
 * tenant and batch, signed ({@code X-Scopeline-Signature: sha256=<hex HMAC-SHA256 of the body>}),
 * retried with backoff on connection errors, 5xx and 429, up to {@code webhookAttempts} times.
 * Deliveries queue apart from detection, so a slow receiver holds up neither ingest nor Kafka;
 * at shutdown those queued are made first, for a while.
 */
final class Webhooks implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
  static final String SIGNATURE = "X-Scopeline-Signature";
  static final String DELIVERY = "X-Scopeline-Delivery";
  private static final int CONCURRENT = 4;

  private record Delivery(ChangeProperties.Webhook hook, byte[] body, String id) {}

  /** A response that is worth trying again. */
  private static final class Retryable extends RuntimeException {
    Retryable(String message) {
      super(message, null, false, false);
    }
  }

  private final ChangeProperties props;
  private final HttpClient http = HttpClient.create().responseTimeout(Duration.ofSeconds(10));
  /** Deliveries waiting or under way; null while stopped. */
  private volatile Sinks.Many<Delivery> queue;
  private final AtomicInteger pending = new AtomicInteger();
  private CountDownLatch drained;
  private final Counter delivered;
  private final Counter failed;
  private final Counter dropped;
  private final Duration firstBackoff;
  private Disposable worker;

  Webhooks(ChangeProperties props, MeterRegistry meters, Duration firstBackoff) {
    this.props = props;
    this.firstBackoff = firstBackoff;
    this.delivered = Counter.builder("scopeline.changes.webhooks.delivered").description("webhook deliveries taken")
        .register(meters);
    this.failed = Counter.builder("scopeline.changes.webhooks.failed")
        .description("webhook deliveries given up after every attempt").register(meters);
    this.dropped = Counter.builder("scopeline.changes.webhooks.dropped")
        .description("webhook deliveries dropped because too many were waiting").register(meters);
  }

  /** The signature header's value for {@code body} under {@code secret}. */
  static String signature(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by the JDK", e);
    }
  }

  synchronized void start() {
    if (worker == null && !props.webhooks().isEmpty()) {
      Sinks.Many<Delivery> q = Sinks.many().unicast().onBackpressureBuffer(Queues.<Delivery>get(10_000).get());
      CountDownLatch done = new CountDownLatch(1);
      drained = done;
      queue = q;
      worker = q.asFlux().flatMap(this::deliver, CONCURRENT).doFinally(s -> done.countDown()).subscribe();
    }
  }

  /** Queues the events (all of one tenant) for every webhook that wants them. */
  void send(String tenant, List<ChangeEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    for (ChangeProperties.Webhook hook : props.webhooks()) {
      if (!hook.wants(tenant)) {
        continue;
      }
      byte[] body = io.scopeline.codec.JsonObjects.object(g -> {
        g.writeArrayPropertyStart("events");
        for (ChangeEvent e : events) {
          g.writeRawValue(e.toJson());
        }
        g.writeEndArray();
      }).getBytes(StandardCharsets.UTF_8);
      Sinks.Many<Delivery> q = queue;
      Sinks.EmitResult r = Sinks.EmitResult.FAIL_TERMINATED;
      pending.incrementAndGet(); // before the emit: the delivery may finish before it returns
      if (q != null) {
        synchronized (q) {
          r = q.tryEmitNext(new Delivery(hook, body, events.get(0).id()));
        }
      }
      if (r.isFailure()) {
        pending.decrementAndGet();
        dropped.increment();
      }
    }
  }

  private Mono<Void> deliver(Delivery d) {
    java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable settle = () -> {
      if (settled.compareAndSet(false, true)) {
        pending.decrementAndGet();
      }
    };
    return Mono.defer(() -> http.headers(h -> h.set("Content-Type", "application/json")
                .set(SIGNATURE, signature(d.hook().secret(), d.body())).set(DELIVERY, d.id()))
            .post().uri(d.hook().url())
            .send(Mono.just(io.netty.buffer.Unpooled.wrappedBuffer(d.body())))
            .responseSingle((response, content) -> content.then(Mono.just(response.status().code()))))
        .flatMap(code -> {
          if (code >= 200 && code < 300) {
            return Mono.<Void>empty();
          }
          return Mono.error(code >= 500 || code == 429 ? new Retryable(d.hook().url() + " answered " + code)
              : new IllegalStateException(d.hook().url() + " answered " + code + " (not retried)"));
        })
        .retryWhen(Retry.backoff(props.webhookAttempts() - 1, firstBackoff).maxBackoff(Duration.ofMinutes(1))
            .filter(e -> !(e instanceof IllegalStateException)))
        .doOnSuccess(v -> delivered.increment())
        .onErrorResume(e -> {
          failed.increment();
          log.warn("Webhook delivery {} to {} given up: {}", d.id(), d.hook().url(),
              (e.getCause() != null && reactor.core.Exceptions.isRetryExhausted(e) ? e.getCause() : e).toString());
          return Mono.empty();
        })
        // Before the completion travels on (doFinally would run after it): the worker's own end, which
        // close() waits for, must not be seen while a finished delivery still counts as pending.
        .doOnTerminate(settle)
        .doOnCancel(settle); // once: a cancel may follow the end (dispose after the drain timeout)
  }

  /** Deliveries queued or under way. */
  int pending() {
    return pending.get();
  }

  /**
   * Stops taking deliveries and makes those already queued, for up to
   * {@code webhookDrainTimeout}; the rest are dropped (and counted, and logged).
   */
  @Override
  public synchronized void close() {
    if (worker == null) {
      return;
    }
    Sinks.Many<Delivery> q = queue;
    queue = null;
    synchronized (q) {
      q.tryEmitComplete();
    }
    try {
      if (!drained.await(props.webhookDrainTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        int left = pending.get();
        dropped.increment(left);
        log.warn("{} webhook deliveries not made within {} of shutdown are dropped (the Kafka topic has their events)",
            left, props.webhookDrainTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    worker.dispose();
    worker = null;
  }
}
