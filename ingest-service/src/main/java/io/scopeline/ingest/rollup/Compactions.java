package io.scopeline.ingest.rollup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scopeline.ingest.config.KafkaProperties;
import io.scopeline.ingest.config.RollupProperties;
import io.scopeline.keys.CompactionRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.ReceiverOptions;
import reactor.kafka.receiver.ReceiverRecord;
import reactor.util.retry.Retry;

/**
 * Takes compaction requests from the compactions topic; each waits for its own hour to be due,
 * then is compacted ({@link HourCompactor}, at most {@value #CONCURRENT} at a time) unless the
 * hour's roll-up row says a compaction that started after the request already covered it. A
 * partition is committed only past requests that are done ({@link CommitPoints}), so one taken
 * over after a crash is done again, harmlessly.
 */
public final class Compactions implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(Compactions.class);
  /** Compactions run at once: they share the decode pool with ingest. */
  private static final int CONCURRENT = 2;
  /** Requests held waiting for their hour (a small JSON each): beyond it, intake waits. */
  private static final int MAX_WAITING = 100_000;

  private final HourCompactor compactor;
  private final RollupProperties props;
  private final KafkaProperties kafka;
  private final LongSupplier clockMillis;
  private final Counter compacted;
  private final Counter skipped;
  private final Counter quanta;
  private final Timer duration;
  private final CommitPoints commits = new CommitPoints();
  private final boolean enabled;
  private volatile Disposable running;

  /** {@code enabled}: false when roll-ups are off or their topic is missing; then it never starts. */
  public Compactions(HourCompactor compactor, RollupProperties props, KafkaProperties kafka, MeterRegistry meters,
      LongSupplier clockMillis, boolean enabled) {
    this.enabled = enabled;
    this.compactor = compactor;
    this.props = props;
    this.kafka = kafka;
    this.clockMillis = clockMillis;
    this.compacted = Counter.builder("scopeline.rollups.compactions").description("tenant-hours compacted")
        .register(meters);
    this.skipped = Counter.builder("scopeline.rollups.requests.skipped")
        .description("compaction requests already covered, or unreadable").register(meters);
    this.quanta = Counter.builder("scopeline.rollups.quanta").description("quanta merged into roll-ups")
        .register(meters);
    this.duration = Timer.builder("scopeline.rollups.compaction").description("time to compact a tenant-hour")
        .register(meters);
    io.micrometer.core.instrument.Gauge.builder("scopeline.rollups.requests.waiting", commits, CommitPoints::waiting)
        .description("compaction requests taken and not done").register(meters);
  }

  private ReceiverOptions<String, byte[]> options() {
    Map<String, Object> p = new HashMap<>(kafka.clientConfig());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.consumerGroup() + "-compactor");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    return ReceiverOptions.<String, byte[]>create(p)
        .withKeyDeserializer(new StringDeserializer())
        .withValueDeserializer(new ByteArrayDeserializer())
        .commitInterval(Duration.ZERO).commitBatchSize(0)
        // Requests wait up to an hour: a rebalance must not wait for them.
        .maxDelayRebalance(Duration.ZERO)
        .addRevokeListener(revoked -> revoked.forEach(r -> commits.revoked(r.topicPartition())))
        .subscription(List.of(props.topic()));
  }

  @Override
  public synchronized void start() {
    if (running != null || !enabled) {
      return;
    }
    running = Flux.defer(() -> {
          commits.clear();
          return KafkaReceiver.create(options()).receive();
        })
        .doOnNext(r -> commits.taken(r.receiverOffset()))
        // Each request waits for its own hour, so one for an hour still running holds up none
        // for an hour already due.
        .flatMap(r -> Mono.delay(Duration.ofMillis(Math.max(0, waitMillis(r)))).thenReturn(r), MAX_WAITING)
        .flatMap(r -> handle(r).then(Mono.defer(() -> commit(r))), CONCURRENT)
        // A failure of the consumer itself (not of a compaction, which retries in place) restarts
        // it from the last committed request.
        .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30))
            .doBeforeRetry(s -> log.warn("Compaction consumer failed, restarting: {}", s.failure().toString())))
        .subscribe();
  }

  private long waitMillis(ReceiverRecord<String, byte[]> r) {
    CompactionRequest request = parse(r);
    return request == null ? 0
        : CompactionRequests.dueMillis(request.hourStartNanos(), props.margin()) - clockMillis.getAsLong();
  }

  private static CompactionRequest parse(ReceiverRecord<String, byte[]> r) {
    return CompactionRequest.parse(new String(r.value() == null ? new byte[0] : r.value(), StandardCharsets.UTF_8));
  }

  private Mono<Void> commit(ReceiverRecord<String, byte[]> r) {
    var through = commits.finished(r.receiverOffset());
    return through == null ? Mono.empty() : through.commit()
        // A partition revoked meanwhile cannot be committed here; its new owner replays the rest.
        .onErrorResume(e -> {
          log.debug("Commit of compaction requests failed (replayed by the next owner): {}", e.toString());
          return Mono.empty();
        });
  }

  private Mono<Void> handle(ReceiverRecord<String, byte[]> r) {
    CompactionRequest request = parse(r);
    if (request == null) {
      log.warn("Skipping an unreadable compaction request at {}-{}@{}", r.topic(), r.partition(), r.offset());
      skipped.increment();
      return Mono.empty();
    }
    return compactor.compactedAt(request.tenant(), request.hourStartNanos())
        .flatMap(last -> {
          if (last >= request.requestedAtMillis()) {
            skipped.increment();
            return Mono.<Void>empty();
          }
          long startedAt = clockMillis.getAsLong();
          long t0 = System.nanoTime();
          return compactor.compact(request.tenant(), request.hourStartNanos(), startedAt)
              .doOnNext(result -> {
                compacted.increment();
                quanta.increment(result.quanta());
                duration.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                log.info("Compacted {} hour {}: {} quanta into {} minute roll-ups and one hour roll-up",
                    request.tenant().value(), java.time.Instant.ofEpochSecond(0, request.hourStartNanos()),
                    result.quanta(), result.minuteKeys().size());
              })
              .then();
        })
        .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30))
            .doBeforeRetry(s -> log.warn("Compacting {} hour {} failed, will retry: {}", request.tenant(),
                request.hourStartNanos(), s.failure().toString())));
  }

  @Override
  public synchronized void stop() {
    if (running != null) {
      running.dispose();
      running = null;
    }
  }

  @Override
  public boolean isRunning() {
    return running != null;
  }
}
