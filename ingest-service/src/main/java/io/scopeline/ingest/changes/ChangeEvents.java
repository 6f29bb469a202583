package io.scopeline.ingest.changes;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.ingest.config.ChangeProperties;
import io.scopeline.ingest.store.HotCopies;
import io.scopeline.keys.ChangeEvent;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.render.TopologyFacts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderRecord;
import reactor.util.concurrent.Queues;

/**
 * Turns durable segments into change events ({@link TenantChanges}): a tenant's newest segment is
 * looked at most once per {@code interval}, its view rendered ({@link TopologyFacts}) and compared
 * with the tenant's known state; nodes absent for {@code disappearAfter} are swept every few
 * seconds. Events go to the Kafka topic, then the known state to Redis, then to the webhooks. A
 * tenant's state is loaded from Redis on first use, so a restart announces nothing twice; when
 * Kafka does not take a step's events, the tenant's state is dropped and loaded again, so the
 * change is found again on a later segment. Detection never holds up persisting: segments are
 * offered, and dropped (counted) while too many wait.
 */
public final class ChangeEvents implements SmartLifecycle, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeEvents.class);
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
  /** Known state in Redis expires this long after a tenant's last change. */
  private static final Duration STATE_TTL = Duration.ofDays(30);
  private static final int LANES = 4;

  private record Offered(TenantId tenant, Report report, long quantumStart) {}

  private final ChangeProperties props;
  private final HotCopies redis;
  private final KafkaSender<String, byte[]> sender;
  private final Webhooks webhooks;
  private final Scheduler cpu;
  private final LongSupplier clockMillis;
  private final Duration sweepInterval;
  private final Counter events;
  private final Counter dropped;
  private final Counter failed;
  /** When each tenant was last looked at (epoch millis): the throttle. */
  private final Cache<TenantId, Long> lastLooked = Caffeine.newBuilder()
      .expireAfterAccess(Duration.ofHours(1)).maximumSize(1_000_000).build();
  /** Tenants' known states; a tenant idle for an hour is loaded from Redis again when it returns. */
  private final Cache<TenantId, TenantChanges> states = Caffeine.newBuilder()
      .expireAfterAccess(Duration.ofHours(1)).maximumSize(100_000).build();
  /** Made at start: stopping completes it, so what was offered is looked at before the chain ends. */
  private volatile Sinks.Many<Offered> queue;
  private Sinks.Empty<Void> stopping;
  private java.util.concurrent.CountDownLatch finished;
  private volatile Disposable running;

  /** {@code sender} null: change events are off, and nothing is offered. */
  public ChangeEvents(ChangeProperties props, HotCopies redis, KafkaSender<String, byte[]> sender, Scheduler cpu,
      MeterRegistry meters, LongSupplier clockMillis, Duration sweepInterval, Duration webhookBackoff) {
    this.props = props;
    this.redis = redis;
    this.sender = sender;
    this.cpu = cpu;
    this.clockMillis = clockMillis;
    this.sweepInterval = sweepInterval;
    this.webhooks = new Webhooks(props, meters, webhookBackoff);
    this.events = Counter.builder("scopeline.changes.events").description("change events sent").register(meters);
    this.dropped = Counter.builder("scopeline.changes.dropped")
        .description("durable segments not looked at because too many were waiting").register(meters);
    this.failed = Counter.builder("scopeline.changes.failed")
        .description("steps whose events Kafka did not take (found again later)").register(meters);
  }

  public boolean enabled() {
    return sender != null;
  }

  /**
   * Offers a durable segment of {@code tenant}; returns at once. Looked at only when the tenant's
   * last look is {@code interval} old.
   */
  public void offer(TenantId tenant, Report report, long quantumStart) {
    Sinks.Many<Offered> to = queue;
    if (sender == null || to == null) {
      return;
    }
    long now = clockMillis.getAsLong();
    Long last = lastLooked.getIfPresent(tenant);
    if (last != null && now - last < props.interval().toMillis()) {
      return;
    }
    lastLooked.put(tenant, now);
    Sinks.EmitResult r;
    synchronized (to) {
      r = to.tryEmitNext(new Offered(tenant, report, quantumStart));
    }
    if (r.isFailure()) {
      dropped.increment();
    }
  }

  /** Looks at one offered segment: the tenant's events of it are sent and remembered. */
  private Mono<Void> look(Offered o) {
    return state(o.tenant())
        .flatMap(state -> Mono.fromCallable(() -> TopologyFacts.of(o.report(), props.view()))
            .subscribeOn(cpu)
            .map(facts -> {
              synchronized (state) {
                boolean wasFull = state.full();
                TenantChanges.Outcome out = state.observe(facts, o.quantumStart(), clockMillis.getAsLong(),
                    props.debounce(), props.maxRemembered());
                if (!wasFull && state.full()) {
                  log.warn("Change events: tenant {} has {} edges and external destinations remembered; new ones are"
                      + " not announced (scopeline.changes.max-remembered)", o.tenant().value(), props.maxRemembered());
                }
                return out;
              }
            })
            .flatMap(out -> emit(o.tenant(), out)))
        .onErrorResume(e -> {
          log.debug("Change events of {} skipped: {}", o.tenant().value(), e.toString());
          return Mono.empty();
        });
  }

  /** Every known tenant's nodes absent long enough disappear. */
  private Mono<Void> sweep() {
    long now = clockMillis.getAsLong();
    return Flux.fromIterable(List.copyOf(states.asMap().entrySet()))
        .concatMap(e -> {
          TenantChanges.Outcome out;
          synchronized (e.getValue()) {
            out = e.getValue().sweep(now, props.disappearAfter(), props.debounce());
          }
          return emit(e.getKey(), out);
        })
        .then();
  }

  /** Sends the events, then remembers the state; when Kafka fails, forgets the tenant's state instead. */
  private Mono<Void> emit(TenantId tenant, TenantChanges.Outcome out) {
    if (out.isEmpty()) {
      return Mono.empty();
    }
    String key = StorageKeys.changesKey(tenant);
    return Flux.fromIterable(out.events())
        .map(e -> SenderRecord.create(new ProducerRecord<>(props.topic(), tenant.value(),
            e.toJson().getBytes(StandardCharsets.UTF_8)), e.id()))
        .as(sender::send)
        .timeout(SEND_TIMEOUT)
        .then(Mono.defer(() -> redis.hsetAll(key, out.remember(), STATE_TTL)))
        .then(Mono.defer(() -> out.forget().isEmpty() ? Mono.<Void>empty()
            : redis.hdel(key, out.forget().toArray(String[]::new))))
        .doOnSuccess(v -> {
          events.increment(out.events().size());
          out.events().forEach(e -> log.info("Change: {} {} {}{}", tenant.value(), e.kind(), e.subject(),
              e.target() == null ? "" : " -> " + e.target()));
          webhooks.send(tenant.value(), out.events());
        })
        .onErrorResume(e -> {
          failed.increment();
          states.invalidate(tenant);
          log.warn("Change events of {} not sent ({}); they are looked for again", tenant.value(), e.toString());
          return Mono.empty();
        });
  }

  /** The tenant's known state: in memory, else loaded from Redis (fails when Redis does: no guessing). */
  private Mono<TenantChanges> state(TenantId tenant) {
    TenantChanges known = states.getIfPresent(tenant);
    if (known != null) {
      return Mono.just(known);
    }
    return redis.hgetallOrFail(StorageKeys.changesKey(tenant))
        .map(hash -> states.asMap().computeIfAbsent(tenant,
            t -> TenantChanges.restore(t, props.view(), hash, clockMillis.getAsLong())));
  }

  @Override
  public synchronized void start() {
    if (running != null || sender == null) {
      return;
    }
    webhooks.start();
    Sinks.Many<Offered> offered = Sinks.many().unicast().onBackpressureBuffer(Queues.<Offered>get(4096).get());
    stopping = Sinks.empty();
    finished = new java.util.concurrent.CountDownLatch(1);
    Flux<Void> looks = offered.asFlux()
        .groupBy(o -> Math.floorMod(o.tenant().hashCode(), LANES))
        .flatMap(lane -> lane.concatMap(this::look), LANES);
    Flux<Void> sweeps = Flux.interval(sweepInterval)
        .takeUntilOther(stopping.asMono())
        .onBackpressureDrop()
        .concatMap(i -> sweep().onErrorResume(e -> Mono.empty()), 1);
    var done = finished;
    running = Flux.merge(looks, sweeps).doFinally(signal -> done.countDown()).subscribe();
    queue = offered;
    log.info("Change events on: view {}, to topic {} and {} webhooks", props.view(), props.topic(),
        props.webhooks().size());
  }

  /**
   * Stops taking segments and lets what is under way finish (up to 10 s): an event sent is then
   * also remembered, so the next start does not send it again.
   */
  @Override
  public synchronized void stop() {
    Sinks.Many<Offered> offered = queue;
    if (running != null && offered != null) {
      queue = null;
      synchronized (offered) {
        offered.tryEmitComplete();
      }
      stopping.tryEmitEmpty();
      try {
        if (!finished.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
          log.warn("Change events still under way after 10 s are cut short; they may be sent again after the restart");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      running.dispose();
      running = null;
    }
    webhooks.close();
  }

  @Override
  public boolean isRunning() {
    return running != null;
  }

  @Override
  public void close() {
    stop();
    if (sender != null) {
      sender.close();
    }
  }

  /** Known nodes of a tenant, for tests; -1 when not loaded. */
  int knownNodes(TenantId tenant) {
    TenantChanges s = states.getIfPresent(tenant);
    return s == null ? -1 : s.nodeCount();
  }

  /** Forgets every tenant's in-memory state, as a restart would. */
  void forgetInMemory() {
    states.invalidateAll();
    lastLooked.invalidateAll();
  }
}
