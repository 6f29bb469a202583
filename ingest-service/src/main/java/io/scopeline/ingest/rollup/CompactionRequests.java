package io.scopeline.ingest.rollup;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.ingest.config.RollupProperties;
import io.scopeline.keys.CompactionRequest;
import io.scopeline.keys.Rollups;
import io.scopeline.keys.TenantId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderRecord;

/**
 * Requests the compaction of the tenant-hours that durable segments belong to, before their
 * offsets are committed: a crash after the segments and before the request replays the records,
 * whose segments request it again. An hour is requested once by this instance, and again for a
 * segment made durable after the hour was due (late data), so its roll-ups are made again.
 *
 * <p>Best effort: roll-ups only make long windows cheaper (readers fall back to the quanta), so
 * a request Kafka does not take within {@code SEND_TIMEOUT} is counted, logged once per outage
 * and given up, and for {@code PAUSE} after that none are tried — persisting never waits on them.
 */
public final class CompactionRequests implements AutoCloseable {
  /** A tenant-hour of a segment made durable. */
  public record TenantHour(TenantId tenant, long hourStartNanos) {}

  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration PAUSE = Duration.ofSeconds(30);

  private final KafkaSender<String, byte[]> sender;
  private final Counter failed;
  private final io.scopeline.ingest.store.FailureStreak streak = new io.scopeline.ingest.store.FailureStreak(
      "Compaction requests", "the hours they are for are not compacted (long windows read their quanta instead);"
      + " persisting goes on");
  private volatile long pausedUntilMillis;
  private final RollupProperties props;
  private final LongSupplier clockMillis;
  private final Counter sent;
  /** Tenant-hour → when this instance last requested it (epoch millis). */
  private final Cache<TenantHour, Long> requested = Caffeine.newBuilder()
      .expireAfterWrite(Duration.ofHours(3)).maximumSize(1_000_000).build();

  /** {@code sender} null: roll-ups are off, nothing is requested. */
  public CompactionRequests(KafkaSender<String, byte[]> sender, RollupProperties props, MeterRegistry meters,
      LongSupplier clockMillis) {
    this.sender = sender;
    this.props = props;
    this.clockMillis = clockMillis;
    this.sent = Counter.builder("scopeline.rollups.requests").description("compaction requests sent")
        .register(meters);
    this.failed = Counter.builder("scopeline.rollups.requests.failed")
        .description("compaction requests given up (Kafka did not take them in time)").register(meters);
  }

  /** When the compaction of the hour starting at {@code hourStartNanos} is due (epoch millis). */
  static long dueMillis(long hourStartNanos, Duration margin) {
    return (hourStartNanos + Rollups.Level.HOUR.spanNanos()) / 1_000_000L + margin.toMillis();
  }

  /** Whether compactions are requested (roll-ups on, and their topic there). */
  public boolean enabled() {
    return sender != null;
  }

  /**
   * Sends the requests these durable segments' tenant-hours need; completes once Kafka has them,
   * or has not taken them in time (given up).
   */
  public Mono<Void> durable(List<TenantHour> segments) {
    if (sender == null) {
      return Mono.empty();
    }
    return Mono.defer(() -> {
      long now = clockMillis.getAsLong();
      Set<TenantHour> seen = new HashSet<>();
      List<CompactionRequest> due = new ArrayList<>();
      for (TenantHour s : segments) {
        TenantHour hour = new TenantHour(s.tenant(), Rollups.Level.HOUR.startOf(s.hourStartNanos()));
        if (!seen.add(hour)) {
          continue;
        }
        Long last = requested.getIfPresent(hour);
        long dueAt = dueMillis(hour.hourStartNanos(), props.margin());
        if (last == null || (last < dueAt && now >= dueAt)) {
          due.add(new CompactionRequest(hour.tenant(), hour.hourStartNanos(), now));
        }
      }
      if (due.isEmpty()) {
        return Mono.empty();
      }
      if (now < pausedUntilMillis) {
        failed.increment(due.size());
        return Mono.empty();
      }
      return sender.send(Flux.fromIterable(due).map(r -> SenderRecord.create(new ProducerRecord<>(props.topic(),
              r.tenant().value(), r.toJson().getBytes(StandardCharsets.UTF_8)), r)))
          .flatMap(result -> result.exception() == null ? Mono.just(result.correlationMetadata())
              : Mono.error(result.exception()))
          .doOnNext(r -> {
            requested.put(new TenantHour(r.tenant(), r.hourStartNanos()), r.requestedAtMillis());
            sent.increment();
          })
          .then()
          .timeout(SEND_TIMEOUT)
          .doOnSuccess(v -> streak.success())
          .onErrorResume(e -> {
            failed.increment(due.size());
            streak.failure(e);
            pausedUntilMillis = clockMillis.getAsLong() + PAUSE.toMillis();
            return Mono.empty();
          });
    });
  }

  @Override
  public void close() {
    if (sender != null) {
      sender.close();
    }
  }
}
