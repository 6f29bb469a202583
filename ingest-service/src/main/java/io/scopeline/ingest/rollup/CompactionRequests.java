package io.scopeline.ingest.rollup;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.ingest.config.IngestProperties;
import io.scopeline.ingest.config.RollupProperties;
import io.scopeline.ingest.store.WriteRetry;
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
 */
public final class CompactionRequests {
  /** A tenant-hour of a segment made durable. */
  public record TenantHour(TenantId tenant, long hourStartNanos) {}

  private final KafkaSender<String, byte[]> sender;
  private final RollupProperties props;
  private final IngestProperties ingest;
  private final LongSupplier clockMillis;
  private final Counter sent;
  /** Tenant-hour → when this instance last requested it (epoch millis). */
  private final Cache<TenantHour, Long> requested = Caffeine.newBuilder()
      .expireAfterWrite(Duration.ofHours(3)).maximumSize(1_000_000).build();

  public CompactionRequests(KafkaSender<String, byte[]> sender, RollupProperties props, IngestProperties ingest,
      MeterRegistry meters, LongSupplier clockMillis) {
    this.sender = sender;
    this.props = props;
    this.ingest = ingest;
    this.clockMillis = clockMillis;
    this.sent = Counter.builder("scopeline.rollups.requests").description("compaction requests sent")
        .register(meters);
  }

  /** When the compaction of the hour starting at {@code hourStartNanos} is due (epoch millis). */
  static long dueMillis(long hourStartNanos, Duration margin) {
    return (hourStartNanos + Rollups.Level.HOUR.spanNanos()) / 1_000_000L + margin.toMillis();
  }

  /** Sends the requests these durable segments' tenant-hours need; completes once Kafka has them. */
  public Mono<Void> durable(List<TenantHour> segments) {
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
      return sender.send(Flux.fromIterable(due).map(r -> SenderRecord.create(new ProducerRecord<>(props.topic(),
              r.tenant().value(), r.toJson().getBytes(StandardCharsets.UTF_8)), r)))
          .flatMap(result -> result.exception() == null ? Mono.just(result.correlationMetadata())
              : Mono.error(result.exception()))
          .doOnNext(r -> {
            requested.put(new TenantHour(r.tenant(), r.hourStartNanos()), r.requestedAtMillis());
            sent.increment();
          })
          .then()
          .retryWhen(WriteRetry.forever(ingest.retryInitialBackoff(), ingest.retryMaxBackoff(), () -> { }));
    });
  }
}
