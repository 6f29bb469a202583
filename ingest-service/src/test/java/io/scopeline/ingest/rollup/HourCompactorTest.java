package io.scopeline.ingest.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.keys.Rollups;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import io.scopeline.model.Reports;
import io.scopeline.model.TopologyType;
import io.scopeline.render.EndpointOwners;
import io.scopeline.service.storage.IndexRows;
import io.scopeline.testsupport.SharedInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Compaction of stored quanta on real S3 (S3Proxy) and DynamoDB (DynamoDB Local). */
class HourCompactorTest {
  private static final String BUCKET = "rollup-test";
  private static final String TABLE = "rollup_test";
  private static final long QUANTUM = TimeUnit.SECONDS.toNanos(3);
  private static S3AsyncClient s3;
  private static DynamoDbAsyncClient dynamo;
  private static Scheduler cpu;
  private static HourCompactor compactor;

  @BeforeAll
  static void servers() {
    SharedInfrastructure.Servers servers = SharedInfrastructure.get();
    servers.createBucketAndTable(BUCKET, TABLE);
    s3 = servers.s3Client();
    dynamo = servers.dynamoClient();
    cpu = Schedulers.newParallel("rollup-test", 2);
    compactor = new HourCompactor(s3, dynamo, BUCKET, TABLE, cpu, 3, Duration.ofSeconds(10));
  }

  @AfterAll
  static void close() {
    cpu.dispose();
    s3.close();
    dynamo.close();
  }

  /** An hour that ended a while ago. */
  private static long pastHour(int hoursAgo) {
    return Rollups.Level.HOUR.startOf(System.currentTimeMillis() * 1_000_000L) - hoursAgo * 3_600_000_000_000L;
  }

  /**
   * A quantum's report: some of five hosts, each with a kernel version that changes now and then
   * and a CPU metric sampled every second of the quantum.
   */
  private static Report quantumReport(Random random, long quantumStart) {
    var hosts = TopologyType.HOST.defaultTopology();
    for (int h = 0; h < 5; h++) {
      if (random.nextInt(3) > 0) {
        long[] dates = {quantumStart, quantumStart + 1_000_000_000L, quantumStart + 2_000_000_000L};
        double[] cpu = {random.nextInt(100), random.nextInt(100), random.nextInt(100)};
        hosts = hosts.withNode(Node.of("host-" + h + ";<host>", "host")
            .withLatest("host_name", quantumStart, "host-" + h)
            .withLatest("kernel_version", quantumStart + random.nextInt(1_000_000), "6." + random.nextInt(4))
            .withMetrics(io.scopeline.model.KeyedMap.of("host_cpu_usage_percent",
                io.scopeline.model.Metric.of(dates, cpu, 0, 100))));
      }
    }
    return Report.builder().ts(quantumStart).windowNanos(QUANTUM).topology(TopologyType.HOST, hosts).build();
  }

  /** Stores a quantum as the ingest side does (object, then row) and returns its report. */
  private static Report store(TenantId tenant, long quantumStart, int partition, long offset, Report report) {
    String key = StorageKeys.objectKey(tenant, quantumStart, partition, offset, offset);
    s3.putObject(b -> b.bucket(BUCKET).key(key),
        AsyncRequestBody.fromBytes(ReportCodec.encode(report, ReportFormat.MSGPACK_GZIP))).join();
    dynamo.putItem(b -> b.tableName(TABLE).item(IndexRows.item(StorageKeys.indexHashKey(tenant, quantumStart),
        StorageKeys.indexRangeKey(quantumStart, partition, offset), key))).join();
    return report;
  }

  private static Report read(String key) {
    return ReportCodec.decode(bytes(key), ReportFormat.MSGPACK_GZIP, ReportLimits.UNLIMITED);
  }

  private static byte[] bytes(String key) {
    return s3.getObject(b -> b.bucket(BUCKET).key(key), AsyncResponseTransformer.toBytes()).join().asByteArray();
  }

  /**
   * Reports compare by their JSON, without the report ID: a merged report's ID is a digest of its
   * parts' IDs in merge order (as Scope's), so the hour merged from minutes is named differently
   * from the hour merged from quanta; nothing reads it but {@code /api/report}.
   */
  private static String json(Report r) {
    return new String(ReportCodec.encode(r, ReportFormat.JSON), java.nio.charset.StandardCharsets.UTF_8)
        .replaceAll("\"ID\":\"[0-9a-f]*\"", "\"ID\":\"-\"");
  }

