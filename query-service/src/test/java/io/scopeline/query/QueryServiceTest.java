package io.scopeline.query;

import io.scopeline.service.storage.IndexRows;
import io.scopeline.keys.PackedObject;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.codec.WireHeaders;
import io.scopeline.keys.Quanta;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import io.scopeline.service.storage.StorageProperties;
import io.scopeline.testsupport.SharedInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** The read path on real S3, DynamoDB and Redis, with quanta stored exactly as the ingest service stores them. */
class QueryServiceTest extends QueryTestBase {
  @Test
  void apiReportMergesTheQuantaOfTheLastWindowAndSumsTheirWindows() {
    TenantId tenant = TenantId.of("window-tenant");
    long now = now();
    store(tenant, now - 4_000_000_000L, 0, host("a", now - 4_000_000_000L));
    store(tenant, now - 1_000_000_000L, 1, host("b", now - 1_000_000_000L));
    store(tenant, now - 60_000_000_000L, 0, host("too-old", now - 60_000_000_000L));
    Report merged = getReport(tenant.value(), "");
    assertThat(merged.topology(TopologyType.HOST).nodes().size()).isEqualTo(2);
    assertThat(merged.topology(TopologyType.HOST).nodes().get("a;<host>")).isNotNull();
    assertThat(merged.windowNanos()).isEqualTo(6_000_000_000L);
    assertThat(merged.topology(TopologyType.PROCESS).shape()).as("Scope's presets").isEqualTo("square");
  }

  @Test
  void aPackedSegmentIsReadByItsByteRangeAlone() {
    TenantId tenant = TenantId.of("packed-reader");
    long now = now();
    long q = QUANTA.startOf(now - 1_000_000_000L);
    String own = StorageKeys.objectKey(tenant, q, 0, 500, 500);
    byte[] member = ReportCodec.encode(host("packed", now).withId(own), ReportFormat.MSGPACK_GZIP);
    // The other members are not even reports: a reader that fetched more than its range would fail.
    byte[] garbage = new byte[777];
    java.util.Arrays.fill(garbage, (byte) 0x5a);
    PackedObject.Packed pack = PackedObject.pack(List.of(
        new PackedObject.Part(TenantId.of("neighbour-a"), 499, 499, garbage),
        new PackedObject.Part(tenant, 500, 500, member),
        new PackedObject.Part(TenantId.of("neighbour-b"), 501, 501, garbage)));
    String packKey = StorageKeys.packKey(0, q, 499, 501, pack.bytes());
    PackedObject.Member mine = pack.members().get(1);
    String key = StorageKeys.packedSegmentKey(own, new PackedObject.Ref(packKey, mine.byteOffset(), mine.byteLength()));
    s3.putObject(b -> b.bucket(storage.s3().bucket()).key(packKey), AsyncRequestBody.fromBytes(pack.bytes())).join();
    dynamo.putItem(b -> b.tableName(storage.dynamodb().table()).item(IndexRows.item(StorageKeys.indexHashKey(tenant, q),
        StorageKeys.indexRangeKey(q, 0, 500), key))).join();

    Report merged = getReport(tenant.value(), "");
    assertThat(merged.topology(TopologyType.HOST).nodes().get("packed;<host>")).isNotNull();
    assertThat(merged.topology(TopologyType.HOST).nodes().size()).isEqualTo(1);
  }

  @Test
  void twoTenantHeadersAndTimesBeyondTheRangeAreRefusedWithTheReason() {
    http.get().uri("/api/topology/hosts").header(io.scopeline.codec.WireHeaders.ORG_ID, "t1", "t2").exchange()
        .expectStatus().isBadRequest().expectBody(String.class)
        .value(b -> assertThat(b).contains("more than one X-Scope-OrgID"));
    http.get().uri("/api/topology/hosts?timestamp=9999-01-01T00:00:00Z")
        .header(io.scopeline.codec.WireHeaders.ORG_ID, "range-tenant").exchange()
        .expectStatus().isBadRequest().expectBody(String.class).value(b -> assertThat(b).contains("out of range"));
  }

