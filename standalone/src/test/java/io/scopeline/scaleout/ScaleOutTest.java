package io.scopeline.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.codec.WireHeaders;
import io.scopeline.embedded.FreePorts;
import io.scopeline.keys.Quanta;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import io.scopeline.model.Reports;
import io.scopeline.model.TopologyType;
import io.scopeline.testsupport.SharedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Two ingest and two query replicas, each in its own JVM, against one Kafka, S3, DynamoDB and
 * Redis: a killed ingest replica's partitions move to the other without loss, no object is
 * written with content that differs from what its key names, and WebSocket clients of a killed
 * query replica reconnect to the other and keep receiving.
 */
@ExtendWith(SharedInfrastructure.class)
class ScaleOutTest {
  private static final String TOPIC = "scaleout.reports";
  private static final String BUCKET = "scaleout-reports";
  private static final String TABLE = "scaleout_reports";
  private static final Quanta QUANTA = Quanta.of(Duration.ofSeconds(3));
  private static final List<String> TENANTS = List.of("so-0", "so-1", "so-2", "so-3", "so-4", "so-5", "so-6", "so-7");

  private final SharedInfrastructure.Servers infra = SharedInfrastructure.get();

  private Map<String, String> storage() {
    return StoredReports.replicaProperties(infra.springProperties(), BUCKET, TABLE);
  }

  private ServiceProcess ingest(String name) throws Exception {
    return ServiceProcess.start(name, "io.scopeline.ingest.IngestApplication", FreePorts.pick(),
        StoredReports.ingestProperties(infra.springProperties(), TOPIC, BUCKET, TABLE, "scaleout"));
  }

  private ServiceProcess query(String name) throws Exception {
    return ServiceProcess.start(name, "io.scopeline.query.QueryApplication", FreePorts.pick(), storage());
  }

