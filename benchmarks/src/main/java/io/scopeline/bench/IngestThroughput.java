package io.scopeline.bench;

import io.scopeline.service.storage.IndexRows;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.codec.WireHeaders;
import io.scopeline.embedded.EmbeddedDynamoDb;
import io.scopeline.embedded.EmbeddedKafka;
import io.scopeline.embedded.EmbeddedRedis;
import io.scopeline.embedded.EmbeddedS3;
import io.scopeline.ingest.IngestApplication;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * End-to-end ingest throughput on real servers in this JVM: a realistic mix of real-probe full and
 * delta reports from many probes of several tenants is produced to Kafka; then (1) a raw
 * KafkaConsumer drains the topic (the baseline), and (2) the ingest service consumes it, merges
 * quanta and persists them to S3Proxy + DynamoDB Local + Redis, timed until every offset is
 * committed (which happens only once the data is durable). Afterwards the stored objects are read
 * back and their summed Window compared with what was produced: zero loss, checked.
 *
 * <p>Two more baselines separate the framework from the work: the same reactor-kafka consuming
 * structure with nothing to do per record, and with only the decode (the ceiling of any pipeline
 * that must read the reports).
 *
 * <p>Arguments (all optional): {@code records=30000 tenants=5 probesPerTenant=20 partitions=2
 * distinctHosts=true warmup=0.3 profile=false} (warmup: share of
 * the records ingested before the steady rate is measured; profile: a wall-clock profile of the ingest threads), and any
 * {@code --scopeline.…=…} setting for the ingest service.
 */
public final class IngestThroughput {
  private static final Logger log = LoggerFactory.getLogger(IngestThroughput.class);
  private static final String TOPIC = "scope.reports";
  private static final String KEY = "scopeline";

