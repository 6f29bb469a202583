package io.scopeline.ingest.liveness;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.ingest.config.KafkaProperties;
import io.scopeline.ingest.config.LivenessProperties;
import io.scopeline.ingest.store.HotCopies;
import io.scopeline.keys.ProbeStatusRow;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderRecord;

/**
 * Runs the {@link ProbeLiveness} checks and publishes what they find: each event to the
 * {@code scope.probe-status} topic and the tenant's notification channel, and each probe's current
 * status to the tenant's Redis status hash (read by the query side's {@code /api/probes}).
 */
public final class LivenessMonitor implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(LivenessMonitor.class);

  private final ProbeLiveness liveness;
  private final LivenessProperties props;
  private final KafkaSender<String, byte[]> sender;
  private final KafkaProperties kafka;
  private final HotCopies redis;
  private final MeterRegistry meters;
  private volatile Disposable ticker;
  /** Tenants whose status table this instance has read since it started carrying them. */
  private final java.util.Set<String> adopted = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public LivenessMonitor(ProbeLiveness liveness, LivenessProperties props, KafkaSender<String, byte[]> sender,
      KafkaProperties kafka, HotCopies redis, MeterRegistry meters) {
    this.liveness = liveness;
    this.props = props;
    this.sender = sender;
    this.kafka = kafka;
    this.redis = redis;
    this.meters = meters;
    for (String status : new String[] {ProbeStatusEvent.OK, ProbeStatusEvent.NODATA}) {
      Gauge.builder("scopeline.ingest.probes", liveness, l -> l.count(status)).tag("status", status)
          .description("probes by liveness status").register(meters);
    }
  }

  /** Called for every accepted report. */
  public void reportSeen(String tenant, String probe, long windowNanos) {
    reportSeen(tenant, probe, windowNanos, null);
  }

  /** Called for every accepted report; {@code hostname} is the report's host name, when it carries one. */
  public void reportSeen(String tenant, String probe, long windowNanos, String hostname) {
    if (adopted.add(tenant)) {
      adoptFromStatusTable(tenant);
    }
    ProbeStatusEvent recovered = liveness.reportSeen(tenant, probe, windowNanos, hostname);
    if (recovered != null) {
      publish(recovered).subscribe();
    }
  }

  void checkOnce() {
    ProbeLiveness.CheckResult result = liveness.check();
    // A tenant's table goes when its probes have all been quiet past forget-after (it is written
    // with each change), and a probe forgotten here leaves it at once: the table holds the
    // probes sending now, not every probe a tenant ever had.
    java.time.Duration keep = props.forgetAfter();
    Flux.fromIterable(result.changed())
        .flatMap(s -> redis.hset(StorageKeys.probeStatusKey(TenantId.of(s.tenant())), s.probe(),
            new ProbeStatusRow(s.status(), s.lastSeenMillis(), s.intervalMillis(), s.hostname()).toJson()
                .getBytes(StandardCharsets.UTF_8), keep), 16)
        .thenMany(Flux.fromIterable(result.forgotten())
            .flatMap(f -> redis.hdel(StorageKeys.probeStatusKey(TenantId.of(f.tenant())), f.probe()), 16))
        .thenMany(Flux.fromIterable(result.events()).flatMap(this::publish))
        .subscribe();
    // Tenants without a probe left here are adopted again from the table if they come back.
    if (!result.forgotten().isEmpty()) {
      java.util.Set<String> tracked = liveness.trackedTenants();
      result.forgotten().forEach(f -> {
        if (!tracked.contains(f.tenant())) {
          adopted.remove(f.tenant());
        }
      });
    }
  }

  private Mono<Void> publish(ProbeStatusEvent event) {
    if (ProbeStatusEvent.PIPELINE_STALL.equals(event.type())) {
      log.warn("Pipeline stall: {} of {} probes{} went silent at once; per-probe alarms suppressed",
          event.silentProbes(), event.totalProbes(), event.tenant().isEmpty() ? "" : " of tenant " + event.tenant());
    } else {
      log.info("Probe {} of tenant {} is {}", forLog(event.probe()), event.tenant(), event.status());
    }
    meters.counter("scopeline.ingest.liveness.events", "type", event.type(), "status", event.status()).increment();
    String json = event.toJson();
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(kafka.probeStatusTopic(), event.tenant(),
        json.getBytes(StandardCharsets.UTF_8));
    Mono<Void> toKafka = sender.send(Mono.just(SenderRecord.create(record, event.tenant()))).then()
        .onErrorResume(e -> {
          log.warn("Probe status event not sent to {}: {}", kafka.probeStatusTopic(), e.toString());
          return Mono.empty();
        });
    Mono<Void> toChannel = event.tenant().isEmpty() ? Mono.empty()
        : redis.publish(StorageKeys.notificationChannel(TenantId.of(event.tenant())), json);
    return Mono.when(toKafka, toChannel);
  }

  @Override
  public synchronized void start() {
    if (ticker == null) {
      ticker = Flux.interval(props.checkInterval()).subscribe(t -> checkOnce(),
          e -> log.error("liveness checks stopped: {}", e.toString(), e));
    }
  }

  @Override
  public synchronized void stop() {
    if (ticker != null) {
      ticker.dispose();
      ticker = null;
    }
  }

  @Override
  public boolean isRunning() {
    return ticker != null;
  }

  /** See {@link ProbeLiveness#forgetTenants}. */
  public void forgetTenants(java.util.Collection<String> tenants) {
    liveness.forgetTenants(tenants);
    adopted.removeAll(tenants);
  }

  /**
   * The first report of a tenant this instance carries: take over the tenant's other probes from
   * the shared status table, so a probe that stopped around a rebalance is not lost track of.
   */
  private void adoptFromStatusTable(String tenant) {
    redis.hgetall(StorageKeys.probeStatusKey(TenantId.of(tenant))).subscribe(entries -> entries.forEach(
        (probe, json) -> {
          ProbeStatusRow row = ProbeStatusRow.parse(new String(json, StandardCharsets.UTF_8));
          if (row != null) {
            liveness.adopt(tenant, probe, row.nodata(), row.lastSeenMillis(), row.intervalMillis(), row.hostname());
          }
        }));
  }

  /**
   * A probe id (the sender's {@code X-Scope-Probe-ID}, unchecked) as it may appear in a log line:
   * control characters escaped, so a newline cannot forge a line of its own; at most 200 characters.
   */
  static String forLog(String s) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), 200) + 2).append('"');
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || c == '"' || c == '\\') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append(s.length() > 200 ? "\"…" : "\"").toString();
  }
}