  @Test
  void replicasFailOverWithoutLossOrConflictingWrites() throws Exception {
    infra.kafka().createTopics(4, TOPIC, TOPIC + ".dlq", TOPIC + ".status");
    List<AutoCloseable> running = new ArrayList<>();
    AtomicBoolean live = new AtomicBoolean(true);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
        infra.kafka().bootstrapServers(), "acks", "all", "linger.ms", 5), new StringSerializer(),
        new ByteArraySerializer())) {
      ServiceProcess ingestA = ingest("ingest-a");
      ServiceProcess ingestB = ingest("ingest-b");
      ServiceProcess queryA = query("query-a");
      ServiceProcess queryB = query("query-b");
      running.addAll(List.of(ingestA, ingestB, queryA, queryB));
      for (ServiceProcess s : List.of(ingestA, ingestB)) {
        s.awaitReady("/actuator/health/readiness", Duration.ofSeconds(90));
      }
      for (ServiceProcess s : List.of(queryA, queryB)) {
        s.awaitReady("/api", Duration.ofSeconds(90));
      }

      // A steady tenant for the WebSocket part, the whole time.
      java.util.concurrent.atomic.AtomicInteger steadySeq = new java.util.concurrent.atomic.AtomicInteger();
      StoredReports.repeat(Duration.ofMillis(300), live,
          () -> producer.send(StoredReports.report(TOPIC, "so-live", steadySeq.getAndIncrement())));

      // 8 tenants over 4 partitions; one ingest replica is SIGKILLed a third of the way in.
      Map<String, Set<Integer>> sent = new HashMap<>();
      int perTenant = 60;
      for (int seq = 0; seq < perTenant; seq++) {
        for (String tenant : TENANTS) {
          producer.send(StoredReports.report(TOPIC, tenant, seq)).get();
          sent.computeIfAbsent(tenant, t -> new TreeSet<>()).add(seq);
        }
        if (seq == perTenant / 3) {
          ingestA.kill();
        }
        Thread.sleep(100);
      }

      // Nothing lost: every report's process is in some indexed quantum.
      try (S3AsyncClient s3 = infra.s3Client(); DynamoDbAsyncClient dynamo = infra.dynamoClient()) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Map<String, Set<Integer>> stored = Map.of();
        boolean dumped = false;
        while (System.nanoTime() < deadline) {
          stored = StoredReports.indexedProcesses(s3, dynamo, BUCKET, TABLE);
          if (everythingStored(stored, sent)) {
            break;
          }
          if (!dumped && deadline - System.nanoTime() < TimeUnit.SECONDS.toNanos(45)) {
            ingestB.threadDump("waiting");
            dumped = true;
          }
          Thread.sleep(1000);
        }
        for (String tenant : TENANTS) {
          assertThat(stored.getOrDefault(tenant, Set.of())).as("processes of %s", tenant)
              .containsAll(sent.get(tenant));
        }
        // Every segment object, indexed or orphaned by the crash, and every indexed pack member holds
        // exactly the records its key names.
        assertThat(segmentsMatchTheirKeys(s3, dynamo)).isGreaterThan(TENANTS.size());
      }

      // A WebSocket client behind the "Service" survives the loss of its query replica.
      try (TcpBalancer balancer = new TcpBalancer(List.of(queryA.port, queryB.port));
          ReconnectingWatcher watcher = new ReconnectingWatcher(balancer.port(),
              "/api/topology/hosts/ws?t=1s", "so-live")) {
        assertThat(watcher.frames.poll(30, TimeUnit.SECONDS)).contains("host-so-live;<host>");
        queryA.kill();
        long killed = System.nanoTime();
        String after;
        do {
          after = watcher.frames.poll(30, TimeUnit.SECONDS);
          assertThat(after).as("frames after the replica died").isNotNull();
        } while (watcher.connections.get() < 2);
        assertThat(watcher.frames.poll(30, TimeUnit.SECONDS)).as("still receiving").isNotNull();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killed)).isLessThan(60);
      }
    } finally {
      live.set(false);
      for (AutoCloseable c : running) {
        c.close();
      }
    }
  }

  private static boolean everythingStored(Map<String, Set<Integer>> stored, Map<String, Set<Integer>> sent) {
    return TENANTS.stream().allMatch(t -> stored.getOrDefault(t, Set.of()).containsAll(sent.get(t)));
  }

  /**
   * For every segment (objects of their own, listed; pack members, as the index names them: a pack
   * has no list of its members): re-reads the Kafka records its key names (partition, first..last
   * offset, the key's tenant and quantum) and checks the segment holds exactly their processes.
   */
  private int segmentsMatchTheirKeys(S3AsyncClient s3, DynamoDbAsyncClient dynamo) throws Exception {
    List<String> keys = new ArrayList<>();
    s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().subscribe(o -> keys.add(o.key())).join();
    keys.removeIf(k -> k.contains("/pack-") || k.contains("/rollup-"));
    for (var item : dynamo.scan(b -> b.tableName(TABLE)).join().items()) {
      if (!io.scopeline.service.storage.IndexRows.isSegment(item)) {
        continue;
      }
      String key = io.scopeline.service.storage.IndexRows.objectKey(item);
      if (StorageKeys.storedAt(key).isRange()) {
        keys.add(key);
      }
    }
    int checked = 0;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
        infra.kafka().bootstrapServers()), new StringDeserializer(), new ByteArrayDeserializer())) {
      for (String key : keys) {
        io.scopeline.keys.SegmentRange range = io.scopeline.keys.SegmentRange.of(key);
        if (range == null) {
          continue;
        }
        long quantum = range.quantumStart();
        int partition = range.partition();
        long first = range.first();
        long last = range.last();
        String tenant = tenantOf(StorageKeys.segmentName(key), quantum);
        if (tenant == null) {
          continue;
        }
        TopicPartition tp = new TopicPartition(TOPIC, partition);
        consumer.assign(List.of(tp));
        consumer.seek(tp, first);
        List<Report> records = new ArrayList<>();
        long position = first;
        while (position <= last) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(2))) {
            position = r.offset() + 1;
            if (r.offset() <= last && tenant.equals(r.key())
                && QUANTA.startOf(r.timestamp() * 1_000_000L) == quantum) {
              records.add(ReportUpgrade.upgrade(ReportCodec.decode(r.value(), ReportFormat.MSGPACK_GZIP,
                  ReportLimits.DEFAULT)));
            }
          }
        }
        assertThat(StoredReports.pids(StoredReports.read(s3, BUCKET, key))).as("object %s", key)
            .isEqualTo(StoredReports.pids(Reports.merge(records)));
        checked++;
      }
    }
    return checked;
  }

  private static String tenantOf(String key, long quantum) throws Exception {
    String prefix = key.substring(0, key.indexOf('/'));
    List<String> all = new ArrayList<>(TENANTS);
    all.add("so-live");
    for (String t : all) {
      String hash = StorageKeys.indexHashKey(TenantId.of(t), quantum);
      String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(hash.getBytes(StandardCharsets.UTF_8)));
      if (md5.equals(prefix)) {
        return t;
      }
    }
    return null;
  }

  /** A WebSocket client that reconnects whenever its connection ends, as the UI does. */
  static final class ReconnectingWatcher implements WebSocket.Listener, AutoCloseable {
    final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    private final StringBuilder partial = new StringBuilder();
    private final URI uri;
    private final String tenant;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile boolean closed;
    private volatile WebSocket socket;

    ReconnectingWatcher(int port, String path, String tenant) {
      this.uri = URI.create("ws://127.0.0.1:" + port + path);
      this.tenant = tenant;
      connect();
    }

    private void connect() {
      while (!closed) {
        try {
          socket = http.newWebSocketBuilder().header(WireHeaders.ORG_ID, tenant).buildAsync(uri, this)
              .get(5, TimeUnit.SECONDS);
          connections.incrementAndGet();
          return;
        } catch (Exception e) {
          try {
            Thread.sleep(500);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      reconnectLater();
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      reconnectLater();
    }

    private void reconnectLater() {
      if (!closed) {
        Thread t = new Thread(this::connect, "watcher-reconnect");
        t.setDaemon(true);
        t.start();
      }
    }

    @Override
    public void close() {
      closed = true;
      if (socket != null) {
        socket.abort();
      }
    }
  }
}
