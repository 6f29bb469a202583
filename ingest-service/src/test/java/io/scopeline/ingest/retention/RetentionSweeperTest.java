package io.scopeline.ingest.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.ingest.config.IngestProperties;
import io.scopeline.ingest.config.RetentionProperties;
import io.scopeline.ingest.rollup.HourCompactor;
import io.scopeline.ingest.store.ReportIndex;
import io.scopeline.keys.PackedObject;
import io.scopeline.keys.Rollups;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import io.scopeline.service.storage.IndexRows;
import io.scopeline.testsupport.SharedInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Retention on real S3 (S3Proxy) and DynamoDB (DynamoDB Local), with a clock the test moves. */
class RetentionSweeperTest {
  private static final String BUCKET = "retention-test";
  private static final String TABLE = "retention_test";
  private static final long QUANTUM = TimeUnit.SECONDS.toNanos(3);
  private static final long HOUR = TimeUnit.HOURS.toNanos(1);
  private static final int PARTITIONS = 2;
  private static S3AsyncClient s3;
  private static DynamoDbAsyncClient dynamo;
  private static Scheduler cpu;
  private static HourCompactor compactor;
  private static ReportIndex index;
  private static TenantHours catalog;

  @BeforeAll
  static void servers() {
    SharedInfrastructure.Servers servers = SharedInfrastructure.get();
    servers.createBucketAndTable(BUCKET, TABLE);
    s3 = servers.s3Client();
    dynamo = servers.dynamoClient();
    cpu = Schedulers.newParallel("retention-test", 2);
    compactor = new HourCompactor(s3, dynamo, BUCKET, TABLE, cpu, 3, Duration.ofSeconds(10));
    IngestProperties ingest = new Binder(new MapConfigurationPropertySource(Map.of()))
        .bindOrCreate("scopeline.ingest", IngestProperties.class);
    index = new ReportIndex(dynamo, TABLE, ingest, new SimpleMeterRegistry());
    catalog = new TenantHours(dynamo, TABLE, Duration.ofSeconds(10));
  }

  @AfterAll
  static void close() {
    index.close();
    cpu.dispose();
    s3.close();
    dynamo.close();
  }

  /** Each test starts with no lease and no cursors, as on a new deployment. */
  @BeforeEach
  void noLease() {
    dynamo.deleteItem(b -> b.tableName(TABLE).key(Map.of(IndexRows.HASH,
        AttributeValue.fromS(RetentionSweeper.LEASE_HASH), IndexRows.RANGE, AttributeValue.fromN("0")))).join();
  }

  /** Raw 2 h, minute roll-ups 3 h, hour roll-ups 4 h. */
  private static RetentionProperties retention() {
    return new Binder(new MapConfigurationPropertySource(Map.of("scopeline.retention.raw", "2h",
        "scopeline.retention.minute", "3h", "scopeline.retention.hour", "4h")))
        .bindOrCreate("scopeline.retention", RetentionProperties.class);
  }

  private static RetentionSweeper sweeper(String holder, AtomicLong nowMillis) {
    return new RetentionSweeper(s3, dynamo, BUCKET, TABLE, compactor, catalog, retention(), PARTITIONS,
        new SimpleMeterRegistry(), nowMillis::get, Duration.ofSeconds(10), holder, true);
  }

  private static Report quantumReport(long quantumStart, String host) {
    return Report.builder().ts(quantumStart).windowNanos(QUANTUM).topology(TopologyType.HOST,
        TopologyType.HOST.defaultTopology().withNode(Node.of(host + ";<host>", "host")
            .withLatest("host_name", quantumStart, host))).build();
  }

  private static byte[] encoded(long quantumStart, String host) {
    return ReportCodec.encode(quantumReport(quantumStart, host), ReportFormat.MSGPACK_GZIP);
  }

  private static void put(String key, byte[] bytes) {
    s3.putObject(b -> b.bucket(BUCKET).key(key), AsyncRequestBody.fromBytes(bytes)).join();
  }

  /** A quantum in an object of its own, then its row and its tenant-hour in the catalog, as ingest writes them. */
  private static void storeOwn(TenantId tenant, long quantum, long offset) {
    String key = StorageKeys.objectKey(tenant, quantum, 0, offset, offset);
    put(key, encoded(quantum, "host-" + offset));
    index.put(StorageKeys.indexHashKey(tenant, quantum), StorageKeys.indexRangeKey(quantum, 0, offset), key)
        .then(catalog.record(index, tenant, quantum)).block();
  }

