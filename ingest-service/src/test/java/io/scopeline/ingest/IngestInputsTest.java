package io.scopeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.codec.WireHeaders;
import io.scopeline.keys.Quanta;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.KeyedMap;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.Topology;
import io.scopeline.model.TopologyType;
import io.scopeline.testsupport.SharedFixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Every kind of input: real probe captures, a multi-tenant stream, and a matrix of bad records. */
class IngestInputsTest extends IngestTestBase {

  @Test
  void theBridgeAcceptsRealProbeCapturesWithTheirOriginalHeaders() throws Exception {
    TenantId tenant = TenantId.of("realprobe-tenant");
    for (String name : List.of("post-full", "post-delta", "post-delta2", "post-full2")) {
      byte[] body = Files.readAllBytes(SharedFixtures.fixture("realprobe/inputs/" + name + ".gz.msgpack"));
      var request = http.post().uri("/api/report").header(WireHeaders.ORG_ID, tenant.value());
      for (String line : Files.readAllLines(SharedFixtures.fixture("realprobe/inputs/" + name + ".original-headers.txt"))) {
        int colon = line.indexOf(':');
        if (colon <= 0 || line.startsWith("POST ")) {
          continue;
        }
        String header = line.substring(0, colon).trim();
        String value = line.substring(colon + 1).trim();
        // Transport headers belong to the original connection, not to the report.
        if (!Set.of("host", "content-length", "connection", "accept-encoding").contains(header.toLowerCase())) {
          request = request.header(header, value);
        }
      }
      request.bodyValue(body).exchange().expectStatus().isOk();
    }
    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
      Report merged = Report.withDefaults();
      for (Report r : stored.reports(tenant)) {
        merged = merged.merge(r);
      }
      assertThat(merged.topology(TopologyType.HOST).nodes().get("web-01;<host>")).isNotNull();
      assertThat(merged.topology(TopologyType.PROCESS).nodes().size()).isGreaterThanOrEqualTo(15);
      assertThat(merged.withoutPartMergedNodes().nodeCount()).as("no delta node is left without its full report")
          .isEqualTo(merged.nodeCount());
    });
  }

  @Test
  void theProbeSimulatorFeedsThePipelineOverHttpAndOverKafka() throws Exception {
    var spec = new io.scopeline.simulator.ProbeFleet.Spec(1, 2, 2, 1, 0, Duration.ofMillis(300), 11);
    var fleet = new io.scopeline.simulator.ProbeFleet(spec, now());
    var overHttp = new io.scopeline.simulator.Simulator();
    try (var publisher = io.scopeline.simulator.Publisher.http("http://127.0.0.1:" + port)) {
      assertThat(overHttp.run(fleet, publisher, Duration.ofMillis(700), false).errors()).isZero();
    }
    var fleet2 = new io.scopeline.simulator.ProbeFleet(
        new io.scopeline.simulator.ProbeFleet.Spec(1, 2, 2, 1, 0, Duration.ofMillis(300), 12), now());
    try (var publisher = io.scopeline.simulator.Publisher.kafka(kafka.bootstrapServers(), kafka.reportsTopic())) {
      assertThat(new io.scopeline.simulator.Simulator().run(fleet2, publisher, Duration.ofMillis(700), false).errors())
          .isZero();
    }
    // Both fleets are tenant-0; their hosts are t0-host-0 and t0-host-1, with containers.
    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
      Report merged = Report.withDefaults();
      for (Report r : stored.reports(TenantId.of("tenant-0"))) {
        merged = merged.merge(r);
      }
      assertThat(merged.topology(TopologyType.HOST).nodes().get("t0-host-0;<host>")).isNotNull();
      assertThat(merged.topology(TopologyType.HOST).nodes().get("t0-host-1;<host>")).isNotNull();
      // Container ids derive from each fleet's seed: 4 arrived over HTTP and 4 over Kafka.
      assertThat(merged.topology(TopologyType.CONTAINER).nodes().size()).isEqualTo(8);
    });
  }

  @Test
  void manyProbesOfThreeTenantsLandInTheQuantaOfTheirRecordTimesWithIndexAndHotCopies() throws Exception {
    Quanta quanta = Quanta.of(Duration.ofSeconds(1));
    long base = System.currentTimeMillis() - 30_000;
    Map<String, Map<Long, Set<String>>> expected = new HashMap<>();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int i = 0; i < 60; i++) {
        String tenant = "multi-" + (i % 3);
        String probe = "probe-" + (i % 3) + "-" + (i % 4);
        long ts = base + i * 250L;
        String host = tenant + "-" + probe + "-" + i;
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(kafka.reportsTopic(), null, ts, tenant,
            TestReports.gzipMsgpack(TestReports.host(host, ts * 1_000_000L)));
        r.headers().add(WireHeaders.ORG_ID, tenant.getBytes(StandardCharsets.UTF_8));
        r.headers().add(WireHeaders.PROBE_ID, probe.getBytes(StandardCharsets.UTF_8));
        producer.send(r);
        expected.computeIfAbsent(tenant, t -> new HashMap<>())
            .computeIfAbsent(quanta.startOf(ts * 1_000_000L), q -> new HashSet<>()).add(host + ";<host>");
      }
    }
    for (var e : expected.entrySet()) {
      TenantId tenant = TenantId.of(e.getKey());
      await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
        Map<Long, Set<String>> found = new HashMap<>();
        for (String key : stored.objectKeys(tenant)) {
          long quantum = Long.parseLong(key.substring(key.indexOf('/') + 1).split("-")[0]);
          Report r = ReportCodec.decode(stored.object(key), ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT);
          r.topology(TopologyType.HOST).nodes().forEach((id, n) ->
              found.computeIfAbsent(quantum, q -> new HashSet<>()).add(id));
        }
        assertThat(found).isEqualTo(e.getValue());
      });
      try (RedisClient redis = RedisClient.create(SharedInfrastructure().redis().uri()); var c = redis.connect()) {
        for (String key : stored.objectKeys(tenant)) {
          assertThat(c.sync().exists(StorageKeys.hotCopyKey(tenant, key))).as("hot copy of %s", key).isEqualTo(1L);
        }
      }
    }
  }

  private static io.scopeline.testsupport.SharedInfrastructure.Servers SharedInfrastructure() {
    return io.scopeline.testsupport.SharedInfrastructure.get();
  }

  private static byte[] gzip(byte[] plain) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    }
    return out.toByteArray();
  }

  /** An unfinished JSON object padded with {@code mib} MiB of spaces: gzip members of ~1 KB each. */
  private static byte[] jsonGzipBomb(int mib) throws Exception {
    byte[] spaces = new byte[1 << 20];
    Arrays.fill(spaces, (byte) ' ');
    byte[] member = gzip(spaces);
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    bomb.write(gzip("{".getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < mib; i++) {
      bomb.write(member);
    }
    return bomb.toByteArray();
  }

  /** A bad record of each kind, each tagged with the marker so the dead-letter reader finds it. */
  private static List<Object[]> badRecords(String marker) throws Exception {
    byte[] good = TestReports.gzipMsgpack(TestReports.host(marker, now()));
    byte[] bomb = jsonGzipBomb(200);
    KeyedMap.Builder<Node> nodes = KeyedMap.builder(60_000);
    for (int i = 0; i < 60_000; i++) {
      nodes.put(";10.1." + (i >> 8 & 255) + "." + (i & 255) + ";" + i, Node.of("", "endpoint"));
    }
    byte[] huge = ReportCodec.encode(Report.builder()
        .topology(TopologyType.ENDPOINT, Topology.EMPTY.withNodes(nodes.build())).build(), ReportFormat.MSGPACK_GZIP);
    return List.of(
        new Object[] {"malformed", "t", ("junk " + marker).getBytes(StandardCharsets.UTF_8), "application/json"},
        new Object[] {"malformed", "t", Arrays.copyOf(good, good.length / 2), "application/msgpack"},
        new Object[] {"malformed", "t", "{\"Window\":\"soon\"}".getBytes(StandardCharsets.UTF_8), "application/json"},
        new Object[] {"too-large", "t", new byte[(1 << 20) + 1], "application/msgpack"},
        new Object[] {"too-large-decompressed", "t", bomb, "application/json"},
        new Object[] {"too-many-nodes", "t", huge, "application/msgpack"},
        new Object[] {"unsupported-content-type", "t", good, "text/plain"},
        new Object[] {"invalid-tenant", "no spaces allowed", good, "application/msgpack"},
        new Object[] {"missing-tenant", null, good, "application/msgpack"});
  }

  @Test
  void everyKindOfBadRecordIsDeadLetteredWithItsReasonWhileGoodOnesFlow() throws Exception {
    String marker = "matrix-" + System.nanoTime();
    List<Object[]> cases = badRecords(marker);
    Map<String, Integer> expectedClasses = new HashMap<>();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      int i = 0;
      for (Object[] c : cases) {
        ProducerRecord<String, byte[]> r = record(kafka.reportsTopic(), (String) c[1], (byte[]) c[2], (String) c[3]);
        r.headers().add("test-marker", marker.getBytes(StandardCharsets.UTF_8));
        producer.send(r).get();
        expectedClasses.merge((String) c[0], 1, Integer::sum);
        if (i++ % 3 == 0) {
          producer.send(record(kafka.reportsTopic(), "matrix-good",
              TestReports.gzipMsgpack(TestReports.host("good-" + i, now())), "application/msgpack")).get();
        }
      }
    }
    Map<String, Integer> found = new HashMap<>();
    List<String> reasons = new ArrayList<>();
    Properties cp = new Properties();
    cp.put("bootstrap.servers", kafka.bootstrapServers());
    cp.put("group.id", "matrix-reader-" + marker);
    cp.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(kafka.deadLetterTopic()));
      await().atMost(60, TimeUnit.SECONDS).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          var m = r.headers().lastHeader("test-marker");
          if (m != null && new String(m.value(), StandardCharsets.UTF_8).equals(marker)) {
            found.merge(header(r, WireHeaders.ERROR_CLASS), 1, Integer::sum);
            reasons.add(header(r, WireHeaders.ERROR_REASON));
          }
        });
        return found.equals(expectedClasses);
      });
    }
    assertThat(reasons).allSatisfy(reason -> assertThat(reason).isNotBlank());
    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
        assertThat(stored.hostIds(TenantId.of("matrix-good"))).contains("good-1;<host>", "good-4;<host>",
            "good-7;<host>"));
  }

  @Test
  void bridgeReturnsTheDecodersReasonFor400And413ForBombs() throws Exception {
    byte[] bomb = jsonGzipBomb(200);
    http.post().uri("/api/report").header(WireHeaders.ORG_ID, "bridge-bad").header("Content-Encoding", "gzip")
        .contentType(MediaType.APPLICATION_JSON).bodyValue(bomb).exchange()
        .expectStatus().isEqualTo(413).expectBody(String.class).value(b -> assertThat(b).contains("decompressed"));
    http.post().uri("/api/report").header(WireHeaders.ORG_ID, "bridge-bad").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"Window\":\"soon\"}").exchange()
        .expectStatus().isBadRequest().expectBody(String.class).value(b -> assertThat(b).contains("Window"));
  }
}