  /** The quanta merged as readers see them, with metric samples thinned as {@code level} keeps them. */
  private static Report asReadersSeeThem(List<Report> quanta, Rollups.Level level) {
    return EndpointOwners.merge(quanta.stream().map(ReportUpgrade::upgrade).toList())
        .withMetricsDownsampled(level.sampleNanos());
  }

  private static List<String> rollupRows(TenantId tenant, Rollups.Level level, long at) {
    return dynamo.query(q -> q.tableName(TABLE).keyConditionExpression("#h = :h")
            .expressionAttributeNames(Map.of("#h", IndexRows.HASH))
            .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(Rollups.hashKey(tenant, level, at))))).join()
        .items().stream().map(IndexRows::objectKey).toList();
  }

  @Test
  void eachRollUpEqualsMergingItsQuantaAsReadersSeeThemForRandomHours() {
    for (int round = 0; round < 4; round++) {
      long seed = System.nanoTime();
      Random random = new Random(seed);
      TenantId tenant = TenantId.of("rollup-" + seed);
      long hour = pastHour(1 + round);
      TreeMap<Long, List<Report>> byMinute = new TreeMap<>();
      long offset = 0;
      int minutes = 1 + random.nextInt(4);
      List<Integer> minuteSlots = new ArrayList<>(java.util.stream.IntStream.range(0, 60).boxed().toList());
      java.util.Collections.shuffle(minuteSlots, random);
      for (int m = 0; m < minutes; m++) {
        long minute = hour + minuteSlots.get(m) * 60_000_000_000L;
        // Distinct quanta: two quanta with samples at the same instants would merge to either's.
        List<Integer> slots = new ArrayList<>(java.util.stream.IntStream.range(0, 20).boxed().toList());
        java.util.Collections.shuffle(slots, random);
        for (int q = 0; q < 1 + random.nextInt(5); q++) {
          long quantum = minute + slots.get(q) * QUANTUM;
          byMinute.computeIfAbsent(minute, k -> new ArrayList<>())
              .add(store(tenant, quantum, random.nextInt(2), offset++, quantumReport(random, quantum)));
        }
      }
      // Another tenant's quantum in the same hour is not compacted in.
      store(TenantId.of("other-" + seed), hour + QUANTUM, 0, offset, quantumReport(random, hour + QUANTUM));

      HourCompactor.Result r = compactor.compact(tenant, hour + 1).block();

      assertThat(r.quanta()).as("seed %d", seed).isEqualTo(byMinute.values().stream().mapToInt(List::size).sum());
      assertThat(r.minuteKeys()).as("seed %d", seed).hasSize(byMinute.size());
      int i = 0;
      for (List<Report> quanta : byMinute.values()) {
        assertThat(json(read(r.minuteKeys().get(i++)))).as("seed %d", seed).isEqualTo(json(asReadersSeeThem(quanta, Rollups.Level.MINUTE)));
      }
      List<Report> all = byMinute.values().stream().flatMap(List::stream).toList();
      assertThat(json(read(r.hourKey()))).as("seed %d", seed).isEqualTo(json(asReadersSeeThem(all, Rollups.Level.HOUR)));
      assertThat(rollupRows(tenant, Rollups.Level.MINUTE, hour)).containsExactlyInAnyOrderElementsOf(r.minuteKeys());
      assertThat(rollupRows(tenant, Rollups.Level.HOUR, hour)).containsExactly(r.hourKey());
      assertThat(r.minuteKeys()).allMatch(k -> Rollups.belongsTo(tenant, k));
      assertThat(Rollups.belongsTo(TenantId.of("other-" + seed), r.hourKey())).isFalse();
    }
  }

  @Test
  void compactingAgainWritesTheSameObjectsAndLateDataReplacesOnlyItsMinute() {
    Random random = new Random(42);
    TenantId tenant = TenantId.of("rollup-again-" + System.nanoTime());
    long hour = pastHour(6);
    for (int q = 0; q < 6; q++) {
      long quantum = hour + q * 20 * QUANTUM; // quanta in minutes 0, 1, 2, 3, 4, 5
      store(tenant, quantum, 0, q, quantumReport(random, quantum));
    }
    HourCompactor.Result first = compactor.compact(tenant, hour).block();
    Map<String, byte[]> stored = new TreeMap<>();
    first.minuteKeys().forEach(k -> stored.put(k, bytes(k)));

    HourCompactor.Result again = compactor.compact(tenant, hour).block();
    assertThat(again.minuteKeys()).isEqualTo(first.minuteKeys());
    assertThat(again.hourKey()).isEqualTo(first.hourKey());
    again.minuteKeys().forEach(k -> assertThat(bytes(k)).isEqualTo(stored.get(k)));

    // A late quantum of minute 2 arrives and the hour is compacted again.
    long late = hour + 2 * 60_000_000_000L + 5 * QUANTUM;
    store(tenant, late, 1, 100, quantumReport(random, late));
    HourCompactor.Result later = compactor.compact(tenant, hour).block();
    assertThat(later.quanta()).isEqualTo(7);
    for (int m = 0; m < 6; m++) {
      if (m == 2) {
        assertThat(later.minuteKeys().get(m)).isNotEqualTo(first.minuteKeys().get(m));
      } else {
        assertThat(later.minuteKeys().get(m)).isEqualTo(first.minuteKeys().get(m));
      }
    }
    assertThat(rollupRows(tenant, Rollups.Level.MINUTE, hour)).containsExactlyInAnyOrderElementsOf(later.minuteKeys());
    assertThat(rollupRows(tenant, Rollups.Level.HOUR, hour)).containsExactly(later.hourKey());
    assertThat(bytes(first.minuteKeys().get(2))).as("an object never changes under a reader")
        .isEqualTo(stored.get(first.minuteKeys().get(2)));
  }

  /**
   * A quantum in which a caller (pid 7 on host b) talks to {@code ;10.0.0.1;80}, held by
   * process {@code pid} named {@code name} on host a: a server restarted between two quanta is a
   * new pid behind the same address.
   */
  private static Report callQuantum(long at, int pid, String name) {
    Report.Builder b = Report.builder().ts(at).windowNanos(QUANTUM);
    b.topology(TopologyType.PROCESS, TopologyType.PROCESS.defaultTopology()
        .withNode(Node.of("a;" + pid, "process").withLatest("pid", at, "" + pid).withLatest("name", at, name)
            .withLatest("host_node_id", at, "a;<host>"))
        .withNode(Node.of("b;7", "process").withLatest("pid", at, "7").withLatest("name", at, "client")
            .withLatest("host_node_id", at, "b;<host>")));
    b.topology(TopologyType.ENDPOINT, TopologyType.ENDPOINT.defaultTopology()
        .withNode(Node.of(";10.0.0.1;80", "endpoint").withLatest("pid", at, "" + pid)
            .withLatest("host_node_id", at, "a;<host>"))
        .withNode(Node.of(";10.0.0.2;5000", "endpoint").withLatest("pid", at, "7")
            .withLatest("host_node_id", at, "b;<host>").withAdjacency(io.scopeline.model.StringSet.of(";10.0.0.1;80"))));
    return b.build();
  }

  @Test
  void rollUpsKeepAConnectionOnTheProcessThatHeldTheAddressThen() {
    TenantId tenant = TenantId.of("rollup-owners-" + System.nanoTime());
    long hour = pastHour(7);
    long early = hour + 10 * 60_000_000_000L;
    long late = hour + 40 * 60_000_000_000L;
    store(tenant, early, 0, 0, callQuantum(early, 100, "server-v1"));
    store(tenant, late, 0, 1, callQuantum(late, 200, "server-v2"));

    HourCompactor.Result r = compactor.compact(tenant, hour).block();

    // In the hour, the call at :10 went to v1 (pid 100), the call at :40 to v2 (pid 200).
    List<String> expected = List.of("b;7 -> a;100", "b;7 -> a;200");
    Report hourRollup = read(r.hourKey());
    assertThat(processEdges(hourRollup)).isEqualTo(expected);
    assertThat(hourRollup.topology(TopologyType.ENDPOINT).nodes().keyAt(1)).startsWith(";10.0.0.1;80;")
        .as("the earlier holder's endpoint is its own node");
    // Merged plainly, the address's newest pid wins and v1 is never called.
    assertThat(processEdges(Reports.merge(List.of(read(r.minuteKeys().get(0)), read(r.minuteKeys().get(1))))))
        .isEqualTo(List.of("b;7 -> a;200"));
  }

  private static List<String> processEdges(Report r) {
    List<String> out = new ArrayList<>();
    new io.scopeline.render.Views(r).summaries("processes", Map.of()).orElseThrow()
        .forEach((id, n) -> n.adjacency().forEach(to -> out.add(id + " -> " + to)));
    return out.stream().sorted().toList();
  }

  @Test
  void anHourWithoutQuantaStoresNothing() {
    TenantId tenant = TenantId.of("rollup-empty-" + System.nanoTime());
    HourCompactor.Result r = compactor.compact(tenant, pastHour(3)).block();
    assertThat(r.quanta()).isZero();
    assertThat(r.hourKey()).isNull();
    assertThat(rollupRows(tenant, Rollups.Level.HOUR, pastHour(3))).isEmpty();
  }
}