  /** Two quanta of {@code tenant} packed in one object of partition 1. */
  private static String storePacked(TenantId tenant, long quantum, long offset) {
    List<PackedObject.Part> parts = List.of(
        new PackedObject.Part(tenant, offset, offset, encoded(quantum, "packed-a")),
        new PackedObject.Part(tenant, offset + 1, offset + 1, encoded(quantum + QUANTUM, "packed-b")));
    PackedObject.Packed pack = PackedObject.pack(parts);
    String packKey = StorageKeys.packKey(1, quantum + QUANTUM, offset, offset + 1, pack.bytes());
    put(packKey, pack.bytes());
    for (int i = 0; i < 2; i++) {
      PackedObject.Member m = pack.members().get(i);
      long q = quantum + i * QUANTUM;
      String key = StorageKeys.packedSegmentKey(StorageKeys.objectKey(tenant, q, 1, offset + i, offset + i),
          new PackedObject.Ref(packKey, m.byteOffset(), m.byteLength()));
      index.put(StorageKeys.indexHashKey(tenant, q), StorageKeys.indexRangeKey(q, 1, offset + i), key).block();
    }
    catalog.record(index, tenant, quantum).block();
    return packKey;
  }

  private static List<String> objectsUnder(String prefix) {
    return StoreDeletes.list(s3, BUCKET, prefix).collectList().block();
  }

  private static List<String> rowsUnder(String hashKey) {
    return IndexRows.rows(dynamo, TABLE, hashKey, Duration.ofSeconds(10)).map(IndexRows::objectKey).collectList()
        .block();
  }

  private static boolean exists(String key) {
    return !objectsUnder(key).isEmpty();
  }

  @Test
  void eachLevelIsDeletedWhenItsRetentionEndsAndNothingElse() {
    String run = Long.toString(System.nanoTime());
    TenantId a = TenantId.of("keep-a-" + run);
    TenantId b = TenantId.of("keep-b-" + run);
    // An hour of its own per run (the table and bucket are shared with nothing but this class).
    long h = Rollups.Level.HOUR.startOf(System.currentTimeMillis() * 1_000_000L) - 100 * HOUR;
    long next = h + HOUR;
    storeOwn(a, h, 0);
    storeOwn(a, h + 20 * QUANTUM, 1);
    String orphan = StorageKeys.objectKey(a, h + 40 * QUANTUM, 0, 7, 9); // a replay's leftover, no row
    put(orphan, encoded(h, "orphan"));
    String pack = storePacked(b, h + 100 * QUANTUM, 10);
    storeOwn(a, next, 2);
    HourCompactor.Result aHour = compactor.compact(a, h).block(); // b's hour is never compacted
    assertThat(compactor.compactedAt(b, h).block()).isNegative();
    assertThat(catalog.tenants(StorageKeys.hourOf(h)).block()).containsExactlyInAnyOrder(a, b);

    // Raw is due for h (it ended over 2 h ago), nothing else is.
    AtomicLong now = new AtomicLong((h + 3 * HOUR + 60_000_000_000L) / 1_000_000L);
    RetentionSweeper sweeper = sweeper("replica-1", now);
    RetentionSweeper.Sweep first = sweeper.sweep().block();

    assertThat(first.leased()).isTrue();
    assertThat(rowsUnder(StorageKeys.indexHashKey(a, h))).isEmpty();
    assertThat(rowsUnder(StorageKeys.indexHashKey(b, h))).isEmpty();
    assertThat(objectsUnder(StorageKeys.segmentPrefix(a, h))).isEmpty();
    assertThat(exists(pack)).as("the pack of b's quanta").isFalse();
    assertThat(rowsUnder(StorageKeys.indexHashKey(a, next))).as("the next hour's quanta").hasSize(1);
    assertThat(compactor.compactedAt(b, h).block()).as("b's hour compacted before its quanta went").isNotNegative();
    assertThat(rowsUnder(Rollups.hashKey(b, Rollups.Level.MINUTE, h))).hasSize(1);
    assertThat(rowsUnder(Rollups.hashKey(a, Rollups.Level.MINUTE, h))).containsExactlyElementsOf(aHour.minuteKeys());
    aHour.minuteKeys().forEach(k -> assertThat(exists(k)).isTrue());
    assertThat(first.rows()).isEqualTo(4);
    assertThat(first.objects()).isEqualTo(4);

    // Sweeping again at the same time finds nothing more to do.
    RetentionSweeper.Sweep again = sweeper.sweep().block();
    assertThat(again.rows()).isZero();
    assertThat(again.objects()).isZero();
    assertThat(rowsUnder(StorageKeys.indexHashKey(a, next))).hasSize(1);

    // An hour later: h's minute roll-ups go, and next's quanta (compacted first).
    now.addAndGet(HOUR / 1_000_000L);
    sweeper.sweep().block();
    assertThat(rowsUnder(Rollups.hashKey(a, Rollups.Level.MINUTE, h))).isEmpty();
    assertThat(rowsUnder(Rollups.hashKey(b, Rollups.Level.MINUTE, h))).isEmpty();
    assertThat(objectsUnder(Rollups.prefix(a, Rollups.Level.MINUTE, h))).isEmpty();
    assertThat(objectsUnder(Rollups.prefix(b, Rollups.Level.MINUTE, h))).isEmpty();
    assertThat(exists(aHour.hourKey())).as("h's hour roll-up").isTrue();
    assertThat(rowsUnder(StorageKeys.indexHashKey(a, next))).isEmpty();
    assertThat(rowsUnder(Rollups.hashKey(a, Rollups.Level.MINUTE, next))).hasSize(1);

    // Another hour: h's hour roll-ups and catalog rows go; next's hour roll-up, in the same day's prefix, stays.
    now.addAndGet(HOUR / 1_000_000L);
    sweeper.sweep().block();
    assertThat(exists(aHour.hourKey())).isFalse();
    assertThat(compactor.compactedAt(a, h).block()).isNegative();
    assertThat(compactor.compactedAt(b, h).block()).isNegative();
    assertThat(compactor.compactedAt(a, next).block()).isNotNegative();
    assertThat(objectsUnder(Rollups.prefix(a, Rollups.Level.HOUR, next)))
        .anyMatch(k -> Rollups.startOf(k) == next);
    assertThat(catalog.tenants(StorageKeys.hourOf(h)).block()).isEmpty();
    assertThat(catalog.tenants(StorageKeys.hourOf(next)).block()).containsExactly(a);
  }

