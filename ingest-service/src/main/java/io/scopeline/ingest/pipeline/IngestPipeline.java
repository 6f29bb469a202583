package io.scopeline.ingest.pipeline;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.ingest.config.IngestProperties;
import io.scopeline.ingest.config.KafkaProperties;
import io.scopeline.ingest.liveness.LivenessMonitor;
import io.scopeline.ingest.store.StorageBootstrap;
import io.scopeline.keys.Quanta;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.util.retry.Retry;
import reactor.kafka.receiver.ReceiverOptions;
import reactor.kafka.receiver.ReceiverPartition;

/**
 * The consuming side: reads {@code scope.reports}, decodes on a bounded parallel scheduler while
 * keeping each partition's order, feeds each partition's {@link PartitionQuanta}, and commits the
 * offsets those say are safe. reactor-kafka is used only here.
 */
public final class IngestPipeline implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(IngestPipeline.class);
  /** Decoded records buffered per partition ahead of the quantum merge. */
  private static final int DECODE_PREFETCH = 32;

  private final KafkaProperties kafka;
  private final IngestProperties props;
  private final RecordDecoder decoder;
  private final SegmentWriter writer;
  private final DeadLetters deadLetters;
  private final ShortcutNotifier shortcuts;
  private final StorageBootstrap storage;
  private final LivenessMonitor liveness;
  private final Scheduler decodeScheduler;
  private final Map<TopicPartition, PartitionQuanta> partitions = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Gauge> lagGauges = new ConcurrentHashMap<>();
  private final MeterRegistry meters;
  private final TenantMeters tenantMeters;
  private final io.micrometer.core.instrument.Counter consumed;
  private volatile KafkaReceiver<String, byte[]> receiver;
  /** Looks up partitions' end offsets at assignment (where replayed records stop). */
  private volatile Admin admin;
  private final io.micrometer.core.instrument.Counter replayedDurable;
  private volatile Disposable running;
  private final io.micrometer.core.instrument.Counter restarts;
  /** Why consumption last failed; null once partitions are assigned again. */
  private volatile Throwable failure;
  /** The last failure, kept after recovery (for health). */
  private volatile Throwable lastFailure;
  private volatile long failedAtMillis;

  public IngestPipeline(KafkaProperties kafka, IngestProperties props, RecordDecoder decoder, SegmentWriter writer,
      DeadLetters deadLetters, ShortcutNotifier shortcuts, StorageBootstrap storage, LivenessMonitor liveness,
      Scheduler decodeScheduler, MeterRegistry meters, TenantMeters tenantMeters) {
    this.kafka = kafka;
    this.tenantMeters = tenantMeters;
    this.props = props;
    this.decoder = decoder;
    this.writer = writer;
    this.deadLetters = deadLetters;
    this.shortcuts = shortcuts;
    this.storage = storage;
    this.liveness = liveness;
    this.decodeScheduler = decodeScheduler;
    this.meters = meters;
    this.consumed = io.micrometer.core.instrument.Counter.builder("scopeline.ingest.records")
        .description("records taken from Kafka into quanta or the dead-letter topic").register(meters);
    this.replayedDurable = io.micrometer.core.instrument.Counter.builder("scopeline.ingest.records.replayed.durable")
        .description("replayed records already held by a durable segment, taken past instead of counted twice")
        .register(meters);
    this.restarts = io.micrometer.core.instrument.Counter.builder("scopeline.ingest.pipeline.restarts")
        .description("times consumption failed and restarted from the last commit").register(meters);
    Gauge.builder("scopeline.ingest.segments.open", partitions,
        m -> m.values().stream().mapToInt(PartitionQuanta::openSegments).sum()).register(meters);
    Gauge.builder("scopeline.ingest.segments.writing", partitions,
        m -> m.values().stream().mapToInt(PartitionQuanta::persistingSegments).sum()).register(meters);
  }

  private ReceiverOptions<String, byte[]> options() {
    Map<String, Object> p = new HashMap<>();
    p.putAll(kafka.clientConfig());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.consumerGroup());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, kafka.maxPollRecords());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "scopeline-ingest-" + (kafka.staticMembership() ? kafka.groupInstanceId()
        : Long.toString(ProcessHandle.current().pid())));
    if (kafka.staticMembership()) {
      p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, kafka.groupInstanceId());
    }
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) kafka.sessionTimeout().toMillis());
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(500, kafka.sessionTimeout().toMillis() / 3));
    return ReceiverOptions.<String, byte[]>create(p)
        .withKeyDeserializer(new StringDeserializer())
        .withValueDeserializer(new ByteArrayDeserializer())
        // Offsets are committed by this class alone, and only where PartitionQuanta says it is safe.
        .commitInterval(Duration.ZERO).commitBatchSize(0)
        // Records are acknowledged only once their quantum is durable, so reactor-kafka's default
        // (hold a rebalance up to 60 s until every dispatched record is acknowledged) would stall
        // every rebalance. Revocation instead writes the open segments at once (without commit);
        // the new owner replays from the last commit, and keys make the replay safe.
        .maxDelayRebalance(Duration.ZERO)
        .subscription(List.of(kafka.reportsTopic()))
        .addAssignListener(this::assigned)
        .addRevokeListener(this::revoked);
  }

  private void assigned(java.util.Collection<ReceiverPartition> assigned) {
    failure = null;
    for (ReceiverPartition p : assigned) {
      partitions.put(p.topicPartition(), newPartition(p.topicPartition(), position(p)));
      lagGauges.computeIfAbsent(p.topicPartition(), tp -> Gauge.builder("scopeline.ingest.commit.lag", partitions,
              m -> m.containsKey(tp) ? m.get(tp).uncommittedRecords() : 0)
          .description("records read but not yet committed (held until their quantum is durable)")
          .tag("partition", tp.toString()).register(meters));
    }
    log.info("Assigned partitions {}", assigned.stream().map(ReceiverPartition::topicPartition).toList());
  }

  private void revoked(java.util.Collection<ReceiverPartition> revoked) {
    java.util.Set<String> movedTenants = new java.util.HashSet<>();
    for (ReceiverPartition p : revoked) {
      PartitionQuanta q = partitions.remove(p.topicPartition());
      if (q != null) {
        movedTenants.addAll(q.tenants());
        q.revoke();
      }
    }
    // Their probes are the new owner's to watch now (tenants are record keys: one partition each).
    liveness.forgetTenants(movedTenants);
    log.info("Revoked partitions {}", revoked.stream().map(ReceiverPartition::topicPartition).toList());
  }

  /** The host name a probe's report carries (its host node's host_name), or null (deltas often lack it). */
  private static String hostName(io.scopeline.model.Report report) {
    var hosts = report.topology(io.scopeline.model.TopologyType.HOST).nodes();
    for (int i = 0; i < hosts.size(); i++) {
      String name = hosts.valueAt(i).latest().get("host_name");
      if (name != null) {
        return name;
      }
    }
    return null;
  }

  /** Where the consumer starts reading the partition now, or -1 if it cannot say. */
  private static long position(ReceiverPartition p) {
    try {
      return p.position();
    } catch (RuntimeException e) {
      log.warn("Position of {} unknown at assignment ({}); commits wait until its records are in step", p
          .topicPartition(), e.toString());
      return -1;
    }
  }

  private PartitionQuanta newPartition(TopicPartition tp, long startOffset) {
    return new PartitionQuanta(tp, startOffset, Quanta.of(props.quantum()), props.grace().toNanos(),
        props.maxClockSkew().toNanos(), props.maxPersistingPerPartition(), writer, deadLetters, shortcuts,
        new ReplayGuard(tp, endOffset(tp), writer, replayedDurable), props.tenantStateIdle().toNanos());
  }

  /** The partition's end offset now, retried until Kafka answers (records of the partition wait for it). */
  private Mono<Long> endOffset(TopicPartition tp) {
    Admin a = admin;
    if (a == null) {
      return Mono.never(); // stopped: no record of it will be taken
    }
    return Mono.defer(() -> Mono.fromCompletionStage(
            a.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).toCompletionStage()))
        .map(ListOffsetsResultInfo::offset)
        .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(10))
            .doBeforeRetry(s -> log.warn("End offset of {} not known yet (replayed records wait): {}", tp,
                s.failure().toString())));
  }

  /**
   * The state of the record's partition, or null when this instance no longer holds it: a record
   * still in flight when its partition was revoked must not bring the partition's state back (and
   * commit through a stale handle); the new owner replays it from the last commit.
   */
  private PartitionQuanta partitionOf(Decoded d) {
    return partitions.get(d.topicPartition());
  }

  private Mono<Decoded> checkReplayed(Decoded d) {
    PartitionQuanta q = partitionOf(d);
    return q == null ? Mono.just(d) : q.checkReplayed(d);
  }

  private Mono<Decoded> decode(ConsumerRecord<String, byte[]> record) {
    return Mono.fromCallable(() -> decoder.decode(record)).subscribeOn(decodeScheduler);
  }

  @Override
  public synchronized void start() {
    if (running != null) {
      return;
    }
    KafkaReceiver<String, byte[]> r = KafkaReceiver.create(options());
    receiver = r;
    admin = Admin.create(kafka.clientConfig());
    int parallelism = props.effectiveDecodeParallelism();
    // Each subscription to receive() is a new consumer: after a failure the chain subscribes again
    // and the new consumer resumes every partition from its last commit (records not committed
    // are replayed; keys make the replay safe), with a growing pause between attempts.
    Disposable pipeline = storage.ready()
        .thenMany(Flux.defer(() -> r.receive())
            .groupBy(rec -> rec.receiverOffset().topicPartition())
            .flatMap(perPartition -> perPartition
                // Twice the threads in flight per partition keeps every thread busy even when one
                // partition alone has work and some reports take far longer than others.
                .flatMapSequential(rec -> decode(rec).flatMap(this::checkReplayed), 2 * parallelism, DECODE_PREFETCH)
                .concatMap(d -> {
                  consumed.increment();
                  if (d instanceof Decoded.Accepted a) {
                    String tenant = a.tenant().value();
                    tenantMeters.received(tenant, a.record().value().length);
                    liveness.reportSeen(tenant, a.probeId(), a.report().windowNanos(), hostName(a.report()));
                  }
                  PartitionQuanta q = partitionOf(d);
                  if (q == null) {
                    meters.counter("scopeline.ingest.records.after.revoke").increment();
                    return Mono.<Void>empty();
                  }
                  return q.accept(d);
                }), 4096)
            .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30))
                .transientErrors(true)
                .doBeforeRetry(signal -> failed(signal.failure()))))
        .subscribe(null, e -> {
          failed(e);
          log.error("Ingest pipeline stopped for good: {}", e.toString(), e);
        });
    Disposable ticker = Flux.interval(props.grace())
        .subscribe(t -> {
          long now = System.currentTimeMillis() * 1_000_000L;
          for (PartitionQuanta q : partitions.values()) {
            try {
              q.closeIdle(now);
            } catch (RuntimeException e) {
              // One partition's trouble must not stop closing the others' quanta on later ticks.
              log.warn("Closing idle quanta failed: {}", e.toString(), e);
            }
          }
        });
    running = Disposables.composite(pipeline, ticker);
    log.info("Ingest pipeline consuming {} as group {} ({} decode threads, quantum {}, grace {})",
        kafka.reportsTopic(), kafka.consumerGroup(), parallelism, props.quantum(), props.grace());
  }

  /**
   * Consumption failed (the consumer or an unexpected error in the chain): what this instance held
   * is given up as on revocation — open segments written, nothing committed — and the chain
   * starts again; health shows the failure until partitions are assigned again.
   */
  private void failed(Throwable e) {
    failure = e;
    lastFailure = e;
    failedAtMillis = System.currentTimeMillis();
    restarts.increment();
    log.error("Ingest consumption failed; restarting from the last committed offsets: {}", e.toString(), e);
    java.util.Set<String> tenants = new java.util.HashSet<>();
    for (PartitionQuanta q : partitions.values()) {
      tenants.addAll(q.tenants());
      q.revoke();
    }
    partitions.clear();
    liveness.forgetTenants(tenants);
  }

  /** Why consumption last failed, while it has not recovered (no partitions assigned since); else null. */
  public Throwable failure() {
    return failure;
  }

  /**
   * Graceful stop: pause consumption, write every open segment, commit what is now durable, then
   * close the consumer.
   */
  @Override
  public synchronized void stop() {
    if (running == null) {
      return;
    }
    KafkaReceiver<String, byte[]> r = receiver;
    try {
      r.doOnConsumer(c -> {
        c.pause(c.assignment());
        return true;
      }).block(Duration.ofSeconds(5));
      Flux.fromIterable(partitions.values()).flatMap(PartitionQuanta::flush).then().block(Duration.ofSeconds(30));
      Map<TopicPartition, Long> offsets = committableOffsets();
      Flux.fromIterable(partitions.values()).flatMap(PartitionQuanta::commitNow).then().block(Duration.ofSeconds(10));
      log.info("Ingest pipeline stopped after flushing and committing {}", offsets);
    } catch (RuntimeException e) {
      log.warn("Ingest pipeline stopped without a complete flush (records will be replayed): {}", e.toString());
    } finally {
      halt();
      if (kafka.staticMembership()) {
        leaveGroup();
      }
    }
  }

  /**
   * A static member's consumer does not leave the group when it closes (so that a restart gets its
   * partitions back without a rebalance); on a graceful stop this instance is removed from the
   * group explicitly, so the others take its partitions at once instead of after the session timeout.
   */
  private void leaveGroup() {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      admin.removeMembersFromConsumerGroup(kafka.consumerGroup(), new RemoveMembersFromConsumerGroupOptions(
          List.of(new MemberToRemove(kafka.groupInstanceId())))).all().get(10, java.util.concurrent.TimeUnit.SECONDS);
      log.info("Left group {} as {}: its partitions move to the other instances now", kafka.consumerGroup(),
          kafka.groupInstanceId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("Could not leave group {} as {} (its partitions move after the session timeout, {}): {}",
          kafka.consumerGroup(), kafka.groupInstanceId(), kafka.sessionTimeout(), e.toString());
    }
  }

  /** Stops at once, as a crash would: nothing is flushed or committed. For tests of recovery. */
  public synchronized void kill() {
    halt();
  }

  private void halt() {
    Disposable d = running;
    running = null;
    receiver = null;
    if (d != null) {
      d.dispose();
    }
    partitions.values().forEach(PartitionQuanta::abandon);
    partitions.clear();
    Admin a = admin;
    admin = null;
    if (a != null) {
      a.close(Duration.ofSeconds(2));
    }
  }

  @Override
  public boolean isRunning() {
    return running != null;
  }

  /**
   * What an operator needs to see a stuck or waiting consumer: the group, this instance's name in
   * it, and per partition held the seconds since its last record and the records not committed yet.
   */
  public Map<String, Object> status() {
    Map<String, Object> held = new java.util.TreeMap<>();
    long now = System.currentTimeMillis();
    partitions.forEach((tp, q) -> {
      Map<String, Object> p = new java.util.LinkedHashMap<>();
      long last = q.lastRecordAtMillis();
      p.put("lastRecordAgeSeconds", last < 0 ? null : (now - last) / 1000.0);
      p.put("uncommittedRecords", q.uncommittedRecords());
      held.put(tp.toString(), p);
    });
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("group", kafka.consumerGroup());
    out.put("groupInstanceId", kafka.staticMembership() ? kafka.groupInstanceId() : "(dynamic membership)");
    out.put("running", isRunning());
    Throwable f = failure;
    if (f != null) {
      out.put("failure", f.toString());
    }
    out.put("restarts", (long) restarts.count());
    Throwable last = lastFailure;
    if (last != null) {
      out.put("lastFailure", last.toString());
      out.put("lastFailureSecondsAgo", (now - failedAtMillis) / 1000.0);
    }
    out.put("partitions", held);
    return out;
  }

  /** Partitions this instance currently holds, with their committable offsets (for tests and ops). */
  public Map<TopicPartition, Long> committableOffsets() {
    Map<TopicPartition, Long> out = new HashMap<>();
    partitions.forEach((tp, q) -> out.put(tp, q.committableOffset()));
    return out;
  }
}
