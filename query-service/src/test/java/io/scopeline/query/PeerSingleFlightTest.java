package io.scopeline.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.WireHeaders;
import io.scopeline.embedded.FreePorts;
import io.scopeline.keys.Quanta;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import io.scopeline.testsupport.SharedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Three query replicas sharing quanta through their owners: one S3 read per quantum, and a dead owner is skipped. */
@ExtendWith(SharedInfrastructure.class)
class PeerSingleFlightTest {
  private static final String BUCKET = "peer-reports";
  private static final String TABLE = "peer_reports";
  private static final String SECRET = "replicas-only";
  private static final Quanta QUANTA = Quanta.of(Duration.ofSeconds(3));
  private final SharedInfrastructure.Servers infra = SharedInfrastructure.get();
  private final List<ConfigurableApplicationContext> replicas = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    replicas.forEach(ConfigurableApplicationContext::close);
  }

  private void start(List<Integer> ports) {
    List<String> urls = ports.stream().map(p -> "http://127.0.0.1:" + p).toList();
    for (int port : ports) {
      Map<String, Object> p = new HashMap<>(infra.springProperties());
      p.put("server.port", port);
      p.put("management.server.port", port);
      p.put("scopeline.storage.s3.bucket", BUCKET);
      p.put("scopeline.storage.dynamodb.table", TABLE);
      p.put("scopeline.query.peers.self", "http://127.0.0.1:" + port);
      p.put("scopeline.query.peers.urls", String.join(",", urls));
      p.put("scopeline.query.peers.secret", SECRET);
      p.put("spring.config.name", "peer-replica");
      p.put("server.shutdown", "immediate");
      replicas.add(new SpringApplicationBuilder(QueryApplication.class).properties(p).run());
    }
  }

  private static double count(ConfigurableApplicationContext c, String tier, String result) {
    var counter = c.getBean(MeterRegistry.class).find("scopeline.query.tier").tags("tier", tier, "result", result)
        .counter();
    return counter == null ? 0 : counter.count();
  }

  private double total(String tier, String result) {
    return replicas.stream().mapToDouble(c -> count(c, tier, result)).sum();
  }

  /** Four quanta of {@code tenant} in the last 12 s, stored as the ingest side stores them; their keys. */
  private static List<String> store(S3AsyncClient s3, DynamoDbAsyncClient dynamo, String t) {
    long now = System.currentTimeMillis() * 1_000_000L;
    List<String> keys = new ArrayList<>();
    for (int n = 0; n < 4; n++) {
      final int i = n;
      long at = now - (1 + 3L * i) * 1_000_000_000L;
      long q = QUANTA.startOf(at);
      String key = StorageKeys.objectKey(TenantId.of(t), q, 0, i);
      Node h = Node.of(t + "-" + i + ";<host>", "host").withLatest("host_name", at, t + "-" + i);
      s3.putObject(b -> b.bucket(BUCKET).key(key), AsyncRequestBody.fromBytes(ReportCodec.encode(
          Report.builder().topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(h)).build(),
          ReportFormat.MSGPACK_GZIP))).join();
      dynamo.putItem(b -> b.tableName(TABLE).item(io.scopeline.service.storage.IndexRows.item(
          StorageKeys.indexHashKey(TenantId.of(t), q), StorageKeys.indexRangeKey(q, 0, i), key))).join();
      keys.add(t + "|" + key);
    }
    return keys;
  }

  private int get(int port, String tenant) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/report"))
        .header(WireHeaders.ORG_ID, tenant).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body().split("\"host_name\"", -1).length - 1;
  }

  private int internal(int port, String tenant, String key, String secret) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/internal/quantum?tenant="
        + tenant + "&key=" + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8)));
    if (secret != null) {
      r.header(io.scopeline.query.peers.PeerProperties.SECRET_HEADER, secret);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void eachQuantumIsReadFromS3OnceAcrossReplicasAndADeadOwnerIsSkipped() throws Exception {
    List<Integer> ports = List.of(FreePorts.pick(), FreePorts.pick(), FreePorts.pick());
    start(ports);
    infra.createBucketAndTable(BUCKET, TABLE);
    List<String> keysOfA = new ArrayList<>();
    try (S3AsyncClient s3 = infra.s3Client(); DynamoDbAsyncClient dynamo = infra.dynamoClient()) {
      // 4 tenants × 4 quanta in the last 12 s.
      for (String t : List.of("peer-a", "peer-b", "peer-c", "peer-d")) {
        List<String> keys = store(s3, dynamo, t);
        if (t.equals("peer-a")) {
          keysOfA.addAll(keys);
        }
      }
    }
    // Every replica serves every tenant, all at once and cold.
    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    for (int port : ports) {
      for (String t : List.of("peer-a", "peer-b", "peer-c", "peer-d")) {
        calls.add(CompletableFuture.supplyAsync(() -> {
          try {
            return get(port, t);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
    }
    calls.forEach(c -> assertThat(c.join()).isEqualTo(4));
    assertThat(total("s3", "hit")).as("S3 GETs for 16 quanta served by 3 replicas").isEqualTo(16);
    assertThat(total("peer", "hit")).as("quanta fetched from their owners").isPositive();
    // The peer endpoint serves peers only (they send the shared secret), and a tenant only its own keys.
    String key = keysOfA.get(0).substring("peer-a|".length());
    assertThat(internal(ports.get(0), "peer-a", key, null)).isEqualTo(403);
    assertThat(internal(ports.get(0), "peer-a", key, "guessed")).isEqualTo(403);
    assertThat(internal(ports.get(0), "peer-a", key, SECRET)).isEqualTo(200);
    assertThat(internal(ports.get(0), "peer-b", key, SECRET)).as("another tenant's key").isEqualTo(404);

    // An owner dies: the others read its quanta from S3 at once instead of failing.
    // (Only its server stops: closing a whole context would also stop the other replicas' shared Netty loops in this JVM.)
    ((org.springframework.boot.web.server.context.WebServerApplicationContext) replicas.get(0)).getWebServer().stop();
    double errorsBefore = total("peer", "error");
    io.scopeline.query.peers.PeerRing ring = new io.scopeline.query.peers.PeerRing(new io.scopeline.query.peers
        .PeerProperties("http://127.0.0.1:" + ports.get(1), ports.stream().map(p -> "http://127.0.0.1:" + p).toList(),
            "", 0, Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(10), SECRET));
    String dead = "http://127.0.0.1:" + ports.get(0);
    try (S3AsyncClient s3 = infra.s3Client(); DynamoDbAsyncClient dynamo = infra.dynamoClient()) {
      for (int i = 0; ; i++) {
        String tenant = "peer-late-" + i;
        List<String> keys = store(s3, dynamo, tenant);
        if (keys.stream().anyMatch(k -> ring.ownerOf(k).equals(dead))) {
          assertThat(get(ports.get(1), tenant)).as("quanta whose owner is gone").isEqualTo(4);
          break;
        }
      }
    }
    assertThat(total("peer", "error")).as("the dead owner was tried, then skipped").isGreaterThan(errorsBefore);
  }
}
