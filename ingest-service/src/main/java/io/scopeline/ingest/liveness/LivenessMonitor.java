package io.scopeline.ingest.liveness;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.ingest.config.KafkaProperties;
import io.scopeline.ingest.config.LivenessProperties;
import io.scopeline.ingest.store.HotCopies;
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
    ProbeStatusEvent recovered = liveness.reportSeen(tenant, probe, windowNanos);
    if (recovered != null) {
      publish(recovered).subscribe();
    }
  }

  void checkOnce() {
    ProbeLiveness.CheckResult result = liveness.check();
    Flux.fromIterable(result.changed())
        .flatMap(s -> redis.hset(StorageKeys.probeStatusKey(TenantId.of(s.tenant())), s.probe(),
            ("{\"status\":\"" + s.status() + "\",\"lastSeen\":" + s.lastSeenMillis() + ",\"interval\":"
                + s.intervalMillis() + "}").getBytes(StandardCharsets.UTF_8)), 16)
        .thenMany(Flux.fromIterable(result.events()).flatMap(this::publish))
        .subscribe();
  }

  private Mono<Void> publish(ProbeStatusEvent event) {
    if (ProbeStatusEvent.PIPELINE_STALL.equals(event.type())) {
      log.warn("Pipeline stall: {} of {} probes{} went silent at once; per-probe alarms suppressed",
          event.silentProbes(), event.totalProbes(), event.tenant().isEmpty() ? "" : " of tenant " + event.tenant());
    } else {
      log.info("Probe {} of tenant {} is {}", event.probe(), event.tenant(), event.status());
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
  }
}
