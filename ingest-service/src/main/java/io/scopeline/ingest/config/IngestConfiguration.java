package io.scopeline.ingest.config;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.ingest.bridge.ReportBridge;
import io.scopeline.ingest.bridge.TenantResolver;
import io.scopeline.ingest.liveness.LivenessMonitor;
import io.scopeline.ingest.liveness.ProbeLiveness;
import io.scopeline.ingest.changes.ChangeEvents;
import io.scopeline.ingest.pipeline.DeadLetters;
import io.scopeline.ingest.retention.RetentionSweeper;
import io.scopeline.ingest.retention.TenantHours;
import io.scopeline.ingest.pipeline.IngestPipeline;
import io.scopeline.ingest.pipeline.RecordDecoder;
import io.scopeline.ingest.pipeline.SegmentWriter;
import io.scopeline.ingest.pipeline.ShortcutNotifier;
import io.scopeline.service.ScopeAppInfo;
import io.scopeline.service.control.ControlConfiguration;
import io.scopeline.service.control.TenantOfRequest;
import io.scopeline.service.web.Rejected;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpStatus;
import io.scopeline.service.storage.StorageClients;
import io.scopeline.ingest.store.HotCopies;
import io.scopeline.ingest.store.ObjectStore;
import io.scopeline.ingest.store.ReportIndex;
import io.scopeline.ingest.store.StorageBootstrap;
import io.scopeline.ingest.store.StoreHealth;
import io.scopeline.service.storage.StorageProperties;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderOptions;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Wires the ingest service; no logic lives here. */
@Configuration(proxyBeanMethods = false)
@Import({StorageClients.class, ControlConfiguration.class})
public class IngestConfiguration {

  /**
   * Decoding and encoding are CPU work: a bounded pool, one thread per core, with one shared
   * queue. (Reactor's parallel scheduler gives each thread its own queue and deals tasks round
   * robin, so a decode dealt behind a long segment encode waits while the other threads idle — and
   * with it, in offset order, the whole partition.)
   */
  @Bean(destroyMethod = "dispose")
  Scheduler decodeScheduler(IngestProperties props) {
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(props.effectiveDecodeParallelism(), r -> {
      Thread t = new Thread(r, "scopeline-decode-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    return Schedulers.fromExecutorService(pool, "scopeline-decode");
  }

  @Bean
  StorageBootstrap storageBootstrap(S3AsyncClient s3, DynamoDbAsyncClient dynamo, StorageProperties storage) {
    return new StorageBootstrap(s3, dynamo, storage);
  }

  @Bean
  ObjectStore objectStore(S3AsyncClient s3, StorageProperties storage, IngestProperties props, MeterRegistry meters,
      StoreHealth storeHealth) {
    return new ObjectStore(s3, storage.s3().bucket(), props, meters, storeHealth);
  }

  @Bean(destroyMethod = "close")
  ReportIndex reportIndex(DynamoDbAsyncClient dynamo, StorageProperties storage, IngestProperties props,
      MeterRegistry meters, StoreHealth storeHealth) {
    return new ReportIndex(dynamo, storage.dynamodb().table(), props, meters, storeHealth);
  }

  /** Health {@code storeHealth}: DEGRADED while S3 or DynamoDB writes keep failing (not in readiness). */
  @Bean
  StoreHealth storeHealth() {
    return new StoreHealth(Duration.ofSeconds(5));
  }

  @Bean(destroyMethod = "close")
  HotCopies hotCopies(StorageProperties storage, MeterRegistry meters) {
    return new HotCopies(storage, meters);
  }

  /** One idempotent, acks=all producer for the bridge and the dead-letter topic. */
  @Bean(destroyMethod = "close")
  KafkaSender<String, byte[]> kafkaSender(KafkaProperties kafka, BridgeProperties bridge) {
    Map<String, Object> p = new HashMap<>();
    p.putAll(kafka.clientConfig());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, (int) bridge.produceLinger().toMillis());
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 << 20);
    // A probe waits on our answer: fail in seconds, not minutes, when Kafka is unreachable.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    return KafkaSender.create(SenderOptions.<String, byte[]>create(p)
        .withKeySerializer(new StringSerializer()).withValueSerializer(new ByteArraySerializer()));
  }

  @Bean
  RecordDecoder recordDecoder(IngestProperties props, BridgeProperties bridge, MeterRegistry meters) {
    // The bridge's default tenant (standalone mode) also applies to records without a tenant.
    return new RecordDecoder(props.limits(), meters, bridge.defaultTenant());
  }

  @Bean
  SegmentWriter segmentWriter(ObjectStore objects, HotCopies hot, ReportIndex index, Scheduler decodeScheduler,
      IngestProperties props, MeterRegistry meters, io.scopeline.ingest.rollup.CompactionRequests compactions,
      TenantHours tenantHours, ChangeEvents changes) {
    return new SegmentWriter(objects, hot, index, decodeScheduler, props, meters,
        compactions.enabled() ? compactions : null, tenantHours, changes.enabled() ? changes : null);
  }