  private IngestThroughput() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>(Map.of("records", "30000", "tenants", "5", "probesPerTenant", "20",
        "partitions", "2"));
    List<String> appOverrides = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith("--")) {
        appOverrides.add(a);
        continue;
      }
      String[] kv = a.split("=", 2);
      opts.put(kv[0], kv[1]);
    }
    int records = Integer.parseInt(opts.get("records"));
    int tenants = Integer.parseInt(opts.get("tenants"));
    int probesPerTenant = Integer.parseInt(opts.get("probesPerTenant"));
    int partitions = Integer.parseInt(opts.get("partitions"));
    boolean profile = Boolean.parseBoolean(opts.getOrDefault("profile", "false"));
    // Share of the records ingested before the steady rate is measured: the service's code is
    // compiled by the JIT during its first seconds, which on 2 cores takes most of the CPU.
    double warmup = Double.parseDouble(opts.getOrDefault("warmup", "0.3"));
    String input = System.getProperty("scopeline.shared.dir") != null
        || java.nio.file.Files.isDirectory(java.nio.file.Path.of("../shared/fixtures/scope"))
        ? BenchmarkInputs.REAL_PROBE : BenchmarkInputs.SYNTHETIC;
    boolean distinct = Boolean.parseBoolean(opts.getOrDefault("distinctHosts", "true"));
    List<byte[]> bodies = BenchmarkInputs.bodies(input);
    long[] windows = new long[bodies.size()];
    for (int i = 0; i < windows.length; i++) {
      windows[i] = ReportCodec.decode(bodies.get(i), ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT).windowNanos();
    }
    // Each probe is its own host (as in a real fleet), unless distinctHosts=false: then every probe
    // sends the very same reports and a quantum merges them into one host.
    List<List<byte[]>> probeBodies = new ArrayList<>();
    for (int p = 0; p < tenants * probesPerTenant; p++) {
      probeBodies.add(distinct ? BenchmarkInputs.asHost(bodies, String.format(Locale.ROOT, "host-%05d", p)) : bodies);
    }
    log.info("Input: {} ({} bodies per probe cycle), {} records, {} tenants x {} probes ({}), {} partitions", input,
        bodies.size(), records, tenants, probesPerTenant, distinct ? "one host each" : "all the same host",
        partitions);

    try (EmbeddedKafka kafka = EmbeddedKafka.start(null, 0);
        EmbeddedS3 s3 = EmbeddedS3.start(null, 0, KEY, KEY);
        EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start(null, 0);
        EmbeddedRedis redis = EmbeddedRedis.start(0)) {
      kafka.createTopics(partitions, TOPIC, "scope.reports.dlq", "scope.probe-status");

      // Produce: each probe publishes its cycle of bodies every 3 s of record time.
      long base = System.currentTimeMillis() - TimeUnit.HOURS.toMillis(1);
      long bytes = 0;
      long expectedWindow = 0;
      Properties pp = new Properties();
      pp.put("bootstrap.servers", kafka.bootstrapServers());
      pp.put("acks", "all");
      pp.put("linger.ms", "20");
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(),
          new ByteArraySerializer())) {
        int probes = tenants * probesPerTenant;
        for (int i = 0; i < records; i++) {
          int probe = i % probes;
          int publish = i / probes;
          String tenant = "tenant-" + (probe % tenants);
          byte[] body = probeBodies.get(probe).get(publish % bodies.size());
          long ts = base + publish * 3000L + probe % 3000;
          ProducerRecord<String, byte[]> r = new ProducerRecord<>(TOPIC, null, ts, tenant, body);
          r.headers().add(WireHeaders.ORG_ID, tenant.getBytes(StandardCharsets.UTF_8));
          r.headers().add(WireHeaders.PROBE_ID, ("probe-" + probe).getBytes(StandardCharsets.UTF_8));
          r.headers().add(WireHeaders.CONTENT_TYPE, "application/msgpack".getBytes(StandardCharsets.UTF_8));
          r.headers().add(WireHeaders.CONTENT_ENCODING, "gzip".getBytes(StandardCharsets.UTF_8));
          producer.send(r);
          bytes += body.length;
          expectedWindow += windows[publish % bodies.size()];
        }
      }
      double mb = bytes / 1e6;
      log.info("Produced {} records, {} MB", records, String.format(Locale.ROOT, "%.1f", mb));

      double[] raw = rawDrain(kafka, records);
      double rawSeconds = raw[0];
      double rawSteadyRate = raw[1];
      log.info("Raw KafkaConsumer drain: {} s", String.format(Locale.ROOT, "%.2f", rawSeconds));

      double[] reactive = reactiveDrain(kafka, records, "bench-reactive", r -> r);
      log.info("reactor-kafka drain: {} s, {} records/s steady", String.format(Locale.ROOT, "%.2f", reactive[0]),
          String.format(Locale.ROOT, "%.0f", reactive[1]));
      double[] decoding = reactiveDrain(kafka, records, "bench-decoding", r -> io.scopeline.model.ReportUpgrade.upgrade(
          ReportCodec.decode(r.value(), ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT)));
      log.info("reactor-kafka drain + decode: {} s, {} records/s steady", String.format(Locale.ROOT, "%.2f", decoding[0]),
          String.format(Locale.ROOT, "%.0f", decoding[1]));

      Runtime rt = Runtime.getRuntime();
      System.gc();
      long heapBefore = rt.totalMemory() - rt.freeMemory();
      Map<String, Object> props = new HashMap<>();
      props.put("server.port", "0");
      props.put("management.server.port", "0");
      props.put("scopeline.kafka.bootstrap-servers", kafka.bootstrapServers());
      props.put("scopeline.kafka.consumer-group", "bench-ingest");
      props.put("scopeline.storage.access-key", KEY);
      props.put("scopeline.storage.secret-key", KEY);
      props.put("scopeline.storage.create-resources", "true");
      props.put("scopeline.storage.s3.endpoint", s3.endpoint().toString());
      props.put("scopeline.storage.dynamodb.endpoint", dynamo.endpoint().toString());
      props.put("scopeline.storage.redis.uri", redis.uri());
      Map<Long, Long> cpuBefore = threadCpu();
      long[] machineBefore = machineCpu();
      long gcBefore = gcMillis();
      long jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
      long t0 = System.nanoTime();
      long maxHeap = 0;
      // As command-line arguments: they take precedence over the service's application.yml.
      List<String> argList = new ArrayList<>(props.entrySet().stream()
          .map(e -> "--" + e.getKey() + "=" + e.getValue()).toList());
      argList.addAll(appOverrides);
      String[] appArgs = argList.toArray(String[]::new);
      log.info("Ingest service overrides: {}", appOverrides);
      ConfigurableApplicationContext app = new SpringApplicationBuilder(IngestApplication.class).logStartupInfo(false)
          .run(appArgs);
      long steadyStart = 0;
      long steadyFrom = 0;
      WallProfile wall = profile ? WallProfile.start(IngestThroughput::component) : null;
      try (Admin admin = kafka.admin()) {
        long lastLog = 0;
        while (true) {
          long committed = committed(admin, "bench-ingest");
          if (steadyStart == 0 && committed > 0 && committed >= warmup * records) {
            // Startup, the consumer group join and (with warmup > 0) JIT warm-up are over: the
            // steady state starts here.
            steadyStart = System.nanoTime();
            steadyFrom = committed;
            machineBefore = machineCpu();
            gcBefore = gcMillis();
            jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
          }
          maxHeap = Math.max(maxHeap, rt.totalMemory() - rt.freeMemory());
          if (committed >= records) {
            break;
          }
          if (System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(2)) {
            var meters = app.getBean(io.micrometer.core.instrument.MeterRegistry.class);
            log.info("ingest progress: {} of {} records committed; consumed {}, segments open {}, writing {}",
                committed, records, (long) meters.counter("scopeline.ingest.records").count(),
                (long) meters.get("scopeline.ingest.segments.open").gauge().value(),
                (long) meters.get("scopeline.ingest.segments.writing").gauge().value());
            lastLog = System.nanoTime();
          }
          Thread.sleep(100);
        }
      }
      long tEnd = System.nanoTime();
      long[] machineAfter = machineCpu();
      long gcDuring = gcMillis() - gcBefore;
      long jitDuring = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitBefore;
      String wallTable = wall == null ? "" : wall.stop();
      String cpuTable = cpuByComponent(cpuBefore, (tEnd - t0) / 1e9);
      double ingestSeconds = (tEnd - t0) / 1e9;
      double steadySeconds = (tEnd - steadyStart) / 1e9;
      long steadyRecords = records - steadyFrom;
      System.gc();
      long heapAfter = rt.totalMemory() - rt.freeMemory();
      String latencies = storeLatencies(app.getBean(io.micrometer.core.instrument.MeterRegistry.class));
      app.close();

      long storedWindow = storedWindow(s3, dynamo, tenants, base);
      double perRecord = mb / records;
      double ingestSteadyRate = steadyRecords / steadySeconds;
      String row = "| %s | %d | %.1f | %.2f | %,.0f | %.1f | %.2f |%n";
      String table = String.format(Locale.ROOT, String.join("%n",
          "| pipeline | records | MB (gzip) | total s (incl. start) | steady reports/s | steady MB/s | vs raw read |",
          "|---|---|---|---|---|---|---|%n"))
          + String.format(Locale.ROOT, row, "raw KafkaConsumer drain (baseline)", records, mb, rawSeconds, rawSteadyRate,
              rawSteadyRate * perRecord, 1.0)
          + String.format(Locale.ROOT, row, "reactor-kafka drain, same structure, no work", records, mb, reactive[0],
              reactive[1], reactive[1] * perRecord, reactive[1] / rawSteadyRate)
          + String.format(Locale.ROOT, row, "reactor-kafka drain + decode only (ceiling)", records, mb, decoding[0],
              decoding[1], decoding[1] * perRecord, decoding[1] / rawSteadyRate)
          + String.format(Locale.ROOT, row, "ingest: decode, quanta, S3 + Redis + DynamoDB, commit", records, mb,
              ingestSeconds, ingestSteadyRate, ingestSteadyRate * perRecord, ingestSteadyRate / rawSteadyRate);
      System.out.println();
      System.out.println(table);
      System.out.printf(Locale.ROOT, "%nzero loss: stored Window %d ns of %d ns produced (%s)%n", storedWindow,
          expectedWindow, storedWindow == expectedWindow ? "all there" : "MISMATCH");
      System.out.printf(Locale.ROOT, "heap used after GC: %.0f MiB before ingest, %.0f MiB after; peak sampled %.0f MiB"
          + " (JVM: %s, %d CPUs, max heap %.0f MiB)%n", heapBefore / 1048576.0, heapAfter / 1048576.0,
          maxHeap / 1048576.0, System.getProperty("java.version"), rt.availableProcessors(), rt.maxMemory() / 1048576.0);
      System.out.println();
      if (machineBefore != null && machineAfter != null) {
        long total = machineAfter[1] - machineBefore[1];
        System.out.printf(Locale.ROOT, "Whole machine (every process: JVM threads, GC, JIT, redis-server) busy %.0f %% of"
            + " both cores during the steady part%n", 100.0 * (machineAfter[0] - machineBefore[0]) / Math.max(1, total));
      }
      System.out.printf(Locale.ROOT, "GC %.1f s (collector time, %s), JIT compilation %.1f s during the steady part (%.1f s)%n",
          gcDuring / 1000.0, ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList(),
          jitDuring / 1000.0, (tEnd - steadyStart) / 1e9);
      System.out.println(cpuTable);
      System.out.println(latencies);
      System.out.println(wallTable);
      if (storedWindow != expectedWindow) {
        System.exit(1);
      }
    }
    System.exit(0);
  }

  /** Where a segment's wall-clock time goes: the ingest service's own store timers. */
  private static String storeLatencies(io.micrometer.core.instrument.MeterRegistry meters) {
    StringBuilder sb = new StringBuilder("Wall-clock latency per store operation (ingest service timers):\n");
    for (String name : List.of("scopeline.ingest.persist", "scopeline.ingest.s3.put", "scopeline.ingest.redis.write",
        "scopeline.ingest.dynamodb.batch")) {
      var timer = meters.find(name).timer();
      if (timer != null) {
        sb.append(String.format(Locale.ROOT, "  %-32s %7d calls  mean %7.1f ms  max %7.1f ms%n", name, timer.count(),
            timer.mean(TimeUnit.MILLISECONDS), timer.max(TimeUnit.MILLISECONDS)));
      }
    }
    var puts = meters.find("scopeline.ingest.s3.put").timer();
    sb.append(String.format(Locale.ROOT, "  stored: %.0f segments (%.0f of them in %.0f packs), %d S3 PUTs, %.0f index"
            + " rows, %.1f MB%n",
        meters.counter("scopeline.ingest.segments.persisted").count(),
        meters.counter("scopeline.ingest.segments.packed").count(),
        meters.counter("scopeline.ingest.packs.persisted").count(), puts == null ? 0 : puts.count(),
        meters.counter("scopeline.ingest.index.rows").count(),
        meters.counter("scopeline.ingest.bytes.persisted").count() / 1e6));
    return sb.toString();
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime()))
        .sum();
  }

  /** Busy and total jiffies of all CPUs from /proc/stat, or null where there is none. */
  private static long[] machineCpu() {
    try {
      String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  private static Map<Long, Long> threadCpu() {
    var mx = ManagementFactory.getThreadMXBean();
    Map<Long, Long> out = new HashMap<>();
    for (long id : mx.getAllThreadIds()) {
      out.put(id, mx.getThreadCpuTime(id));
    }
    return out;
  }

  /** CPU seconds spent during ingest by each group of threads (names without their numbers). */
  private static String cpuByComponent(Map<Long, Long> before, double wallSeconds) {
    var mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> byGroup = new HashMap<>();
    for (long id : mx.getAllThreadIds()) {
      var info = mx.getThreadInfo(id);
      long cpu = mx.getThreadCpuTime(id);
      if (info == null || cpu < 0) {
        continue;
      }
      String group = component(info.getThreadName());
      byGroup.merge(group, cpu - before.getOrDefault(id, 0L), Long::sum);
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "CPU during ingest by component (%.1f s wall, 2 cores = %.1f CPU-s available; threads that ended are not counted):%n",
        wallSeconds, 2 * wallSeconds));
    byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(14)
        .forEach(e -> sb.append(String.format(Locale.ROOT, "  %-28s %6.1f CPU-s%n", e.getKey(), e.getValue() / 1e9)));
    return sb.toString();
  }

  private static String component(String thread) {
    if (thread.startsWith("scopeline-decode")) {
      return "ingest decode/encode";
    }
    if (thread.startsWith("reactive-kafka") || thread.startsWith("kafka-producer") || thread.startsWith("reactor-kafka")) {
      return "ingest Kafka clients";
    }
    if (thread.startsWith("aws-java-sdk") || thread.startsWith("sdk-async") || thread.contains("nio-event-loop")
        || thread.startsWith("netty")) {
      return "ingest AWS SDK (Netty)";
    }
    if (thread.startsWith("lettuce")) {
      return "ingest Redis client";
    }
    if (thread.startsWith("parallel") || thread.startsWith("boundedElastic")) {
      return "ingest Reactor schedulers";
    }
    if (thread.startsWith("S3Proxy")) {
      return "S3Proxy (embedded S3)";
    }
    if (thread.startsWith("qtp")) {
      return "DynamoDB Local (Jetty)";
    }
    if (thread.startsWith("data-plane-kafka") || thread.startsWith("kafka-") || thread.startsWith("group-coordinator")
        || thread.startsWith("ReplicaFetcher") || thread.startsWith("raft") || thread.startsWith("quorum")) {
      return "Kafka broker (embedded)";
    }
    return thread.replaceAll("[-#]?\\d+", "");
  }

  /** Seconds to drain everything, and the records/s after the first non-empty poll (group join excluded). */
  private static double[] rawDrain(EmbeddedKafka kafka, int records) {
    Properties cp = new Properties();
    cp.put("bootstrap.servers", kafka.bootstrapServers());
    cp.put("group.id", "bench-raw");
    cp.put("auto.offset.reset", "earliest");
    cp.put("max.poll.records", "500");
    long t0 = System.nanoTime();
    long first = 0;
    int firstCount = 0;
    int n = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      while (n < records) {
        int got = consumer.poll(Duration.ofMillis(100)).count();
        n += got;
        if (first == 0 && got > 0) {
          first = System.nanoTime();
          firstCount = got;
        }
      }
      consumer.commitSync();
    }
    long end = System.nanoTime();
    return new double[] {(end - t0) / 1e9, (n - firstCount) / ((end - first) / 1e9)};
  }

  /**
   * The same consuming structure as the ingest pipeline (reactor-kafka receiver, per-partition
   * groups, a hop to a parallel scheduler per record, in-order acknowledgement) with no work per
   * record: what the reactive plumbing itself allows.
   */
  private static double[] reactiveDrain(EmbeddedKafka kafka, int records, String group,
      java.util.function.Function<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>, Object> work) {
    Map<String, Object> cp = new HashMap<>();
    cp.put("bootstrap.servers", kafka.bootstrapServers());
    cp.put("group.id", group);
    cp.put("auto.offset.reset", "earliest");
    cp.put("enable.auto.commit", false);
    cp.put("max.poll.records", 500);
    var options = reactor.kafka.receiver.ReceiverOptions.<byte[], byte[]>create(cp)
        .withKeyDeserializer(new ByteArrayDeserializer()).withValueDeserializer(new ByteArrayDeserializer())
        .subscription(List.of(TOPIC));
    var scheduler = reactor.core.scheduler.Schedulers.newParallel("bench-hop", 2);
    long t0 = System.nanoTime();
    long[] first = new long[1];
    var counted = new java.util.concurrent.atomic.AtomicInteger();
    reactor.kafka.receiver.KafkaReceiver.create(options).receive()
        .groupBy(r -> r.receiverOffset().topicPartition())
        .flatMap(g -> g.flatMapSequential(r -> reactor.core.publisher.Mono.fromCallable(() -> {
              work.apply(r);
              return r;
            }).subscribeOn(scheduler),
            2, 32).concatMap(r -> {
              if (first[0] == 0) {
                first[0] = System.nanoTime();
              }
              counted.incrementAndGet();
              r.receiverOffset().acknowledge();
              return reactor.core.publisher.Mono.just(r.offset());
            }), 4096)
        .take(records, true)
        .blockLast(Duration.ofMinutes(5));
    long end = System.nanoTime();
    scheduler.dispose();
    return new double[] {(end - t0) / 1e9, (counted.get() - 1) / ((end - first[0]) / 1e9)};
  }

  private static long committed(Admin admin, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    long sum = 0;
    for (OffsetAndMetadata o : offsets.values()) {
      sum += o == null ? 0 : o.offset();
    }
    return sum;
  }

  /** Sums the Window of every stored object of every tenant: each report's Window is in exactly one. */
  private static long storedWindow(EmbeddedS3 s3, EmbeddedDynamoDb dynamo, int tenants, long baseMillis) {
    var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, KEY));
    long total = 0;
    try (S3Client s3c = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(creds).forcePathStyle(true).build();
        DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(dynamo.endpoint()).region(Region.US_EAST_1)
            .credentialsProvider(creds).build()) {
      List<String> keys = new ArrayList<>();
      long from = baseMillis * 1_000_000L - TimeUnit.HOURS.toNanos(1);
      long to = System.currentTimeMillis() * 1_000_000L + TimeUnit.HOURS.toNanos(1);
      for (int t = 0; t < tenants; t++) {
        TenantId tenant = TenantId.of("tenant-" + t);
        for (long h = from; h <= to; h += TimeUnit.HOURS.toNanos(1)) {
          String hash = StorageKeys.indexHashKey(tenant, h);
          Map<String, AttributeValue> start = null;
          do {
            var resp = ddb.query(q -> q.tableName("scopeline_reports").keyConditionExpression("#h = :h")
                .expressionAttributeNames(Map.of("#h", IndexRows.HASH))
                .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(hash))));
            resp.items().forEach(i -> keys.add(IndexRows.objectKey(i)));
            start = resp.hasLastEvaluatedKey() && !resp.lastEvaluatedKey().isEmpty() ? resp.lastEvaluatedKey() : null;
            if (start != null) {
              throw new IllegalStateException("index query paginated; extend the harness");
            }
          } while (start != null);
        }
      }
      for (String key : keys) {
        byte[] obj = s3c.getObject(b -> io.scopeline.service.storage.SegmentObjects.get(b, "scopeline-reports", key),
            ResponseTransformer.toBytes())
            .asByteArray();
        total += ReportCodec.decode(obj, ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT).windowNanos();
      }
      log.info("Read back {} stored objects", keys.size());
    }
    return total;
  }

}
