package io.scopeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.codec.WireHeaders;
import io.scopeline.keys.Rollups;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import io.scopeline.service.storage.IndexRows;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reports of an hour that is over come in through Kafka and end up in that hour's roll-ups. */
class RollupsOnIngestTest extends IngestTestBase {
  private List<String> rows(TenantId tenant, Rollups.Level level, long at) {
    return dynamo.query(q -> q.tableName(storage.dynamodb().table()).keyConditionExpression("#h = :h")
            .expressionAttributeNames(Map.of("#h", IndexRows.HASH))
            .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(Rollups.hashKey(tenant, level, at))))).join()
        .items().stream().map(IndexRows::objectKey).toList();
  }

  private ProducerRecord<String, byte[]> report(TenantId tenant, long atNanos, String host) {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(kafka.reportsTopic(), null, atNanos / 1_000_000L,
        tenant.value(), TestReports.gzipMsgpack(TestReports.host(host, atNanos)));
    r.headers().add(WireHeaders.ORG_ID, tenant.value().getBytes(StandardCharsets.UTF_8));
    r.headers().add(WireHeaders.CONTENT_TYPE, "application/msgpack".getBytes(StandardCharsets.UTF_8));
    return r;
  }

  @Test
  void anHourThatIsOverIsCompactedIntoMinuteAndHourRollUpsOfItsReports() throws Exception {
    TenantId tenant = TenantId.of("rollups-" + System.nanoTime());
    long hour = Rollups.Level.HOUR.startOf(now() - Duration.ofHours(2).toNanos());
    try (var producer = producer()) {
      // Tenants reporting now: their hours' requests wait for the hour to end, and must hold up
      // none for an hour that is over, whichever partition of the compactions topic they share.
      for (int t = 0; t < 4; t++) {
        producer.send(report(TenantId.of("current-" + t + "-" + System.nanoTime()), now(), "busy-host")).get();
      }
      Thread.sleep(2_000);
      producer.send(report(tenant, hour + Duration.ofSeconds(10).toNanos(), "early-host")).get();
      producer.send(report(tenant, hour + Duration.ofSeconds(70).toNanos(), "later-host")).get();
      producer.send(report(tenant, hour + Duration.ofSeconds(75).toNanos(), "early-host")).get();
    }

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(rows(tenant, Rollups.Level.HOUR, hour)).hasSize(1);
      assertThat(rows(tenant, Rollups.Level.MINUTE, hour)).hasSize(2);
    });
    String hourKey = rows(tenant, Rollups.Level.HOUR, hour).get(0);
    byte[] bytes = s3.getObject(b -> b.bucket(storage.s3().bucket()).key(hourKey), AsyncResponseTransformer.toBytes())
        .join().asByteArray();
    Report rolled = ReportCodec.decode(bytes, ReportFormat.MSGPACK_GZIP, ReportLimits.UNLIMITED);
    var hosts = rolled.topology(TopologyType.HOST).nodes();
    assertThat(hosts.size()).isEqualTo(2);
    assertThat(hosts.containsKey("early-host;<host>") && hosts.containsKey("later-host;<host>")).isTrue();
    assertThat(meters.counter("scopeline.rollups.compactions").count()).isPositive();
    // Retention finds the hour's tenants in the catalog ingest wrote with the segments.
    var catalog = dynamo.query(q -> q.tableName(storage.dynamodb().table()).keyConditionExpression("#h = :h")
            .expressionAttributeNames(Map.of("#h", IndexRows.HASH))
            .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(
                io.scopeline.keys.StorageKeys.catalogHashKey(hour))))).join()
        .items().stream().map(IndexRows::objectKey).toList();
    assertThat(catalog).containsExactly(tenant.value());
  }
}
