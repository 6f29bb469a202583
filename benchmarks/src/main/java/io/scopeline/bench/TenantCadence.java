package io.scopeline.bench;

import io.scopeline.codec.WireHeaders;
import io.scopeline.embedded.EmbeddedDynamoDb;
import io.scopeline.embedded.EmbeddedKafka;
import io.scopeline.embedded.EmbeddedRedis;
import io.scopeline.embedded.EmbeddedS3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Many small tenants at the real cadence: every probe of every tenant publishes a real-probe report
 * every 3 s (spread evenly over the 3 s, record time = now) to embedded Kafka, and an ingest
 * service in its own JVM (from the standalone jar) persists them to S3Proxy, DynamoDB Local and
 * Redis. The same load runs once per layout, one after the other in the same run, each on its own
 * topic, consumer group, bucket and table: one object per segment ({@code pack-segments=false},
 * the baseline) and packed. Every 10 s it prints the consumer lag, the ingest JVM's heap and RSS;
 * over the steady part (after {@code warmup}) it measures S3 PUTs/s, index rows/s (DynamoDB write
 * units: a row is well under 1 KB), BatchWriteItem calls/s, Redis writes/s, the ingest JVM's CPU,
 * and whether the lag grew.
 *
 * <p>Run (after {@code ./mvnw -q -pl standalone,benchmarks -am -DskipTests install}), from
 * {@code benchmarks/}: {@code ../mvnw -q exec:java -Dbench.main=io.scopeline.bench.TenantCadence
 * -Dexec.args="tenants=1000 minutes=3" -Dscopeline.shared.dir=../../shared}. Arguments:
 * {@code tenants=1000 maxProbes=3} (tenant t has 1 + t % maxProbes probes), {@code minutes=3}
 * (per layout, warm-up included), {@code warmup=60} (seconds), {@code partitions=4},
 * {@code layouts=per-segment,packed}, {@code ingestXmx=2g}, {@code hostVariants=200} (distinct
 * hosts the probes' reports are rewritten to; tenants are separate, so they may share them).
 */
public final class TenantCadence {
  private static final String KEY = "scopeline";
  private static final long CADENCE_MS = 3_000;
  private static final long TICK_MS = 100;

  private final int tenants;
  private final int maxProbes;
  private final long minutes;
  private final long warmupSeconds;
  private final int partitions;
  private final List<String> layouts;
  private final String xmx;
  private final Path jar;
  private final Path dir;
  /** Per probe: its tenant. */
  private final int[] tenantOf;
  private final List<List<byte[]>> variants;

  private TenantCadence(Map<String, String> a) throws Exception {
    tenants = Integer.parseInt(a.getOrDefault("tenants", "1000"));
    maxProbes = Integer.parseInt(a.getOrDefault("maxProbes", "3"));
    minutes = Long.parseLong(a.getOrDefault("minutes", "3"));
    warmupSeconds = Long.parseLong(a.getOrDefault("warmup", "60"));
    partitions = Integer.parseInt(a.getOrDefault("partitions", "4"));
    layouts = List.of(a.getOrDefault("layouts", "per-segment,packed").split(","));
    xmx = a.getOrDefault("ingestXmx", "2g");
    jar = Path.of(a.getOrDefault("jar", "../standalone/target/scopeline-standalone.jar")).toAbsolutePath();
    dir = Files.createTempDirectory("scopeline-cadence");
    List<Integer> owners = new ArrayList<>();
    for (int t = 0; t < tenants; t++) {
      for (int p = 0; p < 1 + t % maxProbes; p++) {
        owners.add(t);
      }
    }
    tenantOf = owners.stream().mapToInt(Integer::intValue).toArray();
    List<byte[]> bodies = BenchmarkInputs.bodies(BenchmarkInputs.REAL_PROBE);
    int hosts = Integer.parseInt(a.getOrDefault("hostVariants", "200"));
    variants = new ArrayList<>();
    for (int h = 0; h < hosts; h++) {
      variants.add(BenchmarkInputs.asHost(bodies, String.format(Locale.ROOT, "host-%04d", h)));
    }
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new TreeMap<>();
    for (String arg : argv) {
      a.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    new TenantCadence(a).run();
    System.exit(0);
  }

  /** What one layout's steady part measured. */
  private record Result(String layout, double reportsPerSecond, long lagAtStart, long lagAtEnd, long lagMax,
      double putsPerSecond, double rowsPerSecond, double batchCallsPerSecond, double redisWritesPerSecond,
      double packsPerSecond, double cpuShare, long heapMaxMb, long rssMaxMb, long produced, long committed,
      double drainSeconds) {}

  private void run() throws Exception {
    System.out.printf(Locale.ROOT, "cadence: %d tenants, %d probes (1..%d per tenant), one real-probe report per probe"
        + " every 3 s = %.0f reports/s; %d min per layout (%d s warm-up), %d partitions; logs in %s%n", tenants,
        tenantOf.length, maxProbes, tenantOf.length * 1000.0 / CADENCE_MS, minutes, warmupSeconds, partitions, dir);
    List<Result> results = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), 0, KEY, KEY);
        EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start(null, 0);
        EmbeddedRedis redis = EmbeddedRedis.start(0);
        Admin admin = kafka.admin()) {
      for (String layout : layouts) {
        results.add(runLayout(layout, kafka, s3, dynamo, redis, admin));
      }
    }
    System.out.println();
    System.out.println("| layout | reports/s | lag at warm-up end → end (max), records | S3 PUTs/s | packs/s | index rows/s"
        + " (= DynamoDB WCU/s) | BatchWriteItem/s | Redis writes/s | ingest CPU (of 2 cores) | ingest heap max"
        + " | ingest RSS max | drain after load |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "| %s | %.0f | %,d → %,d (%,d) | %.1f | %.2f | %.0f | %.1f | %.0f | %.0f %% | %d MiB"
          + " | %d MiB | %.1f s |%n", r.layout(), r.reportsPerSecond(), r.lagAtStart(), r.lagAtEnd(), r.lagMax(),
          r.putsPerSecond(), r.packsPerSecond(), r.rowsPerSecond(), r.batchCallsPerSecond(),
          r.redisWritesPerSecond(), 100 * r.cpuShare(), r.heapMaxMb(), r.rssMaxMb(), r.drainSeconds());
    }
    if (results.size() == 2 && results.get(0).putsPerSecond() > 0) {
      Result base = results.get(0);
      Result other = results.get(1);
      System.out.printf(Locale.ROOT, "| %s / %s | %.2f | | %.4f | | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | |%n",
          other.layout(), base.layout(), other.reportsPerSecond() / base.reportsPerSecond(),
          other.putsPerSecond() / base.putsPerSecond(), other.rowsPerSecond() / base.rowsPerSecond(),
          other.batchCallsPerSecond() / base.batchCallsPerSecond(),
          other.redisWritesPerSecond() / base.redisWritesPerSecond(), other.cpuShare() / base.cpuShare(),
          (double) other.heapMaxMb() / base.heapMaxMb(), (double) other.rssMaxMb() / base.rssMaxMb());
    }
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "%s: produced %,d, committed %,d after the drain%s%n", r.layout(), r.produced(),
          r.committed(), r.produced() == r.committed() ? "" : " — NOT ALL COMMITTED");
    }
  }

  private Result runLayout(String layout, EmbeddedKafka kafka, EmbeddedS3 s3, EmbeddedDynamoDb dynamo,
      EmbeddedRedis redis, Admin admin) throws Exception {
    String topic = "cadence-" + layout;
    String group = "cadence-" + layout;
    kafka.createTopics(partitions, topic, topic + ".dlq", topic + ".status");
    boolean packed = !layout.equals("per-segment");
    IngestProcess ingest = new IngestProcess(jar, dir, "ingest-" + layout, xmx, kafka, s3, dynamo, redis, KEY,
        List.of("--scopeline.kafka.reports-topic=" + topic, "--scopeline.kafka.dead-letter-topic=" + topic + ".dlq",
            "--scopeline.kafka.probe-status-topic=" + topic + ".status", "--scopeline.kafka.consumer-group=" + group,
            "--scopeline.storage.s3.bucket=" + topic, "--scopeline.storage.dynamodb.table=cadence_"
                + layout.replace('-', '_'),
            "--scopeline.ingest.pack-segments=" + packed));
    ingest.start();
    System.out.printf(Locale.ROOT, "%n== layout %s (pack-segments=%s)%n", layout, packed);
    System.out.println("elapsed-s  produced   lag-records  ingest-heap-MB  ingest-RSS-MB  ingest-CPU-%  S3-PUTs  rows");
    Properties pp = new Properties();
    pp.put("bootstrap.servers", kafka.bootstrapServers());
    pp.put("acks", "all");
    pp.put("linger.ms", "20");
    AtomicLong produced = new AtomicLong();
    ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);
    long[] published = new long[tenantOf.length];
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(),
        new ByteArraySerializer())) {
      int ticksPerCadence = (int) (CADENCE_MS / TICK_MS);
      long[] tick = {0};
      // Each tick sends the probes whose turn it is, so every probe publishes once per 3 s and the
      // load is spread over the 3 s as a real fleet's is.
      var load = timers.scheduleAtFixedRate(() -> {
        int slot = (int) (tick[0]++ % ticksPerCadence);
        for (int p = slot; p < tenantOf.length; p += ticksPerCadence) {
          String tenant = "tenant-" + tenantOf[p];
          List<byte[]> bodies = variants.get(p % variants.size());
          byte[] body = bodies.get((int) (published[p]++ % bodies.size()));
          ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, tenant, body);
          r.headers().add(WireHeaders.ORG_ID, tenant.getBytes(StandardCharsets.UTF_8));
          r.headers().add(WireHeaders.PROBE_ID, ("probe-" + p).getBytes(StandardCharsets.UTF_8));
          r.headers().add(WireHeaders.CONTENT_TYPE, "application/msgpack".getBytes(StandardCharsets.UTF_8));
          r.headers().add(WireHeaders.CONTENT_ENCODING, "gzip".getBytes(StandardCharsets.UTF_8));
          producer.send(r);
          produced.incrementAndGet();
        }
      }, 0, TICK_MS, TimeUnit.MILLISECONDS);
      long started = System.nanoTime();
      long end = started + TimeUnit.MINUTES.toNanos(minutes);
      long steadyFrom = started + TimeUnit.SECONDS.toNanos(warmupSeconds);
      Map<String, Double> atSteady = null;
      double cpuAtSteady = 0;
      long producedAtSteady = 0;
      long steadyStarted = 0;
      long lagAtStart = 0;
      long lagLast = 0;
      long lagMax = 0;
      long heapMax = 0;
      long rssMax = 0;
      while (System.nanoTime() < end) {
        Thread.sleep(10_000);
        Map<String, Double> m = ingest.metrics();
        long lag = lag(admin, topic, group);
        long heap = (long) (m.getOrDefault("jvm_memory_used_bytes", 0.0) / (1 << 20));
        long rss = ingest.statusKb("VmRSS:") / 1024;
        double cpu = ingest.cpuSeconds();
        System.out.printf(Locale.ROOT, "%9d  %8d  %12d  %14d  %13d  %11.0f  %7.0f  %5.0f%n",
            (System.nanoTime() - started) / 1_000_000_000L, produced.get(), lag, heap, rss,
            100 * cpu / ((System.nanoTime() - started) / 1e9) / 2, m.getOrDefault(PUTS, 0.0),
            m.getOrDefault(ROWS, 0.0));
        if (atSteady == null && System.nanoTime() >= steadyFrom) {
          atSteady = m;
          cpuAtSteady = cpu;
          producedAtSteady = produced.get();
          steadyStarted = System.nanoTime();
          lagAtStart = lag;
        }
        if (atSteady != null) {
          lagMax = Math.max(lagMax, lag);
          heapMax = Math.max(heapMax, heap);
          rssMax = Math.max(rssMax, rss);
        }
        lagLast = lag;
      }
      Map<String, Double> atEnd = ingest.metrics();
      double seconds = (System.nanoTime() - steadyStarted) / 1e9;
      double cpuShare = (ingest.cpuSeconds() - cpuAtSteady) / seconds / 2;
      double reportsPerSecond = (produced.get() - producedAtSteady) / seconds;
      load.cancel(false);
      producer.flush();
      long drainStart = System.nanoTime();
      long deadline = drainStart + TimeUnit.MINUTES.toNanos(5);
      long committed;
      while ((committed = committed(admin, group)) < produced.get() && System.nanoTime() < deadline) {
        Thread.sleep(500);
      }
      double drain = (System.nanoTime() - drainStart) / 1e9;
      Map<String, Double> from = atSteady == null ? Map.of() : atSteady;
      Result r = new Result(layout, reportsPerSecond, lagAtStart, lagLast, lagMax,
          rate(from, atEnd, PUTS, seconds), rate(from, atEnd, ROWS, seconds), rate(from, atEnd, BATCHES, seconds),
          rate(from, atEnd, REDIS_WRITES, seconds), rate(from, atEnd, PACKS, seconds), cpuShare, heapMax, rssMax,
          produced.get(), committed, drain);
      ingest.stop(true);
      return r;
    } finally {
      timers.shutdownNow();
      ingest.stop(false);
    }
  }

  private static final String PUTS = "scopeline_ingest_s3_put_seconds_count";
  private static final String ROWS = "scopeline_ingest_index_rows_total";
  private static final String BATCHES = "scopeline_ingest_dynamodb_batch_seconds_count";
  private static final String REDIS_WRITES = "scopeline_ingest_redis_writes_total";
  private static final String PACKS = "scopeline_ingest_packs_persisted_total";

  private static double rate(Map<String, Double> from, Map<String, Double> to, String metric, double seconds) {
    return (to.getOrDefault(metric, 0.0) - from.getOrDefault(metric, 0.0)) / seconds;
  }

  private long lag(Admin admin, String topic, String group) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    long end = 0;
    for (var e : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values()) {
      end += e.offset();
    }
    return end - committed(admin, group);
  }

  private static long committed(Admin admin, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    long sum = 0;
    for (OffsetAndMetadata o : offsets.values()) {
      sum += o == null ? 0 : o.offset();
    }
    return sum;
  }
}