  @Test
  void anApiKeyNamesItsTenantAndCannotBeTurnedToAnother() {
    TenantId tenant = TenantId.of("key-tenant");
    long now = now();
    store(tenant, now - 1_000_000_000L, 0, host("keyed", now));
    http.get().uri("/api/topology/hosts").header("Authorization", "Bearer query-test-key").exchange()
        .expectStatus().isOk().expectBody(String.class).value(b -> assertThat(b).contains("keyed;<host>"));
    http.get().uri("/api/topology/hosts").header("Authorization", "Bearer query-test-key")
        .header(io.scopeline.codec.WireHeaders.ORG_ID, "window-tenant").exchange()
        .expectStatus().isUnauthorized().expectBody(String.class).value(b -> assertThat(b).contains("another tenant"));
    http.get().uri("/api/topology/hosts").header("Authorization", "Bearer not-a-key").exchange()
        .expectStatus().isUnauthorized().expectBody(String.class).value(b -> assertThat(b).contains("unknown API key"));
    // A plain key reads; acting through probes needs an operator's.
    http.post().uri("/api/control/probe1/node1/docker_stop_container").header("Authorization", "Bearer query-test-key")
        .exchange().expectStatus().isForbidden().expectBody(String.class)
        .value(b -> assertThat(b).contains("needs an operator"));
    http.post().uri("/api/control/probe1/node1/docker_stop_container")
        .header("Authorization", "Bearer query-operator-key").exchange()
        .expectStatus().isBadRequest().expectBody(String.class).value(b -> assertThat(b).contains("not connected"));
  }

  @Test
  void withoutPeersThereIsNoPeerEndpoint() {
    TenantId owner = TenantId.of("peer-owner");
    long now = now();
    String key = store(owner, now - 2_000_000_000L, 0, host("secret", now - 2_000_000_000L));
    http.get().uri(u -> u.path("/internal/quantum").queryParam("tenant", owner.value()).queryParam("key", key).build())
        .exchange().expectStatus().isNotFound();
  }

  @Test
  void timeTravelReadsTheWindowEndingAtTheTimestamp() {
    TenantId tenant = TenantId.of("travel-tenant");
    long then = now() - 3_600_000_000_000L;
    store(tenant, then - 2_000_000_000L, 0, host("past", then - 2_000_000_000L));
    Instant at = Instant.ofEpochSecond(0, then);
    Report merged = getReport(tenant.value(), "?timestamp=" + at);
    assertThat(merged.topology(TopologyType.HOST).nodes().get("past;<host>")).isNotNull();
    assertThat(getReport(tenant.value(), "").topology(TopologyType.HOST).nodes().size()).isZero();
  }

