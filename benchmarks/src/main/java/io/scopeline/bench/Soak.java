package io.scopeline.bench;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.codec.WireHeaders;
import io.scopeline.embedded.EmbeddedDynamoDb;
import io.scopeline.embedded.EmbeddedKafka;
import io.scopeline.embedded.EmbeddedRedis;
import io.scopeline.embedded.EmbeddedS3;
import io.scopeline.embedded.FreePorts;
import io.scopeline.keys.SegmentRange;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import io.scopeline.service.storage.IndexRows;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Soak: an ingest service in its own JVM (from the standalone jar) on embedded Kafka, S3,
 * DynamoDB and Redis, taking numbered reports from many tenants at a steady rate — half posted
 * to its probe bridge, half produced to Kafka — while faults come every few minutes in turn:
 * S3 down, DynamoDB down, Redis blackholed (each for {@code outage}), ingest SIGKILLed and started
 * again, ingest stopped gracefully and started again. Every 15 s it prints the ingest JVM's heap
 * and RSS and the consumer lag; at the end it reads back everything stored, as readers count it,
 * and reports per fault cycle how many acknowledged reports were lost (must be 0) and how many
 * were counted twice.
 *
 * <p>Run (after {@code ./mvnw -q -pl standalone -am -DskipTests install}):
 * {@code ./mvnw -q -pl benchmarks exec:java -Dbench.main=io.scopeline.bench.Soak
 * -Dexec.args="minutes=30 rate=1000 tenants=50 faultEvery=150s"}.
 */
public final class Soak {
  private static final String TOPIC = "soak.reports";
  private static final String BUCKET = "soak-reports";
  private static final String TABLE = "soak_reports";
  private static final String KEY = "scopeline";
  private static final List<String> FAULTS = List.of("s3-down", "dynamodb-down", "redis-blackholed",
      "ingest-sigkill", "ingest-restart");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Map<String, String> args;
  private final int rate;
  private final int tenants;
  private final double bridgeShare;
  private final Duration outage;
  private final Duration faultEvery;
  private final Duration length;
  private final Path jar;
  private final Path dir;

  /**
   * Per report (its sequence number): the fault cycle it was sent in, plus one; negative while (or
   * if never) acknowledged; 0 = not sent.
   */
  private final AtomicIntegerArray ackedInCycle;
  private final AtomicInteger seq = new AtomicInteger();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong notAcked = new AtomicLong();
  /** Why reports were not acknowledged: bridge busy (64 posts in flight), bridge answered non-200, post failed, Kafka failed. */
  private final Map<String, AtomicLong> notAckedWhy = new ConcurrentHashMap<>();
  private final AtomicInteger cycle = new AtomicInteger();
  private final AtomicReference<String> phase = new AtomicReference<>("steady");
  private final Map<Integer, String> cycleFaults = new ConcurrentHashMap<>();

