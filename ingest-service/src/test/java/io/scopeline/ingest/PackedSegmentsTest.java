package io.scopeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.codec.WireHeaders;
import io.scopeline.keys.PackedObject;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import io.scopeline.testsupport.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;

/**
 * Small tenants' segments closed together on a partition are stored as one pack, each a byte range
 * that its index row names; a crash between the pack and its rows loses nothing, and the replay
 * writes the same bytes under the same key.
 */
class PackedSegmentsTest extends IngestTestBase {
  private static final int PARTITION = 1;

  /**
   * One report per tenant on {@link #PARTITION} at record time {@code atMillis} (ahead of every other
   * test's records, so these close by their own record time), then a closer's a quantum later.
   * Returns the tenants' first offset.
   */
  private long produce(List<TenantId> tenants, long atMillis) throws Exception {
    long first = -1;
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (TenantId t : tenants) {
        long offset = producer.send(report(t, atMillis, "host-of-" + t.value())).get().offset();
        first = first < 0 ? offset : first;
      }
      producer.send(report(TenantId.of("closer-" + System.nanoTime()), atMillis + 2_000, "closer")).get();
    }
    return first;
  }

  private ProducerRecord<String, byte[]> report(TenantId tenant, long atMillis, String host) {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(kafka.reportsTopic(), PARTITION, atMillis, tenant.value(),
        TestReports.gzipMsgpack(TestReports.host(host, atMillis * 1_000_000L)));
    r.headers().add(WireHeaders.ORG_ID, tenant.value().getBytes(StandardCharsets.UTF_8));
    r.headers().add(WireHeaders.CONTENT_TYPE, "application/msgpack".getBytes(StandardCharsets.UTF_8));
    return r;
  }

  private static List<TenantId> tenants(String prefix, int n) {
    String run = Long.toString(System.nanoTime());
    List<TenantId> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(TenantId.of(prefix + "-" + i + "-" + run));
    }
    return out;
  }

  /** Each tenant's one indexed segment key, once all are indexed. */
  private Map<TenantId, String> indexed(List<TenantId> tenants) {
    Map<TenantId, String> keys = new TreeMap<>(java.util.Comparator.comparing(TenantId::value));
    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
      for (TenantId t : tenants) {
        assertThat(stored.objectKeys(t)).as("%s indexed", t).hasSize(1);
      }
    });
    tenants.forEach(t -> keys.put(t, stored.objectKeys(t).get(0)));
    return keys;
  }

  private byte[] ranged(PackedObject.Ref at) {
    return s3.getObject(b -> b.bucket(storage.s3().bucket()).key(at.objectKey()).range(at.httpRange()),
        AsyncResponseTransformer.toBytes()).join().asByteArray();
  }

  private byte[] whole(String objectKey) {
    return s3.getObject(b -> b.bucket(storage.s3().bucket()).key(objectKey), AsyncResponseTransformer.toBytes())
        .join().asByteArray();
  }

  @Test
  void smallTenantsOfAQuantumShareOnePackAndEachReadsOnlyItsOwnByteRange() throws Exception {
    List<TenantId> tenants = tenants("packed", 5);
    double packsBefore = meters.counter("scopeline.ingest.packs.persisted").count();
    produce(tenants, System.currentTimeMillis() + 15_000);
    Map<TenantId, String> keys = indexed(tenants);

    Set<String> packs = new HashSet<>();
    long covered = 0;
    for (Map.Entry<TenantId, String> e : keys.entrySet()) {
      PackedObject.Ref at = StorageKeys.storedAt(e.getValue());
      assertThat(at.isRange()).as("%s is a byte range of a pack", e.getValue()).isTrue();
      packs.add(at.objectKey());
      covered += at.byteLength();
      byte[] member = ranged(at);
      assertThat(member).as("a ranged GET returns the member's bytes only").hasSize((int) at.byteLength());
      Report r = ReportCodec.decode(member, ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT);
      var nodes = r.topology(TopologyType.HOST).nodes();
      assertThat(nodes.size()).as("only this tenant's nodes").isEqualTo(1);
      assertThat(nodes.keyAt(0)).isEqualTo("host-of-" + e.getKey().value() + ";<host>");
      assertThat(r.id()).as("the report is named by its segment, not by where it is stored")
          .isEqualTo(StorageKeys.segmentName(e.getValue()));
      assertThat(StorageKeys.belongsTo(e.getKey(), e.getValue())).isTrue();
    }
    assertThat(packs).as("one object for the quantum's five tenants").hasSize(1);
    byte[] pack = whole(packs.iterator().next());
    // Late segments of other tests' tenants on the partition may share it.
    assertThat(pack.length).as("a pack is its members").isGreaterThanOrEqualTo((int) covered);
    keys.values().forEach(k -> assertThat(PackedObject.slice(pack, StorageKeys.storedAt(k)))
        .isEqualTo(ranged(StorageKeys.storedAt(k))));
    assertThat(meters.counter("scopeline.ingest.packs.persisted").count()).isGreaterThan(packsBefore);
    // The hot tier keeps each tenant's segment under the same key the index names.
    try (var redis = io.lettuce.core.RedisClient.create(SharedInfrastructure.get().redis().uri())) {
      var sync = redis.connect().sync();
      keys.forEach((t, k) -> assertThat(sync.exists(StorageKeys.hotCopyKey(t, k))).as("hot copy of %s", t)
          .isEqualTo(1L));
    }
  }

  @Test
  void aCrashBetweenThePackAndItsIndexRowsLosesNothingAndTheReplayWritesTheSameBytes() throws Exception {
    List<TenantId> tenants = tenants("crash-packed", 3);
    // The pipeline is consuming (its storage checked, partitions assigned) before DynamoDB goes.
    TenantId warmUp = TenantId.of("warm-up-" + System.nanoTime());
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer.send(report(warmUp, System.currentTimeMillis(), "warm-up")).get();
    }
    indexed(List.of(warmUp));
    var dynamoServer = SharedInfrastructure.get().dynamo();
    String pack;
    byte[] before;
    dynamoServer.stop();
    try {
      long at = System.currentTimeMillis() + 15_000;
      long first = produce(tenants, at);
      String marker = "/pack-" + (at / 1000 * 1_000_000_000L) + "-" + PARTITION + "-" + first + "-";
      pack = await().atMost(30, TimeUnit.SECONDS).until(() -> packWith(marker), java.util.Objects::nonNull);
      before = whole(pack);
      // Rows cannot be written: the crash comes after the pack is stored, before its rows are.
      pipeline.kill();
      // A real crash ends the index writer's calls too; here they end when their attempt fails,
      // which against a stopped DynamoDB Local took over 30 s once on a loaded CI machine.
      await().atMost(120, TimeUnit.SECONDS).until(() -> meters.get("scopeline.ingest.index.waiting").gauge().value() == 0);
    } finally {
      dynamoServer.restart();
    }
    double packsBefore = meters.counter("scopeline.ingest.packs.persisted").count();
    pipeline.start();
    Map<TenantId, String> keys = indexed(tenants);
    assertThat(meters.counter("scopeline.ingest.packs.persisted").count()).as("the replay wrote the pack again")
        .isGreaterThan(packsBefore);
    for (Map.Entry<TenantId, String> e : keys.entrySet()) {
      assertThat(StorageKeys.storedAt(e.getValue()).objectKey()).as("the replay's pack has the same key")
          .isEqualTo(pack);
      assertThat(stored.hostIds(e.getKey())).containsExactly("host-of-" + e.getKey().value() + ";<host>");
    }
    assertThat(whole(pack)).as("and the same bytes").isEqualTo(before);
  }

  private String packWith(String marker) {
    return reactor.core.publisher.Flux.from(s3.listObjectsV2Paginator(b -> b.bucket(storage.s3().bucket()))
            .contents())
        .map(software.amazon.awssdk.services.s3.model.S3Object::key).filter(k -> k.contains(marker))
        .next().block(java.time.Duration.ofSeconds(10));
  }
}