  @Test
  void fiftyConcurrentColdRequestsReadEachQuantumFromS3Once() {
    TenantId tenant = TenantId.of("flight-tenant");
    long now = now();
    List<String> keys = List.of(store(tenant, now - 2_000_000_000L, 0, host("x", now)),
        store(tenant, now - 5_000_000_000L, 0, host("y", now)));
    double before = s3Gets();
    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(50);
    var gate = new java.util.concurrent.CountDownLatch(1);
    try {
      for (int i = 0; i < 50; i++) {
        calls.add(CompletableFuture.supplyAsync(() -> {
          try {
            gate.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return getReport(tenant.value(), "").topology(TopologyType.HOST).nodes().size();
        }, pool));
      }
      gate.countDown();
      calls.forEach(c -> assertThat(c.join()).isEqualTo(2));
    } finally {
      pool.shutdown();
    }
    assertThat(s3Gets() - before).as("S3 GETs for %s", keys).isEqualTo(keys.size());
  }

  @Test
  void aHotCopyInRedisIsServedWithoutS3() {
    TenantId tenant = TenantId.of("hot-tenant");
    long now = now();
    long q = QUANTA.startOf(now - 1_000_000_000L);
    String key = StorageKeys.objectKey(tenant, q, 0, 7);
    try (RedisClient redis = RedisClient.create(SharedInfrastructure.get().redis().uri());
        var c = redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
      c.sync().set(StorageKeys.hotCopyKey(tenant, key), io.scopeline.keys.HotCopy.seal(tenant, key,
          ReportCodec.encode(host("hot", now), ReportFormat.MSGPACK_GZIP)));
    }
    dynamo.putItem(b -> b.tableName(storage.dynamodb().table()).item(
        io.scopeline.service.storage.IndexRows.item(StorageKeys.indexHashKey(tenant, q),
            StorageKeys.indexRangeKey(q, 0, 7), key))).join();
    double before = s3Gets();
    assertThat(getReport(tenant.value(), "").topology(TopologyType.HOST).nodes().get("hot;<host>")).isNotNull();
    assertThat(s3Gets()).isEqualTo(before);
  }

  @Test
  void aHotCopyCopiedIntoAnotherTenantsKeysIsNotServedThere() {
    TenantId victim = TenantId.of("hot-victim");
    TenantId reader = TenantId.of("hot-reader");
    long now = now();
    long q = QUANTA.startOf(now - 1_000_000_000L);
    String victimKey = StorageKeys.objectKey(victim, q, 0, 8);
    // The reader's own segment, stored as the ingest side stores it...
    String readerKey = store(reader, now - 1_000_000_000L, 0, host("readers-own", now));
    try (RedisClient redis = RedisClient.create(SharedInfrastructure.get().redis().uri());
        var c = redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
      // ...and, under its hot copy key, the victim's copy of the victim's segment.
      c.sync().set(StorageKeys.hotCopyKey(reader, readerKey), io.scopeline.keys.HotCopy.seal(victim, victimKey,
          ReportCodec.encode(host("victims-secret", now), ReportFormat.MSGPACK_GZIP)));
    }
    var hosts = getReport(reader.value(), "").topology(TopologyType.HOST).nodes();
    assertThat(hosts.get("victims-secret;<host>")).isNull();
    assertThat(hosts.get("readers-own;<host>")).as("read from S3 instead").isNotNull();
    assertThat(meters.counter("scopeline.query.tier", "tier", "redis", "result", "rejected").count()).isPositive();
  }

  @Test
  void whenTheIndexFailsTheLastGoodWindowIsServedMarkedStaleThen503AfterTheLimit() throws Exception {
    TenantId tenant = TenantId.of("stale-tenant");
    store(tenant, now() - 1_000_000_000L, 0, host("kept", now()));
    assertThat(getReport(tenant.value(), "").nodeCount()).isEqualTo(1);
    var dynamoServer = SharedInfrastructure.get().dynamo();
    dynamoServer.stop();
    try {
      // The live window is not read from the index per request: it turns stale when it is next
      // reconciled (every reconcile-interval, 3 s here) and that fails (after the SDK's retries).
      byte[][] holder = new byte[1][];
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(12)).until(() -> {
        var r = http.get().uri("/api/report").header(WireHeaders.ORG_ID, tenant.value()).exchange()
            .expectStatus().isOk().expectBody(byte[].class).returnResult();
        holder[0] = r.getResponseBody();
        return r.getResponseHeaders().getFirst(io.scopeline.query.api.ScopeApi.STALE_HEADER) != null;
      });
      byte[] body = holder[0];
      assertThat(ReportCodec.decode(body, ReportFormat.JSON, ReportLimits.DEFAULT).topology(TopologyType.HOST).nodes()
          .get("kept;<host>")).isNotNull();
      assertThat(meters.counter("scopeline.query.window.stale").count()).isPositive();
      Thread.sleep(12_500);
      http.get().uri("/api/report").header(WireHeaders.ORG_ID, tenant.value()).exchange()
          .expectStatus().isEqualTo(503).expectBody(String.class).value(b -> assertThat(b).contains("unavailable"));
      http.get().uri("/api/report").header(WireHeaders.ORG_ID, "never-read-tenant").exchange()
          .expectStatus().isEqualTo(503);
    } finally {
      dynamoServer.restart();
    }
    // Recovered: fresh data is read again (the first quantum has left the 15 s window by now).
    store(tenant, now() - 1_000_000_000L, 0, host("after", now()));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(getReport(tenant.value(), "").topology(TopologyType.HOST).nodes().get("after;<host>")).isNotNull());
  }

  @Test
  void withRedisDownQuantaComeFromS3AndTheRedisErrorIsCounted() {
    TenantId tenant = TenantId.of("no-redis-tenant");
    store(tenant, now() - 1_000_000_000L, 0, host("from-s3", now()));
    var redis = SharedInfrastructure.get().redis();
    double errorsBefore = meters.counter("scopeline.query.tier", "tier", "redis", "result", "error").count();
    double s3Before = s3Gets();
    redis.stop();
    try {
      assertThat(getReport(tenant.value(), "").topology(TopologyType.HOST).nodes().get("from-s3;<host>")).isNotNull();
      assertThat(meters.counter("scopeline.query.tier", "tier", "redis", "result", "error").count())
          .isGreaterThan(errorsBefore);
      assertThat(s3Gets()).isGreaterThan(s3Before);
    } finally {
      redis.restart();
    }
  }

  @Test
  void apiProbesListsScopesFieldsWithLivenessFromTheIngestSide() {
    TenantId tenant = TenantId.of("probes-tenant");
    long now = now();
    Node h = Node.of("web-01;<host>", "host").withLatest("host_name", now, "web-01")
        .withLatest("control_probe_id", now, "p-1").withLatest("host_scope_version", now, "1.13.2");
    store(tenant, now - 1_000_000_000L, 0, Report.builder().windowNanos(3_000_000_000L)
        .topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(h)).build());
    try (RedisClient redis = RedisClient.create(SharedInfrastructure.get().redis().uri()); var c = redis.connect()) {
      c.sync().hset(StorageKeys.probeStatusKey(tenant), Map.of(
          "p-1", "{\"status\":\"ok\",\"lastSeen\":1795311568000,\"interval\":3000}",
          "p-2", "{\"status\":\"nodata\",\"lastSeen\":1795311500000,\"interval\":3000,\"hostname\":\"web-02\"}"));
    }
    http.get().uri("/api/probes").header(WireHeaders.ORG_ID, tenant.value()).exchange().expectStatus().isOk()
        .expectBody()
        .jsonPath("$.length()").isEqualTo(2)
        .jsonPath("$[?(@.id == 'p-1')].hostname").isEqualTo("web-01")
        .jsonPath("$[?(@.id == 'p-1')].version").isEqualTo("1.13.2")
        .jsonPath("$[?(@.id == 'p-1')].status").isEqualTo("ok")
        .jsonPath("$[?(@.id == 'p-2')].status").isEqualTo("nodata")
        .jsonPath("$[?(@.id == 'p-2')].lastReport").isEqualTo(1795311500000L)
        .jsonPath("$[?(@.id == 'p-2')].hostname").isEqualTo("web-02");
  }

  @Test
  void aTenantSeesNothingOfAnother() {
    long now = now();
    store(TenantId.of("tenant-a"), now - 1_000_000_000L, 0, host("secret", now));
    assertThat(getReport("tenant-b", "").nodeCount()).isZero();
    assertThat(getReport("tenant-a", "").nodeCount()).isEqualTo(1);
  }

  @Test
  void requestsWithoutATenantAre401WithAReason() {
    http.get().uri("/api/report").exchange().expectStatus().isUnauthorized().expectBody(String.class)
        .value(b -> assertThat(b).contains("X-Scope-OrgID"));
    http.get().uri("/api/report?timestamp=yesterday").header(WireHeaders.ORG_ID, "t").exchange()
        .expectStatus().isBadRequest();
  }

  @Test
  void msgpackOnRequestAndApiAnswersLikeScope() {
    byte[] body = http.get().uri("/api/report").header(WireHeaders.ORG_ID, "t").header("Accept", "application/msgpack")
        .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
    assertThat(ReportCodec.decode(body, ReportFormat.MSGPACK, ReportLimits.DEFAULT).nodeCount()).isZero();
    http.get().uri("/api").exchange().expectStatus().isOk().expectBody()
        .jsonPath("$.capabilities.historic_reports").isEqualTo(true).jsonPath("$.id").isNotEmpty();
  }

  @Test
  void aLiveWindowIncludesHotCopiesThatAreNotIndexedYet() {
    TenantId tenant = TenantId.of("fresh-tenant");
    long now = now();
    store(tenant, now - 4_000_000_000L, 0, host("indexed", now));
    long q = QUANTA.startOf(now - 1_000_000_000L);
    String key = StorageKeys.objectKey(tenant, q, 0, 99);
    try (RedisClient redis = RedisClient.create(SharedInfrastructure.get().redis().uri());
        var c = redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
      // As the ingest side leaves it between the hot copy and the index row.
      c.sync().set(StorageKeys.hotCopyKey(tenant, key), io.scopeline.keys.HotCopy.seal(tenant, key,
          ReportCodec.encode(host("not-yet-indexed", now), ReportFormat.MSGPACK_GZIP)));
      c.sync().zadd(StorageKeys.recentKey(tenant), q / 1_000_000L, key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Report live = getReport(tenant.value(), "");
    assertThat(live.topology(TopologyType.HOST).nodes().get("not-yet-indexed;<host>")).isNotNull();
    assertThat(live.topology(TopologyType.HOST).nodes().get("indexed;<host>")).isNotNull();
    // Time travel reads what was indexed only.
    Report past = getReport(tenant.value(), "?timestamp=" + Instant.ofEpochSecond(0, now));
    assertThat(past.topology(TopologyType.HOST).nodes().get("not-yet-indexed;<host>")).isNull();
  }
}