  /** Which tenants have data in which hour: written with the segments, read by retention. */
  @Bean
  TenantHours tenantHours(DynamoDbAsyncClient dynamo, StorageProperties storage) {
    return new TenantHours(dynamo, storage.dynamodb().table(), storage.requestTimeout().multipliedBy(3));
  }

  /** The compactor of a tenant-hour's quanta into roll-ups (for the compactions consumer and retention). */
  @Bean
  io.scopeline.ingest.rollup.HourCompactor hourCompactor(S3AsyncClient s3, DynamoDbAsyncClient dynamo,
      StorageProperties storage, Scheduler decodeScheduler, IngestProperties props) {
    return new io.scopeline.ingest.rollup.HourCompactor(s3, dynamo, storage.s3().bucket(),
        storage.dynamodb().table(), decodeScheduler, props.gzipLevel(), storage.requestTimeout().multipliedBy(3));
  }

  /**
   * Deletes history past retention (one replica at a time). Off, with a WARN, when roll-ups are:
   * raw quanta are deleted only once rolled up.
   */
  @Bean
  RetentionSweeper retentionSweeper(S3AsyncClient s3, DynamoDbAsyncClient dynamo, StorageProperties storage,
      io.scopeline.ingest.rollup.HourCompactor compactor, TenantHours tenantHours, RetentionProperties retention,
      KafkaProperties kafka, MeterRegistry meters, io.scopeline.ingest.rollup.CompactionRequests requests) {
    boolean on = retention.enabled() && requests.enabled();
    if (retention.enabled() && !on) {
      org.slf4j.LoggerFactory.getLogger(RetentionSweeper.class).warn("Retention is off: it needs roll-ups"
          + " (scopeline.rollups.enabled and the compactions topic); history is kept until then");
    }
    String holder = !kafka.groupInstanceId().isBlank() ? kafka.groupInstanceId()
        : java.util.UUID.randomUUID().toString();
    return new RetentionSweeper(s3, dynamo, storage.s3().bucket(), storage.dynamodb().table(), compactor,
        tenantHours, retention, kafka.topicPartitions(), meters, System::currentTimeMillis,
        storage.requestTimeout().multipliedBy(3), holder, on);
  }

  /**
   * Where durable segments request their hours' compaction: a producer of its own, so a Kafka
   * that does not take them never holds up the bridge's or the dead letters' sends. Off, with a
   * WARN saying why, when roll-ups are off or their topic does not exist.
   */
  @Bean(destroyMethod = "close")
  io.scopeline.ingest.rollup.CompactionRequests compactionRequests(KafkaProperties kafka, RollupProperties rollups,
      MeterRegistry meters, TopicSetup topics) {
    KafkaSender<String, byte[]> sender = null;
    if (rollups.enabled() && OptionalTopic.exists(kafka, rollups.topic(), "Roll-ups", "scopeline.rollups.enabled")) {
      sender = KafkaSender.create(SenderOptions.<String, byte[]>create(optionalProducer(kafka))
          .withKeySerializer(new StringSerializer()).withValueSerializer(new ByteArraySerializer()));
    }
    return new io.scopeline.ingest.rollup.CompactionRequests(sender, rollups, meters, System::currentTimeMillis);
  }

  /** Change events of durable segments: a producer of their own; off, with a WARN, without their topic. */
  @Bean(destroyMethod = "close")
  ChangeEvents changeEvents(KafkaProperties kafka, ChangeProperties changes, HotCopies hot, Scheduler decodeScheduler,
      MeterRegistry meters, TopicSetup topics) {
    KafkaSender<String, byte[]> sender = null;
    if (changes.enabled()
        && OptionalTopic.exists(kafka, changes.topic(), "Change events", "scopeline.changes.enabled")) {
      sender = KafkaSender.create(SenderOptions.<String, byte[]>create(optionalProducer(kafka))
          .withKeySerializer(new StringSerializer()).withValueSerializer(new ByteArraySerializer()));
    }
    return new ChangeEvents(changes, hot, sender, decodeScheduler, meters, System::currentTimeMillis,
        Duration.ofSeconds(5), Duration.ofSeconds(1));
  }

  /** A producer for a best-effort feature: gives up within seconds rather than hold anything up. */
  private static Map<String, Object> optionalProducer(KafkaProperties kafka) {
    Map<String, Object> p = new HashMap<>(kafka.clientConfig());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return p;
  }

  /** The compactor of tenant-hours into roll-ups, fed by the compactions topic (when roll-ups are on). */
  @Bean
  io.scopeline.ingest.rollup.Compactions compactions(io.scopeline.ingest.rollup.HourCompactor compactor,
      RollupProperties rollups, KafkaProperties kafka, MeterRegistry meters,
      io.scopeline.ingest.rollup.CompactionRequests requests) {
    return new io.scopeline.ingest.rollup.Compactions(compactor, rollups, kafka, meters, System::currentTimeMillis,
        requests.enabled());
  }

