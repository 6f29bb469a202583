package io.scopeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.codec.WireHeaders;
import io.scopeline.ingest.config.KafkaProperties;
import io.scopeline.service.storage.StorageProperties;
import io.scopeline.ingest.pipeline.IngestPipeline;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.testsupport.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The ingest service against real Kafka, S3, DynamoDB and Redis: what goes in through the bridge
 * or Kafka comes out merged in S3, indexed in DynamoDB and hot in Redis; bad input goes to the
 * dead-letter topic; a crash loses nothing; a Redis outage does not stop persistence.
 */
class IngestServiceTest extends IngestTestBase {
  @Autowired
  io.scopeline.ingest.store.ReportIndex reportIndex;

  @Test
  void reportsPostedLikeAScopeProbeArePersistedMergedIndexedAndHot() {
    TenantId tenant = TenantId.of("bridge-tenant");
    long t = now();
    post(tenant.value(), TestReports.gzipMsgpack(TestReports.host("alpha", t)), "application/msgpack")
        .expectStatus().isOk();
    post(tenant.value(), TestReports.gzipMsgpack(TestReports.host("beta", t)), "application/msgpack")
        .expectStatus().isOk();

    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
        assertThat(stored.hostIds(tenant)).contains("alpha;<host>", "beta;<host>"));
    String key = stored.objectKeys(tenant).get(0);
    assertThat(key).as("md5 / quantum - partition - first offset - last offset").matches("[0-9a-f]{32}/\\d+-\\d+-\\d+-\\d+");
    try (RedisClient redis = RedisClient.create(SharedInfrastructure.get().redis().uri())) {
      try (var c = redis.connect()) {
        assertThat(c.sync().exists(StorageKeys.hotCopyKey(tenant, key))).isEqualTo(1L);
      }
    }
  }

  @Test
  void probeTokenSelectsTheTenant() {
    long t = now();
    http.post().uri("/api/report").header("Authorization", "Scope-Probe token=secret-token")
        .header("Content-Encoding", "gzip").contentType(MediaType.parseMediaType("application/msgpack"))
        .bodyValue(TestReports.gzipMsgpack(TestReports.host("gamma", t))).exchange().expectStatus().isOk();
    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
        assertThat(stored.hostIds(TenantId.of("token-tenant"))).contains("gamma;<host>"));
  }

  @Test
  void bridgeRejectsBadRequestsWithAReason() {
    byte[] good = TestReports.gzipMsgpack(TestReports.host("delta", now()));
    post(null, good, "application/msgpack").expectStatus().isUnauthorized()
        .expectBody(String.class).value(b -> assertThat(b).contains("X-Scope-OrgID"));
    post("t", good, "text/plain").expectStatus().isBadRequest()
        .expectBody(String.class).value(b -> assertThat(b).contains("Unsupported Content-Type"));
    post("t", new byte[] {0x1f, (byte) 0x8b, 1, 2, 3}, "application/msgpack").expectStatus().isBadRequest()
        .expectBody(String.class).value(b -> assertThat(b).contains("gzip"));
    post("bad tenant!", good, "application/msgpack").expectStatus().isUnauthorized();
    http.post().uri("/api/report").header("Authorization", "Scope-Probe token=nope").header("Content-Encoding", "gzip")
        .contentType(MediaType.parseMediaType("application/msgpack")).bodyValue(good).exchange()
        .expectStatus().isUnauthorized().expectBody(String.class).value(b -> assertThat(b).contains("unknown probe token"));
    post("t", new byte[(1 << 20) + 10], "application/msgpack").expectStatus().isEqualTo(413);
    // A probe token is the tenant: a header naming another one does not move the probe there.
    http.post().uri("/api/report").header("Authorization", "Scope-Probe token=secret-token")
        .header(WireHeaders.ORG_ID, "someone-else").header("Content-Encoding", "gzip")
        .contentType(MediaType.parseMediaType("application/msgpack")).bodyValue(good).exchange()
        .expectStatus().isUnauthorized().expectBody(String.class)
        .value(b -> assertThat(b).contains("another tenant than the probe token"));
    http.post().uri("/api/report").header(WireHeaders.ORG_ID, "t", "u").header("Content-Encoding", "gzip")
        .contentType(MediaType.parseMediaType("application/msgpack")).bodyValue(good).exchange()
        .expectStatus().isBadRequest().expectBody(String.class)
        .value(b -> assertThat(b).contains("more than one X-Scope-OrgID"));
  }

  @Test
  void stalledUploadsAreBoundedInNumberAndTimeAndTheBridgeServesOthersMeanwhile() throws Exception {
    // Four uploads (the limit here) that send one byte of their body and then stall.
    List<java.net.Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        java.net.Socket s = new java.net.Socket("127.0.0.1", port);
        s.getOutputStream().write(("POST /api/report HTTP/1.1\r\nHost: 127.0.0.1\r\n" + WireHeaders.ORG_ID
            + ": stall-tenant\r\nContent-Type: application/msgpack\r\nContent-Length: 100000\r\n\r\nx")
            .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        stalled.add(s);
      }
      // A fifth upload is turned away at once, with when to retry.
      await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> post("stall-tenant",
          TestReports.gzipMsgpack(TestReports.host("turned-away", now())), "application/msgpack")
          .expectStatus().isEqualTo(503).expectHeader().valueEquals("Retry-After", "1")
          .expectBody(String.class).value(b -> assertThat(b).contains("too many uploads at once (limit 4)")));
      // The stalled ones are answered 408 after the body timeout (2 s here), and closed.
      for (java.net.Socket s : stalled) {
        s.setSoTimeout(15_000);
        String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertThat(answer).isEqualTo("HTTP/1.1 408");
      }
    } finally {
      for (java.net.Socket s : stalled) {
        s.close();
      }
    }
    // Their places are free again.
    await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> post("stall-tenant",
        TestReports.gzipMsgpack(TestReports.host("after-stall", now())), "application/msgpack").expectStatus().isOk());
    assertThat(meters.counter("scopeline.bridge.reports.rejected", "reason", "body-timeout").count()).isEqualTo(4);
  }

  @Test
  void readinessReflectsStorageAndKafka() {
    management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk().expectBody()
        .jsonPath("$.status").isEqualTo("UP")
        .jsonPath("$.components.storageBootstrap.status").isEqualTo("UP")
        .jsonPath("$.components.kafkaHealth.status").isEqualTo("UP");
    management.get().uri("/actuator/prometheus").exchange().expectStatus().isOk().expectBody(String.class)
        .value(b -> assertThat(b).contains("scopeline_ingest_records"));
  }

  @Test
  void apiAnswersLikeScopesApp() {
    http.get().uri("/api").exchange().expectStatus().isOk().expectBody()
        .jsonPath("$.id").isNotEmpty().jsonPath("$.version").isNotEmpty().jsonPath("$.hostname").isNotEmpty()
        .jsonPath("$.capabilities.historic_reports").isEqualTo(true);
  }



  @Test
  void badRecordsGoToTheDeadLetterTopicWithTheReasonAndThePartitionKeepsMoving() throws Exception {
    String tenant = "dlq-tenant";
    String marker = "dlq-" + System.nanoTime();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer.send(record(kafka.reportsTopic(), tenant, ("junk " + marker).getBytes(StandardCharsets.UTF_8),
          "application/json")).get();
      ProducerRecord<String, byte[]> noTenant = record(kafka.reportsTopic(), null,
          TestReports.gzipMsgpack(TestReports.host(marker, now())), "application/msgpack");
      producer.send(noTenant).get();
      producer.send(record(kafka.reportsTopic(), tenant, TestReports.gzipMsgpack(TestReports.host("after-junk", now())),
          "application/msgpack")).get();
    }
    List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
    Properties cp = new Properties();
    cp.put("bootstrap.servers", kafka.bootstrapServers());
    cp.put("group.id", "dlq-reader-" + marker);
    cp.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(kafka.deadLetterTopic()));
      await().atMost(30, TimeUnit.SECONDS).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          String reason = new String(r.headers().lastHeader(WireHeaders.ERROR_REASON).value(), StandardCharsets.UTF_8);
          boolean ours = r.value() != null && new String(r.value(), StandardCharsets.ISO_8859_1).contains(marker)
              || r.key() == null;
          if (ours && !reason.isEmpty()) {
            dead.add(r);
          }
        });
        return dead.stream().map(r -> header(r, WireHeaders.ERROR_CLASS)).toList()
            .containsAll(List.of("malformed", "missing-tenant"));
      });
    }
    ConsumerRecord<String, byte[]> junk = dead.stream().filter(r -> header(r, WireHeaders.ERROR_CLASS).equals("malformed"))
        .findFirst().orElseThrow();
    assertThat(new String(junk.value(), StandardCharsets.UTF_8)).isEqualTo("junk " + marker);
    assertThat(header(junk, WireHeaders.ERROR_REASON)).contains("JSON");
    assertThat(header(junk, WireHeaders.ORG_ID)).isEqualTo(tenant);
    assertThat(header(junk, WireHeaders.ORIGINAL_TOPIC)).isEqualTo(kafka.reportsTopic());
    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
        assertThat(stored.hostIds(TenantId.of(tenant))).contains("after-junk;<host>"));
    assertThat(meters.counter("scopeline.ingest.dlq.records", "reason", "malformed").count()).isPositive();
  }



  @Test
  void aDeadLetterTooLargeForTheDeadLetterTopicGoesWithoutItsValueAndThePartitionKeepsMoving() throws Exception {
    String tenant = "dlq-huge-tenant";
    int limit = 32 << 20; // the embedded broker's and the ingest producer's largest record
    long offset = -1;
    Properties pp = new Properties();
    pp.put("bootstrap.servers", kafka.bootstrapServers());
    pp.put("max.request.size", String.valueOf(limit));
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(),
        new ByteArraySerializer())) {
      // The largest record Kafka takes: with the error headers added, the dead letter is larger.
      for (int size = limit - 100; offset < 0; size -= 50) {
        try {
          offset = producer.send(record(kafka.reportsTopic(), tenant, new byte[size], "application/msgpack")).get()
              .offset();
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(org.apache.kafka.common.errors.RecordTooLargeException.class);
        }
      }
      producer.send(record(kafka.reportsTopic(), tenant, TestReports.gzipMsgpack(TestReports.host("after-huge", now())),
          "application/msgpack")).get();
    }
    // The partition keeps moving: the report after it is stored.
    await().atMost(60, TimeUnit.SECONDS).untilAsserted(() ->
        assertThat(stored.hostIds(TenantId.of(tenant))).contains("after-huge;<host>"));
    Properties cp = new Properties();
    cp.put("bootstrap.servers", kafka.bootstrapServers());
    cp.put("group.id", "dlq-huge-reader-" + System.nanoTime());
    cp.put("auto.offset.reset", "earliest");
    cp.put("max.partition.fetch.bytes", String.valueOf(1 << 20));
    long original = offset;
    List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(kafka.deadLetterTopic()));
      await().atMost(30, TimeUnit.SECONDS).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (tenant.equals(r.key()) && header(r, WireHeaders.ORIGINAL_OFFSET).equals(Long.toString(original))) {
            dead.add(r);
          }
        });
        return !dead.isEmpty();
      });
    }
    ConsumerRecord<String, byte[]> letter = dead.get(0);
    assertThat(letter.value()).as("the value the topic could not take").isNull();
    assertThat(header(letter, WireHeaders.ERROR_CLASS)).isEqualTo("too-large");
    assertThat(header(letter, WireHeaders.ERROR_VALUE_DROPPED)).contains("bytes").contains("RecordTooLarge");
    assertThat(meters.counter("scopeline.ingest.dlq.value.dropped").count()).isPositive();
  }

  @Test
  void aCrashMidStreamLosesNothingAndCommitsCatchUp() throws Exception {
    TenantId tenant = TenantId.of("crash-tenant");
    List<String> expected = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int i = 0; i < 20; i++) {
        String host = "crash-" + i;
        expected.add(host + ";<host>");
        producer.send(record(kafka.reportsTopic(), tenant.value(), TestReports.gzipMsgpack(TestReports.host(host, now())),
            "application/msgpack"));
        if (i == 9) {
          producer.flush();
          // Kill the consumer with segments open: nothing is flushed, nothing beyond them committed.
          pipeline.kill();
          assertThat(pipeline.isRunning()).isFalse();
        }
        Thread.sleep(50);
      }
      producer.flush();
    }
    pipeline.start();
    await().atMost(60, TimeUnit.SECONDS).untilAsserted(() ->
        assertThat(stored.hostIds(tenant)).containsAll(expected));
    // Replayed segments were rewritten under their old keys: each report is stored exactly once,
    // so the stored Windows add up to exactly what was produced (a duplicate would add 3 s).
    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
        assertThat(stored.reports(tenant).stream().mapToLong(io.scopeline.model.Report::windowNanos).sum())
            .isEqualTo(20 * 3_000_000_000L));
    try (Admin admin = SharedInfrastructure.get().kafka().admin()) {
      var ends = admin.listOffsets(Map.of(new TopicPartition(kafka.reportsTopic(), 0),
          org.apache.kafka.clients.admin.OffsetSpec.latest(), new TopicPartition(kafka.reportsTopic(), 1),
          org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get(10, TimeUnit.SECONDS);
      await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
        var committed = committed();
        assertThat(ends.values()).anySatisfy(end -> assertThat(end.offset()).isPositive());
        ends.forEach((tp, end) -> {
          if (end.offset() > 0) {
            assertThat(committed.get(tp)).as("committed %s", tp).isNotNull()
                .extracting(OffsetAndMetadata::offset).isEqualTo(end.offset());
          }
        });
      });
    }
  }

  @Test
  void aCrashAfterASegmentIsDurableButNotCommittedCountsNoReplayedReportTwice() throws Exception {
    String run = Long.toString(System.nanoTime());
    TenantId a = TenantId.of("replay-a-" + run);
    TenantId b = TenantId.of("replay-b-" + run);
    long t0 = System.currentTimeMillis();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      // On one partition: a-1, then b-1, then a-2..a-5, all of a's in one quantum. b-1's quantum is
      // 10 s ahead, so its segment stays open and holds the partition's commit at b-1's offset
      // while a's segments become durable (a-1, closed by b-1's record time, and a-2..a-5, late,
      // closed when the partition goes quiet): a-2..a-5 are durable but not committed.
      producer.send(at(kafka.reportsTopic(), a, t0, "a-1"));
      producer.send(at(kafka.reportsTopic(), b, t0 + 10_000, "b-1"));
      for (int i = 2; i <= 5; i++) {
        producer.send(at(kafka.reportsTopic(), a, t0, "a-" + i));
      }
      producer.flush();
    }
    long fiveReports = 5 * 3_000_000_000L;
    await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> assertThat(windowSum(a)).isEqualTo(fiveReports));
    List<String> keysBefore = stored.objectKeys(a);
    double durableBefore = meters.counter("scopeline.ingest.records.replayed.durable").count();
    pipeline.kill();
    pipeline.start();
    // The replay starts at b-1: a-2..a-5 are read again, found in a's durable segment and taken past.
    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
        assertThat(meters.counter("scopeline.ingest.records.replayed.durable").count() - durableBefore)
            .isGreaterThanOrEqualTo(4));
    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(stored.hostIds(b)).contains("b-1;<host>"));
    assertThat(stored.objectKeys(a)).as("no new segment of a's replayed reports").isEqualTo(keysBefore);
    assertThat(windowSum(a)).as("each of a's reports counted once").isEqualTo(fiveReports);
  }

  @Test
  void anIndexRowIsNeverReplacedByOneNamingASegmentThatHoldsFewerRecords() {
    TenantId tenant = TenantId.of("conditional-" + System.nanoTime());
    long q = now() / 1_000_000_000L * 1_000_000_000L;
    String hash = StorageKeys.indexHashKey(tenant, q);
    String range = StorageKeys.indexRangeKey(q, 0, 10);
    double keptBefore = meters.counter("scopeline.ingest.index.longer.kept").count();
    reportIndex.put(hash, range, StorageKeys.objectKey(tenant, q, 0, 10, 20)).block(Duration.ofSeconds(10));
    // A former owner of the partition finishing a write of fewer of the same records.
    reportIndex.put(hash, range, StorageKeys.objectKey(tenant, q, 0, 10, 15), true).block(Duration.ofSeconds(10));
    assertThat(stored.objectKeys(tenant)).containsExactly(StorageKeys.objectKey(tenant, q, 0, 10, 20));
    assertThat(meters.counter("scopeline.ingest.index.longer.kept").count() - keptBefore).isEqualTo(1);
    reportIndex.put(hash, range, StorageKeys.objectKey(tenant, q, 0, 10, 25), true).block(Duration.ofSeconds(10));
    reportIndex.put(hash, range, StorageKeys.objectKey(tenant, q, 0, 10, 25), true).block(Duration.ofSeconds(10));
    assertThat(stored.objectKeys(tenant)).as("a longer one replaces it; the same one again is no change")
        .containsExactly(StorageKeys.objectKey(tenant, q, 0, 10, 25));
  }

  private static ProducerRecord<String, byte[]> at(String topic, TenantId tenant, long timestampMillis, String host) {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, 0, timestampMillis, tenant.value(),
        TestReports.gzipMsgpack(TestReports.host(host, timestampMillis * 1_000_000L)));
    r.headers().add(WireHeaders.ORG_ID, tenant.value().getBytes(StandardCharsets.UTF_8));
    r.headers().add(WireHeaders.CONTENT_TYPE, "application/msgpack".getBytes(StandardCharsets.UTF_8));
    return r;
  }

  private long windowSum(TenantId tenant) {
    return stored.reports(tenant).stream().mapToLong(io.scopeline.model.Report::windowNanos).sum();
  }

  @Test
  void aProbeThatStopsReportingTurnsNodataInTheStatusTableAndOnTheStatusTopic() throws Exception {
    TenantId tenant = TenantId.of("liveness-tenant");
    String probe = "probe-" + System.nanoTime();
    http.post().uri("/api/report").header(WireHeaders.ORG_ID, tenant.value()).header(WireHeaders.PROBE_ID, probe)
        .header("Content-Encoding", "gzip").contentType(MediaType.parseMediaType("application/msgpack"))
        .bodyValue(TestReports.gzipMsgpack(TestReports.host("quiet", now(), 200_000_000L))).exchange()
        .expectStatus().isOk();
    try (RedisClient redis = RedisClient.create(SharedInfrastructure.get().redis().uri()); var c = redis.connect()) {
      String key = StorageKeys.probeStatusKey(tenant);
      await().atMost(20, TimeUnit.SECONDS).untilAsserted(() ->
          assertThat(c.sync().hget(key, probe)).contains("\"status\":\"ok\""));
      await().atMost(20, TimeUnit.SECONDS).untilAsserted(() ->
          assertThat(c.sync().hget(key, probe)).contains("\"status\":\"nodata\""));
    }
    Properties cp = new Properties();
    cp.put("bootstrap.servers", kafka.bootstrapServers());
    cp.put("group.id", "status-reader-" + probe);
    cp.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(kafka.probeStatusTopic()));
      await().atMost(20, TimeUnit.SECONDS).until(() -> {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          String json = new String(r.value(), StandardCharsets.UTF_8);
          if (json.contains(probe) && json.contains("nodata")) {
            return true;
          }
        }
        return false;
      });
    }
  }

  @Test
  void whileS3IsDownNothingUnwrittenIsCommittedConsumptionWaitsAndAllLandsAfterwards() throws Exception {
    TenantId tenant = TenantId.of("s3-outage-tenant");
    var s3Server = SharedInfrastructure.get().s3();
    double retriesBefore = meters.counter("scopeline.ingest.store.retries", "store", "s3").count();
    // This tenant's records only: a replay of other tests' records may run at the same time.
    var received = meters.counter("scopeline.ingest.reports.received", "tenant", tenant.value());
    List<String> expected = new ArrayList<>();
    TopicPartition tp;
    long firstOffset;
    long lastOffset = -1;
    s3Server.stop();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      // Record times one second apart, ahead of any other record on the partition: each report is
      // its own quantum, closed by the next one's record time.
      long base = System.currentTimeMillis() + 15_000;
      var first = producer.send(new ProducerRecord<>(kafka.reportsTopic(), null, base, tenant.value(),
          TestReports.gzipMsgpack(TestReports.host("outage-0", base * 1_000_000L)))).get();
      tp = new TopicPartition(first.topic(), first.partition());
      firstOffset = first.offset();
      expected.add("outage-0;<host>");
      for (int i = 1; i < 12; i++) {
        long ts = base + i * 1000L;
        lastOffset = producer.send(new ProducerRecord<>(kafka.reportsTopic(), null, ts, tenant.value(),
            TestReports.gzipMsgpack(TestReports.host("outage-" + i, ts * 1_000_000L)))).get().offset();
        expected.add("outage-" + i + ";<host>");
      }
      await().atMost(30, TimeUnit.SECONDS).until(
          () -> meters.counter("scopeline.ingest.store.retries", "store", "s3").count() > retriesBefore);
      Thread.sleep(2000);
      // Consumption stopped: max-persisting-per-partition (4) batches are being written, and the
      // remaining records wait in Kafka.
      double consumed = received.count();
      assertThat(consumed).isLessThan(12);
      Thread.sleep(1000);
      assertThat(received.count()).isEqualTo(consumed);
      // ...and nothing at or after the first unwritten record is committed.
      OffsetAndMetadata committed = committed().get(tp);
      assertThat(committed == null ? 0 : committed.offset()).isLessThanOrEqualTo(firstOffset);
      assertThat(stored.objectKeys(tenant)).as("nothing indexed before the object is stored").isEmpty();
      // Health says what is going on (readiness does not: the bridge can still take reports into Kafka).
      await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> management.get().uri("/actuator/health").exchange()
          .expectBody().jsonPath("$.components.storeHealth.status").isEqualTo("DEGRADED")
          .jsonPath("$.components.storeHealth.details.s3").value(v -> assertThat(v.toString())
              .contains("writes failing").contains("nothing is lost")));
    } finally {
      s3Server.restart();
    }
    await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> management.get().uri("/actuator/health").exchange()
        .expectBody().jsonPath("$.components.storeHealth.status").isEqualTo("UP"));
    await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> assertThat(stored.hostIds(tenant)).containsAll(expected));
    long end = lastOffset + 1;
    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
        assertThat(committed().get(tp).offset()).isGreaterThanOrEqualTo(end));
  }

  @Test
  void aShortcutReportIsAnnouncedAtOnceWithAHotCopyAndStillMergedIntoItsQuantum() throws Exception {
    TenantId tenant = TenantId.of("shortcut-tenant");
    List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (RedisClient redis = RedisClient.create(SharedInfrastructure.get().redis().uri());
        var pubsub = redis.connectPubSub(); var c = redis.connect()) {
      pubsub.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          messages.add(message);
        }
      });
      pubsub.sync().subscribe(StorageKeys.notificationChannel(tenant));
      io.scopeline.model.Report shortcut = TestReports.host("stopped-container", now()).withShortcut(true);
      post(tenant.value(), TestReports.gzipMsgpack(shortcut), "application/msgpack").expectStatus().isOk();
      await().atMost(10, TimeUnit.SECONDS).until(() -> messages.stream().anyMatch(m -> m.contains("shortcut")));
      String message = messages.stream().filter(m -> m.contains("shortcut")).findFirst().orElseThrow();
      io.scopeline.keys.Announcement announced = io.scopeline.keys.Announcement.parse(message);
      assertThat(announced.isShortcut()).isTrue();
      String key = StorageKeys.hotCopyKey(tenant, announced.objectKey());
      byte[] hot = redis.connect(io.lettuce.core.codec.RedisCodec.of(io.lettuce.core.codec.StringCodec.UTF8,
          io.lettuce.core.codec.ByteArrayCodec.INSTANCE)).sync().get(key);
      io.scopeline.model.Report copy = io.scopeline.codec.ReportCodec.decode(
          io.scopeline.keys.HotCopy.open(tenant, announced.objectKey(), hot),
          io.scopeline.codec.ReportFormat.MSGPACK_GZIP, io.scopeline.codec.ReportLimits.DEFAULT);
      assertThat(copy.shortcut()).isTrue();
      assertThat(copy.topology(io.scopeline.model.TopologyType.HOST).nodes().get("stopped-container;<host>")).isNotNull();
    }
    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
        assertThat(stored.hostIds(tenant)).contains("stopped-container;<host>"));
  }

  @Test
  void everyPersistedSegmentIsAnnouncedWithItsHotCopyInPlace() throws Exception {
    TenantId tenant = TenantId.of("announced-segments");
    List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (RedisClient redis = RedisClient.create(SharedInfrastructure.get().redis().uri());
        var pubsub = redis.connectPubSub()) {
      pubsub.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          messages.add(message);
        }
      });
      pubsub.sync().subscribe(StorageKeys.notificationChannel(tenant));
      post(tenant.value(), TestReports.gzipMsgpack(TestReports.host("announced-host", now())), "application/msgpack")
          .expectStatus().isOk();
      await().atMost(30, TimeUnit.SECONDS).until(() -> messages.stream().map(io.scopeline.keys.Announcement::parse)
          .anyMatch(a -> a != null && !a.isShortcut()));
      io.scopeline.keys.Announcement segment = messages.stream().map(io.scopeline.keys.Announcement::parse)
          .filter(a -> a != null && !a.isShortcut()).findFirst().orElseThrow();
      assertThat(StorageKeys.quantumStartOfObjectKey(segment.objectKey())).isEqualTo(segment.atNanos());
      // Announced after the hot copy: a reader that fetches at once finds it.
      byte[] hot = redis.connect(io.lettuce.core.codec.RedisCodec.of(io.lettuce.core.codec.StringCodec.UTF8,
          io.lettuce.core.codec.ByteArrayCodec.INSTANCE)).sync().get(StorageKeys.hotCopyKey(tenant, segment.objectKey()));
      assertThat(io.scopeline.codec.ReportCodec.decode(io.scopeline.keys.HotCopy.open(tenant, segment.objectKey(), hot),
          io.scopeline.codec.ReportFormat.MSGPACK_GZIP,
          io.scopeline.codec.ReportLimits.DEFAULT).topology(io.scopeline.model.TopologyType.HOST).nodes()
          .get("announced-host;<host>")).isNotNull();
    }
  }

  @Test
  void aGracefulStopWritesOpenQuantaAndCommitsThem() throws Exception {
    TenantId tenant = TenantId.of("graceful-tenant");
    // 20 s ahead (within the allowed clock skew): neither record time nor wall time closes this
    // quantum before the stop does.
    long future = System.currentTimeMillis() + 20_000L;
    var sent = producer().send(new ProducerRecord<>(kafka.reportsTopic(), null, future, tenant.value(),
        TestReports.gzipMsgpack(TestReports.host("future", future * 1_000_000L)))).get();
    TopicPartition tp = new TopicPartition(sent.topic(), sent.partition());
    await().atMost(30, TimeUnit.SECONDS).until(
        () -> meters.counter("scopeline.ingest.reports.received", "tenant", tenant.value()).count() >= 1);
    assertThat(stored.objectKeys(tenant)).isEmpty();
    pipeline.stop();
    assertThat(stored.hostIds(tenant)).containsExactly("future;<host>");
    assertThat(committed().get(tp).offset()).isGreaterThan(sent.offset());
    pipeline.start();
  }

  @Test
  void aRedisOutageIsCountedAndDoesNotStopPersistence() {
    TenantId tenant = TenantId.of("no-redis-tenant");
    double failuresBefore = meters.counter("scopeline.ingest.redis.failures").count();
    var redis = SharedInfrastructure.get().redis();
    redis.stop();
    try {
      post(tenant.value(), TestReports.gzipMsgpack(TestReports.host("without-redis", now())), "application/msgpack")
          .expectStatus().isOk();
      await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
          assertThat(stored.hostIds(tenant)).contains("without-redis;<host>"));
      assertThat(meters.counter("scopeline.ingest.redis.failures").count()).isGreaterThan(failuresBefore);
      management.get().uri("/actuator/health").exchange().expectStatus().isOk().expectBody()
          .jsonPath("$.components.redisHealth.status").isEqualTo("DEGRADED");
    } finally {
      redis.restart();
    }
  }
}
