package io.scopeline.scaleout;

import io.scopeline.service.storage.IndexRows;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.codec.WireHeaders;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Reports whose one process names their sequence number (its pid), and what the stores hold of
 * them: which sequence numbers of which tenant every indexed quantum contains.
 */
final class StoredReports {
  private StoredReports() {}

  /** Properties of a service replica on the shared stores, with its own bucket and table. */
  static Map<String, String> replicaProperties(Map<String, String> infra, String bucket, String table) {
    Map<String, String> p = new HashMap<>(infra);
    p.put("scopeline.storage.s3.bucket", bucket);
    p.put("scopeline.storage.dynamodb.table", table);
    p.put("scopeline.storage.region", "us-east-1");
    p.put("logging.level.root", "WARN");
    p.put("logging.level.io.scopeline", "INFO");
    // Each replica runs with its own defaults only: no application.yml from this module's classpath.
    p.put("spring.config.name", "scaleout-replica");
    return p;
  }

  /** Properties of an ingest replica on the shared stores, with its own topics, bucket, table and group. */
  static Map<String, String> ingestProperties(Map<String, String> infra, String topic, String bucket, String table,
      String group) {
    Map<String, String> p = replicaProperties(infra, bucket, table);
    p.put("scopeline.kafka.reports-topic", topic);
    p.put("scopeline.kafka.dead-letter-topic", topic + ".dlq");
    p.put("scopeline.kafka.probe-status-topic", topic + ".status");
    p.put("scopeline.kafka.consumer-group", group);
    p.put("scopeline.kafka.session-timeout", "6s");
    p.put("scopeline.storage.create-resources", "true");
    p.put("management.endpoint.health.probes.enabled", "true");
    p.put("management.endpoint.health.group.readiness.include", "readinessState,storageBootstrap,kafkaHealth");
    return p;
  }

  /** Starts a daemon thread that runs {@code step} every {@code period} while {@code running} holds. */
  static Thread repeat(java.time.Duration period, java.util.concurrent.atomic.AtomicBoolean running, Runnable step) {
    Thread t = new Thread(() -> {
      while (running.get()) {
        step.run();
        try {
          Thread.sleep(period.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** A record of {@code tenant}'s host with one process whose pid is {@code seq}. */
  static ProducerRecord<String, byte[]> report(String topic, String tenant, int seq) {
    long now = System.currentTimeMillis() * 1_000_000L;
    String host = "host-" + tenant + ";<host>";
    Node h = Node.of(host, "host").withLatest("host_name", now, "host-" + tenant);
    Node p = Node.of("host-" + tenant + ";" + seq, "process").withLatest("pid", now, Integer.toString(seq))
        .withLatest("host_node_id", now, host);
    Report r = Report.builder().ts(now).windowNanos(1_000_000_000L)
        .topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(h))
        .topology(TopologyType.PROCESS, TopologyType.PROCESS.defaultTopology().withNode(p)).build();
    ProducerRecord<String, byte[]> rec = new ProducerRecord<>(topic, tenant, ReportCodec.encode(r,
        ReportFormat.MSGPACK_GZIP));
    rec.headers().add(WireHeaders.ORG_ID, tenant.getBytes(StandardCharsets.UTF_8));
    return rec;
  }

  static Report read(S3AsyncClient s3, String bucket, String key) {
    byte[] bytes = s3.getObject(b -> io.scopeline.service.storage.SegmentObjects.get(b, bucket, key),
        AsyncResponseTransformer.toBytes()).join().asByteArray();
    return ReportCodec.decode(bytes, ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT);
  }

  static Set<Integer> pids(Report r) {
    Set<Integer> out = new HashSet<>();
    r.topology(TopologyType.PROCESS).nodes().forEach((id, n) -> out.add(Integer.parseInt(n.latest().get("pid"))));
    return out;
  }

  /** Tenant → the pids of every quantum the index points at, once per indexed object (repeats kept). */
  static Map<String, List<Integer>> indexedPidsPerObject(S3AsyncClient s3, DynamoDbAsyncClient dynamo, String bucket,
      String table) {
    Map<String, List<Integer>> out = new HashMap<>();
    var items = dynamo.scan(b -> b.tableName(table)).join().items();
    for (var item : items) {
      if (!IndexRows.isSegment(item)) {
        continue;
      }
      out.computeIfAbsent(IndexRows.tenantOf(item), t -> new ArrayList<>())
          .addAll(pids(read(s3, bucket, IndexRows.objectKey(item))));
    }
    return out;
  }

  /**
   * Tenant → the pids of every quantum a reader counts (of two cuts of the same records only the
   * one holding more, as readers do), once per object, repeats kept.
   */
  static Map<String, List<Integer>> readablePidsPerObject(S3AsyncClient s3, DynamoDbAsyncClient dynamo,
      String bucket, String table) {
    Map<String, List<Integer>> out = new HashMap<>();
    readableKeys(dynamo, table).forEach((tenant, keys) -> {
      for (String key : keys) {
        out.computeIfAbsent(tenant, t -> new ArrayList<>()).addAll(pids(read(s3, bucket, key)));
      }
    });
    return out;
  }

  /** Tenant → the summed Window (nanoseconds) of every quantum a reader counts. */
  static Map<String, Long> readableWindowNanos(S3AsyncClient s3, DynamoDbAsyncClient dynamo, String bucket,
      String table) {
    Map<String, Long> out = new HashMap<>();
    readableKeys(dynamo, table).forEach((tenant, keys) -> {
      for (String key : keys) {
        out.merge(tenant, read(s3, bucket, key).windowNanos(), Long::sum);
      }
    });
    return out;
  }

  private static Map<String, List<String>> readableKeys(DynamoDbAsyncClient dynamo, String table) {
    Map<String, List<String>> keys = new HashMap<>();
    for (var item : dynamo.scan(b -> b.tableName(table)).join().items()) {
      if (!IndexRows.isSegment(item)) {
        continue;
      }
      keys.computeIfAbsent(IndexRows.tenantOf(item), t -> new ArrayList<>()).add(IndexRows.objectKey(item));
    }
    keys.replaceAll((tenant, list) -> io.scopeline.keys.SegmentRange.covering(list));
    return keys;
  }

  /** Tenant → processes of every quantum the index points at. */
  static Map<String, Set<Integer>> indexedProcesses(S3AsyncClient s3, DynamoDbAsyncClient dynamo, String bucket,
      String table) {
    Map<String, Set<Integer>> out = new HashMap<>();
    indexedPidsPerObject(s3, dynamo, bucket, table).forEach((t, pids) -> out.put(t, new HashSet<>(pids)));
    return out;
  }
}
