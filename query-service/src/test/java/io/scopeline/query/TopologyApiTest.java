package io.scopeline.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.codec.WireHeaders;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.Reports;
import io.scopeline.query.live.EncodedBody;
import io.scopeline.testing.ScopeAnswers;
import io.scopeline.testsupport.SharedFixtures;
import io.scopeline.testsupport.SharedInfrastructure;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/** The topology API and its WebSocket, on the real read path. */
class TopologyApiTest extends QueryTestBase {
  private static final java.net.http.HttpClient RAW_HTTP = java.net.http.HttpClient.newHttpClient();
  private static final TenantId FIXTURE_TENANT = TenantId.of("fixture-tenant");

  static List<ScopeAnswers.Answer> scopeAnswers() {
    return ScopeAnswers.topology(false);
  }

  private static Report fixture() {
    return ReportCodec.decode(SharedFixtures.read("fixture/report.msgpack.gz"), ReportFormat.MSGPACK_GZIP,
        ReportLimits.DEFAULT);
  }

  /** The fixture stored as a quantum (as the ingest side does), then every Scope answer compared. */
  @ParameterizedTest
  @MethodSource("scopeAnswers")
  void answersWhatScopeAnsweredForTheFixture(ScopeAnswers.Answer c) {
    // A fresh copy each time keeps the fixture inside the 15 s window; copies merge to the same topology.
    store(FIXTURE_TENANT, now() - 1_000_000_000L, 0, fixture());
    byte[] body = http.get().uri(URI.create("http://127.0.0.1:" + port + c.url()))
        .header(WireHeaders.ORG_ID, FIXTURE_TENANT.value()).exchange().expectStatus().isOk()
        .expectHeader().contentType("application/json").expectBody(byte[].class).returnResult().getResponseBody();
    assertThat(ScopeAnswers.diff(c, body)).as(new String(body, StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void unknownTopologiesAndNodesAre404AndMissingTenants401() {
    http.get().uri("/api/topology/nope").header(WireHeaders.ORG_ID, "t").exchange().expectStatus().isNotFound()
        .expectBody(String.class).value(b -> assertThat(b).contains("nope"));
    http.get().uri("/api/topology/hosts/no-such-node").header(WireHeaders.ORG_ID, "t").exchange()
        .expectStatus().isNotFound();
    http.get().uri("/api/topology").exchange().expectStatus().isUnauthorized();
    http.get().uri("/api/topology/hosts/ws?t=soon").header(WireHeaders.ORG_ID, "t").exchange()
        .expectStatus().isBadRequest().expectBody(String.class).value(b -> assertThat(b).contains("Go duration"));
  }

  @Test
  void aTenantSeesNoneOfAnothersNodesOnAnyTopologyEndpoint() {
    store(TenantId.of("iso-a"), now() - 1_000_000_000L, 0, fixture());
    http.get().uri("/api/topology/hosts").header(WireHeaders.ORG_ID, "iso-a").exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.nodes['client.hostname.com;<host>']").exists();
    http.get().uri("/api/topology/hosts").header(WireHeaders.ORG_ID, "iso-b").exchange().expectStatus().isOk()
        .expectBody().json("{\"nodes\":{}}");
    http.get().uri("/api/topology/hosts/client.hostname.com%3B%3Chost%3E").header(WireHeaders.ORG_ID, "iso-b")
        .exchange().expectStatus().isNotFound();
    http.get().uri("/api/topology").header(WireHeaders.ORG_ID, "iso-b").exchange().expectStatus().isOk()
        .expectBody().jsonPath("$[?(@.name == 'Hosts')].stats.node_count").isEqualTo(0);
  }

  @Test
  void censoringHidesArgumentsAndEnvironment() {
    TenantId tenant = TenantId.of("censor-tenant");
    long now = now();
    var p = io.scopeline.model.Node.of("h;1", "process").withLatest("pid", now, "1").withLatest("name", now, "java")
        .withLatest("cmdline", now, "java -Dsecret=hunter2 -jar app.jar").withLatest("host_node_id", now, "h;<host>");
    store(tenant, now - 1_000_000_000L, 0, Report.builder().topology(io.scopeline.model.TopologyType.PROCESS,
        io.scopeline.model.TopologyType.PROCESS.defaultTopology().withNode(p)).build());
    String plain = http.get().uri("/api/report").header(WireHeaders.ORG_ID, tenant.value()).exchange()
        .expectBody(String.class).returnResult().getResponseBody();
    String censored = http.get().uri("/api/report?hideCommandLineArguments=true").header(WireHeaders.ORG_ID,
        tenant.value()).exchange().expectBody(String.class).returnResult().getResponseBody();
    assertThat(plain).contains("hunter2");
    assertThat(censored).doesNotContain("hunter2").contains("\"java\"");
  }

  // ---- WebSocket ----------------------------------------------------------------------------

  @Test
  void theFirstFrameResetsWithEveryNodeThenDiffsFollowNewReports() throws Exception {
    TenantId tenant = TenantId.of("ws-tenant");
    long now = now();
    store(tenant, now - 1_000_000_000L, 0, host("first", now));
    try (Watcher w = new Watcher(port, tenant.value(), "/api/topology/hosts/ws?t=1s")) {
      String reset = w.next(Duration.ofSeconds(10));
      assertThat(reset).contains("\"reset\":true").contains("first;<host>");
      String idle = w.next(Duration.ofSeconds(10));
      assertThat(idle).isEqualTo("{\"add\":null,\"update\":null,\"remove\":null}");
      store(tenant, now() - 500_000_000L, 1, host("second", now()));
      String diff = w.nextMatching(f -> f.contains("second;<host>"), Duration.ofSeconds(10));
      assertThat(diff).contains("\"add\":[").doesNotContain("reset").doesNotContain("first;<host>");
      assertThat(w.pings.poll(5, TimeUnit.SECONDS)).as("a ping").isNotNull();
    }
  }

  @Test
  void aShortcutReportIsPushedWithoutWaitingForTheTick() throws Exception {
    TenantId tenant = TenantId.of("shortcut-tenant");
    try (Watcher w = new Watcher(port, tenant.value(), "/api/topology/hosts/ws?t=120s");
        RedisClient redis = RedisClient.create(SharedInfrastructure.get().redis().uri());
        var c = redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
      assertThat(w.next(Duration.ofSeconds(10))).contains("\"reset\":true");
      Thread.sleep(500); // the subscription to the tenant's channel is made as the socket opens
      long now = now();
      // What the ingest side does for a shortcut: hot copy, recent set, announcement.
      String objectKey = StorageKeys.shortcutObjectKey(tenant, now, "0-1");
      String key = StorageKeys.hotCopyKey(tenant, objectKey);
      c.sync().set(key, io.scopeline.keys.HotCopy.seal(tenant, objectKey,
          ReportCodec.encode(host("started", now), ReportFormat.MSGPACK_GZIP)));
      c.sync().zadd(StorageKeys.recentKey(tenant), now / 1_000_000L, objectKey.getBytes(StandardCharsets.UTF_8));
      c.sync().publish(StorageKeys.notificationChannel(tenant),
          ("{\"type\":\"shortcut\",\"key\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8));
      // The tick is two minutes; only the announcement can bring this frame.
      assertThat(w.next(Duration.ofSeconds(20))).contains("started;<host>").contains("\"add\":[");
    }
  }

  @Test
  void aLargeAnswerIsGzippedForClientsThatAcceptItAndPlainForOthers() throws Exception {
    TenantId tenant = TenantId.of("gzip-tenant");
    List<Report> hosts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      hosts.add(host("gzip-host-" + i, now()));
    }
    store(tenant, now() - 1_000_000_000L, 0, Reports.merge(hosts));
    byte[] plain = topologyBody(tenant, null, null);
    assertThat(plain.length).isGreaterThan(EncodedBody.GZIP_MIN_BYTES);
    // The first request that accepts gzip may get JSON while the gzip is made in the background.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      byte[] gzipped = topologyBody(tenant, "gzip, deflate, br", "gzip");
      try (var in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
        assertThat(in.readAllBytes()).isEqualTo(plain);
      }
    });
    assertThat(topologyBody(tenant, "gzip;q=0, identity", null)).isEqualTo(plain);
  }

  /** The hosts answer as sent; {@code encoding} null expects a body that is not encoded. */
  private byte[] topologyBody(TenantId tenant, String acceptEncoding, String encoding) throws Exception {
    // Not WebTestClient: it asks for gzip itself and unpacks it, hiding what the server sent.
    var request = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/topology/hosts"))
        .header(WireHeaders.ORG_ID, tenant.value());
    if (acceptEncoding != null) {
      request.header(HttpHeaders.ACCEPT_ENCODING, acceptEncoding);
    }
    var response = RAW_HTTP.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue(HttpHeaders.VARY)).hasValue(HttpHeaders.ACCEPT_ENCODING);
    assertThat(response.headers().firstValue(HttpHeaders.CONTENT_ENCODING)).isEqualTo(Optional.ofNullable(encoding));
    return response.body();
  }

  @Test
  void aSocketOfAnotherTenantSeesNothing() throws Exception {
    store(TenantId.of("ws-a"), now() - 1_000_000_000L, 0, host("private", now()));
    try (Watcher w = new Watcher(port, "ws-b", "/api/topology/hosts/ws?t=1s")) {
      assertThat(w.next(Duration.ofSeconds(10))).isEqualTo("{\"add\":null,\"update\":null,\"remove\":null,\"reset\":true}");
    }
  }

  @Test
  void aTimeTravellingSocketShowsThePastWindow() throws Exception {
    TenantId tenant = TenantId.of("ws-travel-tenant");
    long then = now() - 3_600_000_000_000L;
    store(tenant, then - 2_000_000_000L, 0, host("an-hour-ago", then));
    store(tenant, now() - 1_000_000_000L, 0, host("current", now()));
    String at = java.time.Instant.ofEpochSecond(0, then).toString();
    try (Watcher w = new Watcher(port, tenant.value(), "/api/topology/hosts/ws?t=1s&timestamp=" + at)) {
      String reset = w.next(Duration.ofSeconds(10));
      assertThat(reset).contains("an-hour-ago;<host>").doesNotContain("current;<host>");
    }
  }

  private static Report hosts(long ts, String... nameAndKernel) {
    // As a probe sends it: the template makes kernel_version a metadata row of the summary.
    var hosts = io.scopeline.model.TopologyType.HOST.defaultTopology().withMetadataTemplates(
        io.scopeline.model.KeyedMap.of("kernel_version",
            new io.scopeline.model.MetadataTemplate("kernel_version", "Kernel version", 0, "", 3, "latest")));
    for (int i = 0; i < nameAndKernel.length; i += 2) {
      hosts = hosts.withNode(io.scopeline.model.Node.of(nameAndKernel[i] + ";<host>", "host")
          .withLatest("host_name", ts, nameAndKernel[i]).withLatest("kernel_version", ts, nameAndKernel[i + 1]));
    }
    return Report.builder().ts(ts).windowNanos(3_000_000_000L).topology(io.scopeline.model.TopologyType.HOST, hosts)
        .build();
  }

  @Test
  void aDiffBetweenTwoTimesListsTheHostsThatCameWentAndChangedAndWhatChanged() throws Exception {
    TenantId tenant = TenantId.of("diff-" + System.nanoTime());
    long then = now() - 3_600_000_000_000L;
    store(tenant, then, 0, hosts(then, "web", "5.10", "old", "5.10", "db", "6.1"));
    long recent = now() - 1_000_000_000L;
    store(tenant, recent, 0, hosts(recent, "web", "6.1", "new", "6.1", "db", "6.1"));
    String from = java.time.Instant.ofEpochSecond(0, then + 1_000_000_000L).toString();

    byte[] body = http.get().uri("/api/topology/hosts/diff?from=" + from).header(WireHeaders.ORG_ID, tenant.value())
        .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();

    var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(body);
    // The same instant: the answer writes it as Go does (no trailing zeros in the fraction).
    assertThat(java.time.Instant.parse(json.get("from").asString())).isEqualTo(java.time.Instant.parse(from));
    assertThat(json.at("/nodes/added").valueStream().map(n -> n.get("id").asString()).toList())
        .containsExactly("new;<host>");
    assertThat(json.at("/nodes/removed").valueStream().map(n -> n.get("id").asString()).toList())
        .containsExactly("old;<host>");
    assertThat(json.at("/nodes/changed")).hasSize(1);
    assertThat(json.at("/nodes/changed/0/id").asString()).isEqualTo("web;<host>");
    assertThat(json.at("/nodes/changed/0/changed").valueStream().map(n -> n.asString()).toList())
        .containsExactly("kernel_version");
    assertThat(json.at("/edges/added")).isEmpty();

    // The same two times read from the past at both ends answer the same.
    String to = java.time.Instant.ofEpochSecond(0, recent + 500_000_000L).toString();
    byte[] past = http.get().uri("/api/topology/hosts/diff?from=" + from + "&to=" + to)
        .header(WireHeaders.ORG_ID, tenant.value()).exchange().expectStatus().isOk().expectBody(byte[].class)
        .returnResult().getResponseBody();
    var pastJson = tools.jackson.databind.json.JsonMapper.builder().build().readTree(past);
    assertThat(pastJson.get("nodes")).isEqualTo(json.get("nodes"));
  }

  @Test
  void aDiffNeedsAnEarlierFromAndAKnownTopology() {
    http.get().uri("/api/topology/hosts/diff").header(WireHeaders.ORG_ID, "t").exchange().expectStatus()
        .isBadRequest().expectBody(String.class).value(b -> assertThat(b).contains("from= is required"));
    http.get().uri("/api/topology/hosts/diff?from=2200-01-01T00:00:00Z").header(WireHeaders.ORG_ID, "t").exchange()
        .expectStatus().isBadRequest().expectBody(String.class).value(b -> assertThat(b).contains("before to="));
    http.get().uri("/api/topology/hosts/diff?from=yesterday").header(WireHeaders.ORG_ID, "t").exchange()
        .expectStatus().isBadRequest().expectBody(String.class).value(b -> assertThat(b).contains("from must be RFC 3339"));
    http.get().uri("/api/topology/nope/diff?from=2026-01-01T00:00:00Z").header(WireHeaders.ORG_ID, "t").exchange()
        .expectStatus().isNotFound();
  }

  /** Stores a roll-up as the ingest side's compactor does: object, then row. */
  private void storeRollup(TenantId tenant, io.scopeline.keys.Rollups.Level level, long start, Report report) {
    byte[] bytes = ReportCodec.encode(report, ReportFormat.MSGPACK_GZIP);
    String key = io.scopeline.keys.Rollups.objectKey(tenant, level, start, bytes);
    s3.putObject(b -> b.bucket(storage.s3().bucket()).key(key),
        software.amazon.awssdk.core.async.AsyncRequestBody.fromBytes(bytes)).join();
    dynamo.putItem(b -> b.tableName(storage.dynamodb().table()).item(io.scopeline.service.storage.IndexRows.rollupItem(
        io.scopeline.keys.Rollups.hashKey(tenant, level, start), io.scopeline.keys.Rollups.rangeKey(start), key,
        System.currentTimeMillis()))).join();
  }

  private List<String> hostIds(String tenant, String query) throws Exception {
    byte[] body = http.get().uri("/api/topology/hosts?" + query).header(WireHeaders.ORG_ID, tenant).exchange()
        .expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
    var nodes = tools.jackson.databind.json.JsonMapper.builder().build().readTree(body).get("nodes");
    List<String> ids = new ArrayList<>();
    nodes.propertyNames().forEach(ids::add);
    return ids;
  }

  @Test
  void aLongWindowReadsTheHourAndMinuteRollUpsThatFitInItAndTheQuantaAroundThem() throws Exception {
    TenantId tenant = TenantId.of("window-" + System.nanoTime());
    long minute = 60_000_000_000L;
    long hour = io.scopeline.keys.Rollups.Level.HOUR.startOf(now()) - 3 * 60 * minute;
    // What each tier holds is made different on purpose, so the answer shows which one was read.
    storeRollup(tenant, io.scopeline.keys.Rollups.Level.HOUR, hour, host("from-hour-rollup", hour + minute));
    store(tenant, hour + 30 * minute, 0, host("quantum-inside-the-hour", hour + 30 * minute));
    storeRollup(tenant, io.scopeline.keys.Rollups.Level.MINUTE, hour + 60 * minute,
        host("from-minute-rollup", hour + 60 * minute));
    store(tenant, hour + 60 * minute + 3_000_000_000L, 0, host("quantum-inside-the-minute", hour + 60 * minute));
    store(tenant, hour + 65 * minute, 0, host("from-quantum", hour + 65 * minute));
    store(tenant, hour - 20 * minute, 0, host("before-the-hour", hour - 20 * minute));
    String at = java.time.Instant.ofEpochSecond(0, hour + 70 * minute).toString();

    assertThat(hostIds(tenant.value(), "timestamp=" + at + "&window=2h")).containsExactlyInAnyOrder(
        "before-the-hour;<host>", "from-hour-rollup;<host>", "from-minute-rollup;<host>", "from-quantum;<host>");
    assertThat(hostIds(tenant.value(), "timestamp=" + at + "&window=8m")).as("no roll-up fits: quanta alone")
        .containsExactly("from-quantum;<host>");
    assertThat(hostIds(tenant.value(), "timestamp=" + at)).as("the default window, as before").isEmpty();

    http.get().uri("/api/topology/hosts?window=soon").header(WireHeaders.ORG_ID, "t").exchange().expectStatus()
        .isBadRequest().expectBody(String.class).value(b -> assertThat(b).contains("window must be a duration"));
    http.get().uri("/api/topology/hosts?window=40d").header(WireHeaders.ORG_ID, "t").exchange().expectStatus()
        .isBadRequest().expectBody(String.class).value(b -> assertThat(b).contains("at most 31d"));
  }

  /** A host whose CPU was sampled each second of the quantum starting at {@code q}: 3 samples. */
  private static Report sampledHost(long q) {
    long second = 1_000_000_000L;
    long[] dates = {q, q + second, q + 2 * second};
    double[] values = {q / second % 100, q / second % 100 + 0.25, q / second % 100 + 0.5};
    var host = io.scopeline.model.Node.of("sampled;<host>", "host").withLatest("host_name", q, "sampled")
        .withMetrics(io.scopeline.model.KeyedMap.of("host_cpu_usage_percent",
            io.scopeline.model.Metric.of(dates, values, 0, 100)));
    return Report.builder().ts(q).windowNanos(3 * second)
        .topology(io.scopeline.model.TopologyType.HOST, io.scopeline.model.TopologyType.HOST.defaultTopology()
            .withNode(host))
        .build();
  }

  private List<Long> cpuSampleDates(String tenant, String query) throws Exception {
    byte[] body = http.get().uri("/api/report?" + query).header(WireHeaders.ORG_ID, tenant).exchange()
        .expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
    var samples = tools.jackson.databind.json.JsonMapper.builder().build().readTree(body)
        .at("/Host/nodes/sampled;<host>/metrics/host_cpu_usage_percent/samples");
    List<Long> dates = new ArrayList<>();
    samples.forEach(s -> dates.add(java.time.Instant.parse(s.get("date").asString()).toEpochMilli()));
    return dates;
  }

  @Test
  void aLongWindowOfRawQuantaKeepsTheMetricSamplesItsRollUpsWouldAndOneOfTooManyObjectsIsRefused()
      throws Exception {
    TenantId tenant = TenantId.of("samples-" + System.nanoTime());
    long second = 1_000_000_000L;
    long start = io.scopeline.keys.Rollups.Level.HOUR.startOf(now()) - 2 * 3600 * second;
    int quanta = 62; // three minutes and more, no roll-ups: every read is of raw quanta
    for (int i = 0; i < quanta; i++) {
      store(tenant, start + i * 3 * second, 0, sampledHost(start + i * 3 * second));
    }
    long endNanos = start + quanta * 3 * second;
    String end = java.time.Instant.ofEpochSecond(0, endNanos).toString();

    // 3 minutes: the 60 quanta from second 6 on (max-window-objects is 60 here), sampled each second.
    // One sample per 15 s is kept, the last of each (what a minute roll-up keeps): 13 of the 180.
    List<Long> thinned = cpuSampleDates(tenant.value(), "timestamp=" + end + "&window=3m");
    List<Long> expected = new ArrayList<>();
    for (long s = 14; s < 185; s += 15) {
      expected.add((start + s * second) / 1_000_000);
    }
    expected.add((start + 185 * second) / 1_000_000);
    assertThat(thinned).containsExactlyElementsOf(expected);
    assertThat(cpuSampleDates(tenant.value(), "timestamp=" + end)).as("Scope's 15 s window: every sample")
        .hasSize(15);

    // 4 minutes would read 62 objects: refused with the count, on every path that reads a window.
    for (String path : List.of("/api/report", "/api/topology/hosts", "/api/topology/hosts/edges")) {
      http.get().uri(path + "?timestamp=" + end + "&window=4m").header(WireHeaders.ORG_ID, tenant.value()).exchange()
          .expectStatus().isBadRequest().expectBody(String.class)
          .value(b -> assertThat(b).as(path).contains("needs 62 stored objects", "ask a shorter window"));
    }
    http.get().uri("/api/topology/hosts/edges?timestamp=" + end).header(WireHeaders.ORG_ID, tenant.value()).exchange()
        .expectStatus().isBadRequest().expectBody(String.class)
        .value(b -> assertThat(b).contains("needs 62 stored objects", "/edges reads 24h0m0s by default"));
    http.get().uri("/api/topology/hosts/ws?timestamp=" + end + "&window=4m").header(WireHeaders.ORG_ID,
            tenant.value()).exchange()
        .expectStatus().isBadRequest().expectBody(String.class)
        .value(b -> assertThat(b).as("a socket's handshake").contains("needs 62 stored objects"));
  }

  @Test
  void theHistoryOneCanTravelToIsTheIngestSidesHourRetentionEndingNow() throws Exception {
    // scopeline.retention.hour=30d in this context: the query side follows the ingest side's setting.
    byte[] body = http.get().uri("/api/history").header(WireHeaders.ORG_ID, "history").exchange()
        .expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
    var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(body);
    java.time.Instant from = java.time.Instant.parse(json.get("from").asString());
    java.time.Instant to = java.time.Instant.parse(json.get("to").asString());
    assertThat(Duration.between(from, to)).isEqualTo(Duration.ofDays(30));
    assertThat(Duration.between(to, java.time.Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
    assertThat(json.get("retention").asString()).isEqualTo("720h0m0s");
  }

  @Test
  void aSearchKeepsTheMatchingNodesOfTheViewOverHttpAndWebSocket() throws Exception {
    TenantId tenant = TenantId.of("search-" + System.nanoTime());
    store(tenant, now() - 1_000_000_000L, 0, hosts(now(), "web-1", "5.10", "web-2", "6.1", "db", "6.1"));

    assertThat(hostIds(tenant.value(), "q=web")).containsExactlyInAnyOrder("web-1;<host>", "web-2;<host>");
    assertThat(hostIds(tenant.value(), "q=web&q=kernelversion:6")).containsExactly("web-2;<host>");
    String body = http.get().uri("/api/topology/hosts?q=label:eb-").header(WireHeaders.ORG_ID, tenant.value())
        .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    assertThat(body).contains("\"matches\":{", "\"field\":\"label\",\"text\":\"web-1\",\"start\":1,\"length\":3");

    try (Watcher w = new Watcher(port, tenant.value(), "/api/topology/hosts/ws?t=1s&q=db")) {
      assertThat(w.next(Duration.ofSeconds(10))).contains("db;<host>").doesNotContain("web-1");
    }
    http.get().uri(URI.create("http://127.0.0.1:" + port + "/api/topology/hosts?q=cpu%20%3E%20lots"))
        .header(WireHeaders.ORG_ID, tenant.value()).exchange()
        .expectStatus().isBadRequest().expectBody(String.class)
        .value(b -> assertThat(b).contains("compare cpu with a number"));
    http.get().uri("/api/topology/hosts/ws?q=").header(WireHeaders.ORG_ID, tenant.value()).exchange()
        .expectStatus().isBadRequest().expectBody(String.class).value(b -> assertThat(b).contains("q is empty"));
  }

  @Test
  void theRawReportAndTopologySocketsTakeALongWindowToo() throws Exception {
    TenantId tenant = TenantId.of("window-everywhere-" + System.nanoTime());
    long minute = 60_000_000_000L;
    store(tenant, now() - 20 * minute, 0, host("twenty-minutes-ago", now() - 20 * minute));
    store(tenant, now() - 1_000_000_000L, 0, host("current", now()));

    String longReport = http.get().uri("/api/report?window=1h").header(WireHeaders.ORG_ID, tenant.value())
        .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    assertThat(longReport).contains("twenty-minutes-ago;<host>", "current;<host>");
    String liveReport = http.get().uri("/api/report").header(WireHeaders.ORG_ID, tenant.value())
        .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    assertThat(liveReport).contains("current;<host>").doesNotContain("twenty-minutes-ago");

    try (Watcher w = new Watcher(port, tenant.value(), "/api/topology/hosts/ws?t=1s&window=1h")) {
      assertThat(w.next(Duration.ofSeconds(10))).contains("twenty-minutes-ago;<host>", "current;<host>");
    }
    String at = java.time.Instant.ofEpochSecond(0, now() - 10 * minute).toString();
    try (Watcher w = new Watcher(port, tenant.value(), "/api/topology/hosts/ws?timestamp=" + at + "&window=30m")) {
      assertThat(w.next(Duration.ofSeconds(10))).contains("twenty-minutes-ago;<host>").doesNotContain("current");
    }
    http.get().uri("/api/topology/hosts/ws?window=soon").header(WireHeaders.ORG_ID, tenant.value()).exchange()
        .expectStatus().isBadRequest().expectBody(String.class).value(b -> assertThat(b).contains("window must be"));
    http.get().uri("/api/report?window=0s").header(WireHeaders.ORG_ID, tenant.value()).exchange()
        .expectStatus().isBadRequest().expectBody(String.class).value(b -> assertThat(b).contains("window must be"));
  }

  @Test
  void aTimeWhoseQuantaRetentionDeletedReadsTheFinestRollUpStillKept() throws Exception {
    TenantId tenant = TenantId.of("expired-" + System.nanoTime());
    long minute = 60_000_000_000L;
    long hourNanos = 60 * minute;
    long expired = io.scopeline.keys.Rollups.Level.HOUR.startOf(now()) - 30 * hourNanos; // quanta gone
    storeRollup(tenant, io.scopeline.keys.Rollups.Level.MINUTE, expired + 10 * minute,
        host("from-minute-rollup", expired + 10 * minute));
    storeRollup(tenant, io.scopeline.keys.Rollups.Level.HOUR, expired, host("from-hour-rollup", expired));
    long older = expired - 24 * hourNanos; // minute roll-ups gone too
    storeRollup(tenant, io.scopeline.keys.Rollups.Level.HOUR, older, host("from-older-hour-rollup", older));
    long kept = expired + 20 * hourNanos; // quanta still kept, with a gap
    store(tenant, kept, 0, host("from-quantum", kept));
    storeRollup(tenant, io.scopeline.keys.Rollups.Level.MINUTE, kept + 20 * minute, host("rolled-up", kept));

    assertThat(hostIds(tenant.value(), "timestamp=" + iso(expired + 10 * minute + 30_000_000_000L)))
        .containsExactly("from-minute-rollup;<host>");
    assertThat(hostIds(tenant.value(), "timestamp=" + iso(expired + 40 * minute)))
        .as("a minute without data in an hour whose minutes are kept").isEmpty();
    assertThat(hostIds(tenant.value(), "timestamp=" + iso(older + 30 * minute)))
        .containsExactly("from-older-hour-rollup;<host>");
    assertThat(hostIds(tenant.value(), "timestamp=" + iso(kept + 20 * minute + 30_000_000_000L)))
        .as("a gap among kept quanta is a gap").isEmpty();
    assertThat(hostIds(tenant.value(), "timestamp=" + iso(kept + 2_000_000_000L))).containsExactly("from-quantum;<host>");
  }

  /** A quantum in which process {@code fromPid} connects to process {@code toPid}, both on host h. */
  private static Report connection(long ts, int fromPid, String fromName, int toPid, String toName) {
    return connection(ts, fromPid, fromName, toPid, toName, 5000 + toPid);
  }

  /** As above, the server listening on {@code port}. */
  private static Report connection(long ts, int fromPid, String fromName, int toPid, String toName, int port) {
    Report.Builder b = Report.builder().ts(ts).windowNanos(3_000_000_000L);
    for (io.scopeline.model.TopologyType type : io.scopeline.model.TopologyType.values()) {
      b.topology(type, type.defaultTopology());
    }
    b.topology(io.scopeline.model.TopologyType.HOST, b.topology(io.scopeline.model.TopologyType.HOST)
        .withNode(io.scopeline.model.Node.of("h;<host>", "host").withLatest("host_name", ts, "h")));
    var processes = b.topology(io.scopeline.model.TopologyType.PROCESS);
    var endpoints = b.topology(io.scopeline.model.TopologyType.ENDPOINT);
    int[] pids = {fromPid, toPid};
    String[] names = {fromName, toName};
    for (int i = 0; i < 2; i++) {
      processes = processes.withNode(io.scopeline.model.Node.of("h;" + pids[i], "process")
          .withLatest("pid", ts, "" + pids[i]).withLatest("name", ts, names[i]).withLatest("host_node_id", ts, "h;<host>"));
    }
    String client = ";10.0.0.1;" + (40000 + fromPid);
    String server = ";10.0.0.1;" + port;
    endpoints = endpoints
        .withNode(io.scopeline.model.Node.of(client, "endpoint").withLatest("pid", ts, "" + fromPid)
            .withLatest("host_node_id", ts, "h;<host>")
            .withAdjacency(io.scopeline.model.StringSet.of(server)))
        .withNode(io.scopeline.model.Node.of(server, "endpoint").withLatest("pid", ts, "" + toPid)
            .withLatest("host_node_id", ts, "h;<host>"));
    return b.topology(io.scopeline.model.TopologyType.PROCESS, processes)
        .topology(io.scopeline.model.TopologyType.ENDPOINT, endpoints).build();
  }

  @Test
  void edgesOfALongWindowListEveryDependencyWithWhenItWasFirstAndLastSeen() throws Exception {
    TenantId tenant = TenantId.of("edges-" + System.nanoTime());
    long minute = 60_000_000_000L;
    long hour = io.scopeline.keys.Rollups.Level.HOUR.startOf(now());
    // A weekly cron job to the database, seen only in two old hour roll-ups; the web server's
    // connection to the database, in the quanta of the last minutes.
    long cronFirst = hour - 5 * 24 * 60 * minute;
    long cronLast = hour - 2 * 24 * 60 * minute;
    storeRollup(tenant, io.scopeline.keys.Rollups.Level.HOUR, cronFirst, connection(cronFirst, 100, "cron", 200, "db"));
    storeRollup(tenant, io.scopeline.keys.Rollups.Level.HOUR, cronLast, connection(cronLast, 100, "cron", 200, "db"));
    long recent = now() - 2 * minute;
    store(tenant, recent, 0, connection(recent, 300, "web", 200, "db"));
    store(tenant, recent + minute, 0, connection(recent + minute, 300, "web", 200, "db"));

    byte[] body = http.get().uri("/api/topology/processes/edges?window=7d").header(WireHeaders.ORG_ID, tenant.value())
        .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
    var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(body);
    var edges = json.get("edges").valueStream().toList();
    assertThat(edges).hasSize(2);
    var cron = edges.stream().filter(e -> e.get("sourceLabel").asString().equals("cron")).findFirst().orElseThrow();
    assertThat(cron.get("targetLabel").asString()).isEqualTo("db");
    assertThat(cron.get("firstSeen").asString()).isEqualTo(iso(cronFirst));
    assertThat(cron.get("lastSeen").asString()).isEqualTo(iso(cronLast + 60 * minute));
    var web = edges.stream().filter(e -> e.get("sourceLabel").asString().equals("web")).findFirst().orElseThrow();
    assertThat(web.get("firstSeen").asString()).isEqualTo(iso(QUANTA.startOf(recent)));
    assertThat(web.get("lastSeen").asString()).isEqualTo(iso(QUANTA.startOf(recent + minute) + 3_000_000_000L));

    // A day's window has only the web server's.
    byte[] day = http.get().uri("/api/topology/processes/edges").header(WireHeaders.ORG_ID, tenant.value())
        .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
    assertThat(tools.jackson.databind.json.JsonMapper.builder().build().readTree(day).get("edges")
        .valueStream().map(e -> e.get("sourceLabel").asString()).toList()).containsExactly("web");
    http.get().uri("/api/topology/processes/edges?window=1y").header(WireHeaders.ORG_ID, tenant.value()).exchange()
        .expectStatus().isBadRequest();
    http.get().uri("/api/topology/nope/edges").header(WireHeaders.ORG_ID, tenant.value()).exchange()
        .expectStatus().isNotFound();
  }

  @Test
  void lookupNeighboursAndExportAnswerByStableNames() throws Exception {
    TenantId tenant = TenantId.of("finding-" + System.nanoTime());
    long ts = now() - 1_000_000_000L;
    // cron -> db and web -> db, on host h.
    store(tenant, ts, 0, Reports.merge(List.of(connection(ts, 100, "cron", 200, "db"),
        connection(ts, 300, "web", 200, "db", 5200))));
    var json = tools.jackson.databind.json.JsonMapper.builder().build();

    byte[] found = http.get().uri("/api/lookup?name=DB").header(WireHeaders.ORG_ID, tenant.value()).exchange()
        .expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
    assertThat(json.readTree(found).get("nodes").valueStream().map(n -> n.get("topology").asString() + " "
        + n.get("id").asString()).toList()).containsExactly("processes h;200");

    String base = "http://127.0.0.1:" + port + "/api/topology/processes/h%3B200/neighbours";
    byte[] around = http.get().uri(URI.create(base + "?direction=in"))
        .header(WireHeaders.ORG_ID, tenant.value()).exchange().expectStatus().isOk().expectBody(byte[].class)
        .returnResult().getResponseBody();
    var tree = json.readTree(around);
    List<String> ids = new ArrayList<>();
    tree.get("distance").propertyNames().forEach(ids::add);
    assertThat(ids).containsExactlyInAnyOrder("h;100", "h;200", "h;300");
    assertThat(tree.at("/nodes/h;100/adjacency/0").asString()).isEqualTo("h;200");

    var graphml = http.get().uri("/api/topology/processes/export?format=graphml").header(WireHeaders.ORG_ID,
        tenant.value()).exchange().expectStatus().isOk().expectBody(byte[].class).returnResult();
    assertThat(graphml.getResponseHeaders().getContentType().toString()).startsWith("application/graphml+xml");
    assertThat(graphml.getResponseHeaders().getContentDisposition().getFilename()).isEqualTo("processes.graphml");
    var doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(graphml.getResponseBody()));
    assertThat(doc.getElementsByTagName("edge").getLength()).isEqualTo(2);

    http.get().uri(URI.create(base + "?depth=99")).header(WireHeaders.ORG_ID, tenant.value())
        .exchange().expectStatus().isBadRequest().expectBody(String.class)
        .value(b -> assertThat(b).contains("depth must be a whole number from 0 to 10"));
    http.get().uri("/api/topology/processes/nope/neighbours").header(WireHeaders.ORG_ID, tenant.value())
        .exchange().expectStatus().isNotFound();
    http.get().uri("/api/topology/processes/export?format=pdf").header(WireHeaders.ORG_ID, tenant.value())
        .exchange().expectStatus().isBadRequest().expectBody(String.class)
        .value(b -> assertThat(b).contains("format must be json, graphml or dot"));
    http.get().uri("/api/lookup").header(WireHeaders.ORG_ID, tenant.value()).exchange().expectStatus()
        .isBadRequest().expectBody(String.class).value(b -> assertThat(b).contains("name= is required"));
  }

  @Test
  void aLongWindowKeepsEachConnectionOnTheProcessThatHeldTheAddressThen() throws Exception {
    TenantId tenant = TenantId.of("owners-" + System.nanoTime());
    long minute = 60_000_000_000L;
    // The database restarted between the two quanta: pid 200, then pid 201, behind one address.
    long before = now() - 20 * minute;
    long after = now() - 5 * minute;
    store(tenant, before, 0, connection(before, 100, "cron", 200, "db-v1", 5432));
    store(tenant, after, 0, connection(after, 100, "cron", 201, "db-v2", 5432));

    byte[] body = http.get().uri("/api/topology/processes?window=1h").header(WireHeaders.ORG_ID, tenant.value())
        .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
    var nodes = tools.jackson.databind.json.JsonMapper.builder().build().readTree(body).get("nodes");
    Map<String, String> labels = new java.util.HashMap<>();
    nodes.properties().forEach(e -> labels.put(e.getKey(), e.getValue().get("label").asString()));
    List<String> edges = new ArrayList<>();
    nodes.properties().forEach(e -> {
      if (e.getValue().has("adjacency")) {
        e.getValue().get("adjacency").valueStream()
            .forEach(to -> edges.add(labels.get(e.getKey()) + " -> " + labels.get(to.asString())));
      }
    });
    assertThat(edges).containsExactlyInAnyOrder("cron -> db-v1", "cron -> db-v2");
  }

  private static String iso(long epochNanos) {
    return java.time.Instant.ofEpochSecond(0, epochNanos).toString();
  }
}