  @Bean
  DeadLetters deadLetters(KafkaSender<String, byte[]> sender, KafkaProperties kafka, IngestProperties props,
      MeterRegistry meters) {
    return new DeadLetters(sender, kafka.deadLetterTopic(), props, meters);
  }

  @Bean
  ShortcutNotifier shortcutNotifier(HotCopies hot, IngestProperties props, MeterRegistry meters) {
    return new ShortcutNotifier(hot, props, meters);
  }

  /**
   * {@code /actuator/health} → {@code ingestPartitions}: partitions held, seconds since their last
   * record; DOWN with the reason while consumption failed and has not recovered.
   */
  @Bean
  org.springframework.boot.health.contributor.HealthIndicator ingestPartitionsHealthIndicator(IngestPipeline pipeline) {
    return () -> (pipeline.failure() != null ? org.springframework.boot.health.contributor.Health.down()
        : pipeline.isRunning() ? org.springframework.boot.health.contributor.Health.up()
        : org.springframework.boot.health.contributor.Health.outOfService()).withDetails(pipeline.status()).build();
  }

  /**
   * {@code /actuator/health} → {@code history}: retention's progress (not in readiness: history
   * falling behind never stops ingest); DEGRADED when the last sweep failed or a level is behind
   * by more than two sweeps' worth of hours.
   */
  @Bean
  org.springframework.boot.health.contributor.HealthIndicator historyHealthIndicator(RetentionSweeper retention) {
    return () -> (retention.unwell() ? org.springframework.boot.health.contributor.Health.status("DEGRADED")
        : org.springframework.boot.health.contributor.Health.up()).withDetails(retention.status()).build();
  }

  @Bean
  IngestPipeline ingestPipeline(KafkaProperties kafka, IngestProperties props, RecordDecoder decoder,
      SegmentWriter writer, DeadLetters deadLetters, ShortcutNotifier shortcuts, StorageBootstrap storage,
      LivenessMonitor liveness, Scheduler decodeScheduler, MeterRegistry meters, TopicSetup topics,
      TenantMetricsProperties tenantMetrics) {
    return new IngestPipeline(kafka, props, decoder, writer, deadLetters, shortcuts, storage, liveness,
        decodeScheduler, meters, new io.scopeline.ingest.pipeline.TenantMeters(meters, tenantMetrics));
  }

  @Bean
  ProbeLiveness probeLiveness(LivenessProperties liveness) {
    return new ProbeLiveness(liveness, System::currentTimeMillis);
  }

  @Bean
  LivenessMonitor livenessMonitor(ProbeLiveness liveness, LivenessProperties props, KafkaSender<String, byte[]> sender,
      KafkaProperties kafka, HotCopies hot, MeterRegistry meters) {
    return new LivenessMonitor(liveness, props, sender, kafka, hot, meters);
  }

  @Bean
  TopicSetup topicSetup(KafkaProperties kafka, RollupProperties rollups, ChangeProperties changes) {
    return new TopicSetup(kafka, rollups, changes);
  }

  @Bean
  ReportBridge reportBridge(BridgeProperties bridge, KafkaSender<String, byte[]> sender, KafkaProperties kafka,
      IngestProperties props, Scheduler decodeScheduler, MeterRegistry meters, ScopeAppInfo app) {
    return new ReportBridge(new TenantResolver(bridge), bridge, sender, kafka, props.limits(), decodeScheduler, meters,
        app);
  }

  /**
   * A probe's control and pipe sockets belong to the tenant its reports go to (header, probe
   * token or default); primary, so the standalone (which has the query side's too) uses it.
   */
  @Bean
  @Primary
  TenantOfRequest probeTenants(BridgeProperties bridge) {
    TenantResolver resolver = new TenantResolver(bridge);
    return headers -> {
      TenantResolver.Resolution r = resolver.resolve(headers);
      if (r.tenant() == null) {
        throw new Rejected(HttpStatus.UNAUTHORIZED, r.problem());
      }
      return r.tenant();
    };
  }

  @Bean(destroyMethod = "close")
  DependencyHealth.KafkaHealth kafkaHealth(KafkaProperties kafka) {
    return new DependencyHealth.KafkaHealth(kafka);
  }

  @Bean
  DependencyHealth.RedisHealth redisHealth(HotCopies hot) {
    return new DependencyHealth.RedisHealth(hot);
  }

  @Bean
  RouterFunction<ServerResponse> probeRoutes(ReportBridge bridge) {
    return RouterFunctions.route()
        .POST("/api/report", bridge::postReport)
        .GET("/api", bridge::api)
        .build();
  }
}
