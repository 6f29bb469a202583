package io.scopeline.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.service.storage.IndexRows;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.WireHeaders;
import io.scopeline.embedded.EmbeddedDynamoDb;
import io.scopeline.embedded.EmbeddedKafka;
import io.scopeline.embedded.EmbeddedRedis;
import io.scopeline.embedded.EmbeddedS3;
import io.scopeline.embedded.FreePorts;
import io.scopeline.keys.Quanta;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.Reports;
import io.scopeline.query.QueryApplication;
import io.scopeline.simulator.ProbeFleet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 GETs and request latency for the same load on one query replica, three replicas without
 * peering, and three replicas with peer single-flight — all cold, in one run.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks exec:java -Dbench.main=io.scopeline.bench.PeerFanout}
 * (arguments: {@code tenants=10 clients=16 requests=40}).
 */
public final class PeerFanout {
  private static final Quanta QUANTA = Quanta.of(Duration.ofSeconds(3));

  private PeerFanout() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      opts.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    int tenants = Integer.parseInt(opts.getOrDefault("tenants", "10"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "16"));
    int requests = Integer.parseInt(opts.getOrDefault("requests", "40"));

    try (EmbeddedKafka kafka = EmbeddedKafka.start(null, 0);
        EmbeddedS3 s3 = EmbeddedS3.start(null, 0, "bench", "bench");
        EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start(null, 0);
        EmbeddedRedis redis = EmbeddedRedis.start(0)) {
      // A fixed past instant: time travel reads the same windows on every replica, so all modes see one load.
      long at = System.currentTimeMillis() * 1_000_000L - 600_000_000_000L;
      int quanta = store(s3, dynamo, tenants, at);
      System.out.printf(Locale.ROOT, "%d tenants x 5 quanta = %d stored quanta; %d clients x %d requests per mode%n",
          tenants, quanta, clients, requests);
      Map<String, Object> base = new HashMap<>();
      base.put("scopeline.storage.s3.endpoint", s3.endpoint().toString());
      base.put("scopeline.storage.dynamodb.endpoint", dynamo.endpoint().toString());
      base.put("scopeline.storage.access-key", "bench");
      base.put("scopeline.storage.secret-key", "bench");
      base.put("scopeline.storage.redis.uri", redis.uri());
      base.put("spring.config.name", "bench-replica");
      base.put("server.shutdown", "immediate");
      base.put("logging.level.root", "WARN");

      List<ConfigurableApplicationContext> all = new ArrayList<>();
      // Warm the JVM (JIT, connection pools) on a replica that is not measured.
      load(replicas(base, 1, false, all), tenants, clients, requests, Instant.ofEpochSecond(0, at).toString());
      List<ConfigurableApplicationContext> one = replicas(base, 1, false, all);
      List<ConfigurableApplicationContext> three = replicas(base, 3, false, all);
      List<ConfigurableApplicationContext> peered = replicas(base, 3, true, all);
      String at3339 = Instant.ofEpochSecond(0, at).toString();
      System.out.println("mode                      S3 GETs   per quantum   p50 ms   p99 ms   peer fetches");
      double baseline = 0;
      for (var mode : List.of(Map.entry("1 replica", one), Map.entry("3 replicas", three),
          Map.entry("3 replicas + peers", peered))) {
        double[] ms = load(mode.getValue(), tenants, clients, requests, at3339);
        double gets = sum(mode.getValue(), "s3", "hit");
        if (baseline == 0) {
          baseline = gets;
        }
        System.out.printf(Locale.ROOT, "%-24s %8.0f   %11.2f   %6.1f   %6.1f   %12.0f%n", mode.getKey(), gets,
            gets / quanta, percentile(ms, 50), percentile(ms, 99), sum(mode.getValue(), "peer", "hit"));
      }
      all.forEach(ConfigurableApplicationContext::close);
    }
    System.exit(0);
  }

  private static int store(EmbeddedS3 s3server, EmbeddedDynamoDb dynamoServer, int tenants, long at) {
    var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
    try (S3Client s3 = S3Client.builder().endpointOverride(s3server.endpoint()).region(Region.US_EAST_1)
        .forcePathStyle(true).credentialsProvider(creds).build();
        DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(dynamoServer.endpoint())
            .region(Region.US_EAST_1).credentialsProvider(creds).build()) {
      s3.createBucket(b -> b.bucket("scopeline-reports"));
      dynamo.createTable(b -> IndexRows.tableShape(b.tableName("scopeline_reports")));
      int stored = 0;
      for (int t = 0; t < tenants; t++) {
        TenantId tenant = TenantId.of("bench-" + t);
        ProbeFleet fleet = new ProbeFleet(new ProbeFleet.Spec(1, 5, 4, 2, 0, Duration.ofSeconds(3), t), at);
        for (int i = 0; i < 5; i++) {
          long when = at - (1 + 3L * i) * 1_000_000_000L;
          List<Report> reports = new ArrayList<>();
          fleet.tick(when).forEach(o -> reports.add(o.report()));
          long q = QUANTA.startOf(when);
          String key = StorageKeys.objectKey(tenant, q, 0, i, i);
          s3.putObject(b -> b.bucket("scopeline-reports").key(key),
              RequestBody.fromBytes(ReportCodec.encode(Reports.merge(reports), ReportFormat.MSGPACK_GZIP)));
          final int n = i;
          dynamo.putItem(b -> b.tableName("scopeline_reports").item(IndexRows.item(StorageKeys.indexHashKey(tenant, q),
              StorageKeys.indexRangeKey(q, 0, n), key)));
          stored++;
        }
      }
      return stored;
    }
  }

  private static List<ConfigurableApplicationContext> replicas(Map<String, Object> base, int n, boolean peers,
      List<ConfigurableApplicationContext> all) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ports.add(FreePorts.pick());
    }
    List<String> urls = ports.stream().map(p -> "http://127.0.0.1:" + p).toList();
    List<ConfigurableApplicationContext> out = new ArrayList<>();
    for (int port : ports) {
      Map<String, Object> p = new HashMap<>(base);
      p.put("server.port", port);
      p.put("management.server.port", port);
      if (peers) {
        p.put("scopeline.query.peers.self", "http://127.0.0.1:" + port);
        p.put("scopeline.query.peers.urls", String.join(",", urls));
        p.put("scopeline.query.peers.secret", "bench-peers");
      }
      ConfigurableApplicationContext c = new SpringApplicationBuilder(QueryApplication.class).properties(p).run();
      c.getEnvironment().getProperty("server.port");
      out.add(c);
      all.add(c);
    }
    return out;
  }

  /** Each client sends {@code requests} requests for random tenants, round-robin over the replicas. */
  private static double[] load(List<ConfigurableApplicationContext> replicas, int tenants, int clients, int requests,
      String at) throws Exception {
    HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
    List<String> bases = replicas.stream()
        .map(c -> "http://127.0.0.1:" + c.getEnvironment().getProperty("local.server.port")).toList();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<double[]>> results = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      final int client = c;
      results.add(pool.submit(() -> {
        java.util.Random random = new java.util.Random(client);
        double[] ms = new double[requests];
        for (int i = 0; i < requests; i++) {
          String base = bases.get((client + i) % bases.size());
          URI uri = URI.create(base + "/api/report?timestamp=" + at);
          HttpRequest req = HttpRequest.newBuilder(uri).header(WireHeaders.ORG_ID, "bench-" + random.nextInt(tenants))
              .build();
          long t0 = System.nanoTime();
          HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
          if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + r.statusCode());
          }
          ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
      }));
    }
    List<Double> all = new ArrayList<>();
    for (Future<double[]> f : results) {
      for (double v : f.get()) {
        all.add(v);
      }
    }
    pool.shutdown();
    return all.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double sum(List<ConfigurableApplicationContext> replicas, String tier, String result) {
    double total = 0;
    for (ConfigurableApplicationContext c : replicas) {
      var counter = c.getBean(MeterRegistry.class).find("scopeline.query.tier").tags("tier", tier, "result", result)
          .counter();
      total += counter == null ? 0 : counter.count();
    }
    return total;
  }

  private static double percentile(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