  @Test
  void aSweepWaitsWhileAnotherReplicaHoldsTheLease() {
    TenantId t = TenantId.of("leased-" + System.nanoTime());
    long h = Rollups.Level.HOUR.startOf(System.currentTimeMillis() * 1_000_000L) - 300 * HOUR;
    storeOwn(t, h, 0);
    compactor.compact(t, h).block();
    AtomicLong now = new AtomicLong((h + 3 * HOUR) / 1_000_000L);
    long leaseUntil = now.get() + Duration.ofMinutes(5).toMillis();
    dynamo.putItem(b -> b.tableName(TABLE).item(Map.of(
        IndexRows.HASH, AttributeValue.fromS(RetentionSweeper.LEASE_HASH), IndexRows.RANGE, AttributeValue.fromN("0"),
        "holder", AttributeValue.fromS("replica-elsewhere"),
        "until", AttributeValue.fromN(Long.toString(leaseUntil))))).join();

    RetentionSweeper.Sweep held = sweeper("replica-2", now).sweep().block();
    assertThat(held.leased()).isFalse();
    assertThat(rowsUnder(StorageKeys.indexHashKey(t, h))).hasSize(1);

    // The other replica went silent: once its lease runs out, this one sweeps.
    now.set(leaseUntil + 1);
    RetentionSweeper.Sweep taken = sweeper("replica-2", now).sweep().block();
    assertThat(taken.leased()).isTrue();
    assertThat(rowsUnder(StorageKeys.indexHashKey(t, h))).isEmpty();
  }

  @Test
  void twoWritersOfOneTenantHourInOneBatchAreOneCatalogRow() {
    TenantId t = TenantId.of("catalog-" + System.nanoTime());
    long h = Rollups.Level.HOUR.startOf(System.currentTimeMillis() * 1_000_000L) - 500 * HOUR;
    TenantHours other = new TenantHours(dynamo, TABLE, Duration.ofSeconds(10));
    Mono.when(catalog.record(index, t, h), other.record(index, t, h + QUANTUM)).block();
    assertThat(rowsUnder(StorageKeys.catalogHashKey(h))).containsExactly(t.value());
  }

  @Test
  void aFailedSweepShowsInTheStatusUntilOneSucceeds() {
    AtomicLong now = new AtomicLong(System.currentTimeMillis());
    RetentionSweeper broken = new RetentionSweeper(s3, dynamo, BUCKET, "no_such_table", compactor, catalog,
        retention(), PARTITIONS, new SimpleMeterRegistry(), now::get, Duration.ofSeconds(10), "replica-3", true);
    assertThat(broken.status()).containsEntry("lastSweep", "never");
    assertThatThrownBy(() -> broken.sweep().block())
        .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.class);
    assertThat(broken.unwell()).isTrue();
    assertThat(broken.status().get("lastFailure").toString()).contains("ResourceNotFoundException");

    RetentionSweeper working = sweeper("replica-3", now);
    working.sweep().block();
    assertThat(working.unwell()).isFalse();
    assertThat(working.status()).doesNotContainKey("lastFailure").doesNotContainEntry("lastSweep", "never");
  }
}