  private Soak(Map<String, String> a) throws IOException {
    this.args = a;
    this.rate = Integer.parseInt(a.getOrDefault("rate", "1000"));
    this.tenants = Integer.parseInt(a.getOrDefault("tenants", "50"));
    this.bridgeShare = Double.parseDouble(a.getOrDefault("bridgeShare", "0.5"));
    this.outage = Duration.parse("PT" + a.getOrDefault("outage", "20s").toUpperCase(Locale.ROOT));
    this.faultEvery = Duration.parse("PT" + a.getOrDefault("faultEvery", "150s").toUpperCase(Locale.ROOT));
    this.length = Duration.ofMinutes(Long.parseLong(a.getOrDefault("minutes", "30")));
    this.jar = Path.of(a.getOrDefault("jar", "standalone/target/scopeline-standalone.jar")).toAbsolutePath();
    this.dir = Files.createTempDirectory("scopeline-soak");
    this.ackedInCycle = new AtomicIntegerArray((int) Math.min(Integer.MAX_VALUE - 8,
        (long) (rate * 1.5) * length.toSeconds() + 100_000));
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new TreeMap<>();
    for (String arg : argv) {
      a.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    new Soak(a).run();
    System.exit(0);
  }

  private void run() throws Exception {
    System.out.printf(Locale.ROOT, "soak: %d min, %d reports/s (%.0f%% via the bridge), %d tenants, a fault every %d s"
        + " (outages %d s), data in %s%n", length.toMinutes(), rate, bridgeShare * 100, tenants,
        faultEvery.toSeconds(), outage.toSeconds(), dir);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), 0, KEY, KEY);
        EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start(dir.resolve("dynamodb"), 0);
        EmbeddedRedis redis = EmbeddedRedis.start(0);
        Admin admin = kafka.admin()) {
      kafka.createTopics(4, TOPIC, TOPIC + ".dlq", TOPIC + ".status");
      IngestProcess ingest = new IngestProcess(jar, dir, "ingest", args.getOrDefault("ingestXmx", "1g"), kafka, s3,
          dynamo, redis, KEY, List.of("--scopeline.kafka.reports-topic=" + TOPIC,
              "--scopeline.kafka.dead-letter-topic=" + TOPIC + ".dlq",
              "--scopeline.kafka.probe-status-topic=" + TOPIC + ".status", "--scopeline.kafka.consumer-group=soak",
              "--scopeline.kafka.group-instance-id=soak-ingest-0", "--scopeline.storage.s3.bucket=" + BUCKET,
              "--scopeline.storage.dynamodb.table=" + TABLE));
      ingest.start();
      Properties pp = new Properties();
      pp.put("bootstrap.servers", kafka.bootstrapServers());
      pp.put("acks", "all");
      pp.put("linger.ms", "5");
      ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
      long started = System.nanoTime();
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(),
          new ByteArraySerializer())) {
        Semaphore bridgeSlots = new Semaphore(64);
        double perTick = rate / 100.0;
        double[] owed = {0};
        var load = timers.scheduleAtFixedRate(() -> {
          owed[0] += perTick;
          while (owed[0] >= 1) {
            owed[0]--;
            send(producer, ingest, bridgeSlots);
          }
        }, 0, 10, TimeUnit.MILLISECONDS);
        System.out.println("elapsed-s  phase              acked    not-acked    lag  ingest-heap-MB  ingest-RSS-MB"
            + "  not acknowledged, why");
        var sampler = timers.scheduleAtFixedRate(() -> sample(started, admin, ingest), 15, 15, TimeUnit.SECONDS);
        long end = started + length.toNanos();
        long nextFault = started + faultEvery.toNanos();
        while (System.nanoTime() < end) {
          long now = System.nanoTime();
          if (now >= nextFault && nextFault + outage.toNanos() < end) {
            injectFault(ingest, s3, dynamo, redis);
            nextFault += faultEvery.toNanos();
          }
          Thread.sleep(200);
        }
        load.cancel(false);
        Thread.sleep(100);
        producer.flush();
        phase.set("draining");
        awaitDrained(admin, Duration.ofMinutes(5));
        sampler.cancel(false);
        sample(started, admin, ingest);
        verify(s3, dynamo);
      } finally {
        timers.shutdownNow();
        ingest.stop(true);
      }
    }
  }

  private void send(KafkaProducer<String, byte[]> producer, IngestProcess ingest, Semaphore bridgeSlots) {
    int n = seq.getAndIncrement();
    if (n >= ackedInCycle.length()) {
      return;
    }
    String tenant = "soak-" + (n % tenants);
    byte[] body = report(tenant, n);
    int c = cycle.get() + 1;
    ackedInCycle.set(n, -c);
    // Which path a report takes is a function of its number: the same split whatever the timing.
    boolean viaBridge = (n * 0.618_034) % 1.0 < bridgeShare;
    if (viaBridge) {
      if (!bridgeSlots.tryAcquire()) {
        notAcknowledged("busy"); // the bridge is behind: a probe would retry, we count it not sent
        return;
      }
      HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + "/api/report"))
              .timeout(Duration.ofSeconds(5)).header(WireHeaders.ORG_ID, tenant)
              .header("Content-Type", "application/msgpack").header("Content-Encoding", "gzip")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
          .whenComplete((r, e) -> {
            bridgeSlots.release();
            acknowledge(n, c, e != null ? "failed" : r.statusCode() == 200 ? null : "http-" + r.statusCode());
          });
    } else {
      ProducerRecord<String, byte[]> rec = new ProducerRecord<>(TOPIC, tenant, body);
      rec.headers().add(WireHeaders.ORG_ID, tenant.getBytes(StandardCharsets.UTF_8));
      producer.send(rec, (md, e) -> acknowledge(n, c, e == null ? null : "kafka"));
    }
  }

  /** {@code whyNot} null: acknowledged. */
  private void acknowledge(int n, int c, String whyNot) {
    if (whyNot == null) {
      ackedInCycle.set(n, c);
      acked.incrementAndGet();
    } else {
      notAcknowledged(whyNot);
    }
  }

  private void notAcknowledged(String why) {
    notAcked.incrementAndGet();
    notAckedWhy.computeIfAbsent(why, w -> new AtomicLong()).incrementAndGet();
  }

  /** A report of the tenant's one host with one process whose pid is the report's number; Window 1 s. */
  private static byte[] report(String tenant, int n) {
    long now = System.currentTimeMillis() * 1_000_000L;
    String host = tenant + "-host;<host>";
    Node h = Node.of(host, "host").withLatest("host_name", now, tenant + "-host");
    Node p = Node.of(tenant + "-host;" + n, "process").withLatest("pid", now, Integer.toString(n))
        .withLatest("host_node_id", now, host);
    return ReportCodec.encode(Report.builder().ts(now).windowNanos(1_000_000_000L)
        .topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(h))
        .topology(TopologyType.PROCESS, TopologyType.PROCESS.defaultTopology().withNode(p)).build(),
        ReportFormat.MSGPACK_GZIP);
  }

  private void injectFault(IngestProcess ingest, EmbeddedS3 s3, EmbeddedDynamoDb dynamo, EmbeddedRedis redis)
      throws Exception {
    int c = cycle.incrementAndGet();
    String fault = FAULTS.get((c - 1) % FAULTS.size());
    cycleFaults.put(c, fault);
    phase.set(fault);
    System.out.printf(Locale.ROOT, "-- cycle %d: %s%n", c, fault);
    switch (fault) {
      case "s3-down" -> outage(s3::stop, s3::restart);
      case "dynamodb-down" -> outage(dynamo::stop, dynamo::restart);
      case "redis-blackholed" -> outage(() -> redis.pauseClients(outage), () -> { });
      case "ingest-sigkill" -> {
        ingest.stop(false);
        ingest.start();
      }
      case "ingest-restart" -> {
        ingest.stop(true);
        ingest.start();
      }
      default -> throw new IllegalStateException(fault);
    }
    phase.set("steady");
  }

  private void outage(Runnable begin, Runnable end) throws InterruptedException {
    begin.run();
    try {
      Thread.sleep(outage.toMillis());
    } finally {
      end.run();
    }
  }

  private void sample(long started, Admin admin, IngestProcess ingest) {
    try {
      System.out.printf(Locale.ROOT, "%9d  %-17s %8d  %9d  %6d  %14s  %13s  %s%n",
          (System.nanoTime() - started) / 1_000_000_000L, phase.get(), acked.get(), notAcked.get(), lag(admin),
          ingest.heapMb(), ingest.rssMb(), new TreeMap<>(notAckedWhy));
    } catch (Exception e) {
      System.out.println("sample failed: " + e);
    }
  }

  private long lag(Admin admin) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("soak")
        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < 4; p++) {
      latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
    }
    long lag = 0;
    for (var e : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      lag += e.getValue().offset() - (c == null ? 0 : c.offset());
    }
    return lag;
  }

  private void awaitDrained(Admin admin, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (lag(admin) == 0) {
        return;
      }
      Thread.sleep(1_000);
    }
    System.out.println("WARNING: consumer lag not 0 after " + within.toSeconds() + " s of draining");
  }

  /** Reads back every counted quantum and prints loss and double counts per fault cycle. */
  private void verify(EmbeddedS3 s3, EmbeddedDynamoDb dynamo) throws Exception {
    var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, KEY));
    Map<String, List<String>> keysByTenant = new HashMap<>();
    long rows = 0;
    try (S3Client s3c = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(creds).forcePathStyle(true).build();
        DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(dynamo.endpoint()).region(Region.US_EAST_1)
            .credentialsProvider(creds).build()) {
      for (var page : ddb.scanPaginator(b -> b.tableName(TABLE))) {
        for (Map<String, AttributeValue> item : page.items()) {
          if (!IndexRows.isSegment(item)) {
            continue;
          }
          keysByTenant.computeIfAbsent(IndexRows.tenantOf(item), t -> new ArrayList<>()).add(IndexRows.objectKey(item));
          rows++;
        }
      }
      List<String> counted = new ArrayList<>();
      keysByTenant.values().forEach(keys -> counted.addAll(SegmentRange.covering(keys)));
      int[] timesStored = new int[ackedInCycle.length()];
      AtomicLong windowNanos = new AtomicLong();
      ExecutorService readers = Executors.newFixedThreadPool(4);
      List<Future<?>> reads = new ArrayList<>();
      for (String key : counted) {
        reads.add(readers.submit(() -> {
          byte[] obj = s3c.getObject(b -> io.scopeline.service.storage.SegmentObjects.get(b, BUCKET, key),
              ResponseTransformer.toBytes()).asByteArray();
          Report r = ReportCodec.decode(obj, ReportFormat.MSGPACK_GZIP, ReportLimits.UNLIMITED);
          windowNanos.addAndGet(r.windowNanos());
          synchronized (timesStored) {
            r.topology(TopologyType.PROCESS).nodes().forEach((id, n) -> timesStored[Integer.parseInt(n.latest().get("pid"))]++);
          }
        }));
      }
      for (Future<?> f : reads) {
        f.get();
      }
      readers.shutdown();
      long[][] perCycle = new long[cycle.get() + 1][4]; // acked, lost, twice, stored without an ack
      long storedReports = 0;
      for (int n = 0; n < Math.min(seq.get(), timesStored.length); n++) {
        int c = ackedInCycle.get(n);
        storedReports += timesStored[n];
        if (c > 0) {
          perCycle[c - 1][0]++;
          if (timesStored[n] == 0) {
            perCycle[c - 1][1]++;
          }
        } else if (c < 0 && timesStored[n] > 0) {
          perCycle[-c - 1][3]++;
        }
        if (timesStored[n] > 1) {
          perCycle[Math.abs(c) - 1][2]++;
        }
      }
      System.out.printf(Locale.ROOT, "%nread back: %d index rows, %d objects counted, %d reports stored, summed Window"
          + " %d s%n", rows, counted.size(), storedReports, windowNanos.get() / 1_000_000_000L);
      System.out.println("cycle  fault              acknowledged     lost  counted-twice  stored-unacknowledged");
      long lost = 0;
      long twice = 0;
      for (int c = 0; c < perCycle.length; c++) {
        lost += perCycle[c][1];
        twice += perCycle[c][2];
        System.out.printf(Locale.ROOT, "%5d  %-17s  %12d  %7d  %13d  %21d%n", c, c == 0 ? "(none yet)"
            : cycleFaults.get(c), perCycle[c][0], perCycle[c][1], perCycle[c][2], perCycle[c][3]);
      }
      System.out.printf(Locale.ROOT, "TOTAL: %d acknowledged, %d lost, %d counted twice; summed Window %s the stored"
          + " report count%n", acked.get(), lost, twice,
          windowNanos.get() == storedReports * 1_000_000_000L ? "equals" : "DIFFERS FROM");
    }
  }
}
