package io.scopeline.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.WireHeaders;
import io.scopeline.embedded.EmbeddedDynamoDb;
import io.scopeline.embedded.EmbeddedRedis;
import io.scopeline.embedded.EmbeddedS3;
import io.scopeline.embedded.FreePorts;
import io.scopeline.ingest.rollup.HourCompactor;
import io.scopeline.keys.Quanta;
import io.scopeline.keys.Rollups;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.Reports;
import io.scopeline.query.QueryApplication;
import io.scopeline.service.storage.IndexRows;
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
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Time travel over 1 h, 1 d and 7 d windows of a 100-host tenant: objects read and latency through
 * the real endpoint ({@code /api/topology/hosts?timestamp=&window=}), read from roll-ups, against
 * reading the same raw quanta — all in one run, each window cold on a fresh query replica, then
 * warm.
 *
 * <p>What is stored: {@code rawHours} hours of real 3 s quanta of the simulated fleet for two
 * tenants, {@code raw} (quanta only: the baseline) and {@code rolled}, whose hours are compacted by
 * the ingest side's {@link HourCompactor}; the rest of {@code rolled}'s {@code days} get hour
 * roll-ups made from 20 of each hour's quanta (merged and thinned as the compactor does), since
 * generating 7 days of raw quanta (201 600 objects) does not fit this machine.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks exec:java -Dbench.main=io.scopeline.bench.TimeTravel}
 * (arguments: {@code hosts=100 rawHours=1 days=7}; {@code rawHours=24} adds the raw baseline of a
 * day, whose cold read takes over 10 minutes here).
 */
public final class TimeTravel {
  private static final Quanta QUANTA = Quanta.of(Duration.ofSeconds(3));
  private static final long HOUR = Duration.ofHours(1).toNanos();
  private static final String BUCKET = "scopeline-reports";
  private static final String TABLE = "scopeline_reports";

  private TimeTravel() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      opts.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    int hosts = Integer.parseInt(opts.getOrDefault("hosts", "100"));
    int rawHours = Integer.parseInt(opts.getOrDefault("rawHours", "1"));
    int days = Integer.parseInt(opts.getOrDefault("days", "7"));

    try (EmbeddedS3 s3server = EmbeddedS3.start(null, 0, "bench", "bench");
        EmbeddedDynamoDb dynamoServer = EmbeddedDynamoDb.start(null, 0);
        EmbeddedRedis redis = EmbeddedRedis.start(0)) {
      var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
      S3AsyncClient s3 = S3AsyncClient.builder().endpointOverride(s3server.endpoint()).region(Region.US_EAST_1)
          .forcePathStyle(true).credentialsProvider(creds).build();
      DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder().endpointOverride(dynamoServer.endpoint())
          .region(Region.US_EAST_1).credentialsProvider(creds).build();
      s3.createBucket(b -> b.bucket(BUCKET)).join();
      dynamo.createTable(b -> IndexRows.tableShape(b.tableName(TABLE))).join();

      // The history ends at the start of the current hour, so every window is whole hours.
      long end = Rollups.Level.HOUR.startOf(System.currentTimeMillis() * 1_000_000L);
      TenantId raw = TenantId.of("raw");
      TenantId rolled = TenantId.of("rolled");
      ProbeFleet fleet = new ProbeFleet(new ProbeFleet.Spec(1, hosts, 4, 2, 0.01, Duration.ofSeconds(3), 7),
          end - days * 24L * HOUR);
      long t0 = System.nanoTime();
      long bytes = 0;
      int quanta = 0;
      var cpu = Schedulers.newParallel("compact", 2);
      HourCompactor compactor = new HourCompactor(s3, dynamo, BUCKET, TABLE, cpu, 3, Duration.ofSeconds(30));
      for (long hour = end - days * 24L * HOUR; hour < end; hour += HOUR) {
        boolean isRaw = hour >= end - rawHours * HOUR;
        List<Report> sampled = new ArrayList<>();
        for (long q = hour; q < hour + HOUR; q += QUANTA.lengthNanos()) {
          // Hours before the raw ones: 20 quanta an hour make their roll-up.
          if (!isRaw && (q - hour) % (HOUR / 20) != 0) {
            continue;
          }
          List<Report> reports = new ArrayList<>();
          fleet.tick(q + 1_000_000_000L).forEach(o -> reports.add(o.report()));
          Report quantum = Reports.merge(reports);
          if (isRaw) {
            byte[] encoded = ReportCodec.encode(quantum, ReportFormat.MSGPACK_GZIP);
            bytes += encoded.length;
            putQuantum(s3, dynamo, raw, q, quanta, encoded);
            putQuantum(s3, dynamo, rolled, q, quanta, encoded);
            quanta++;
          } else {
            sampled.add(quantum);
          }
        }
        if (isRaw) {
          compactor.compact(rolled, hour).block();
          System.out.printf(Locale.ROOT, "  raw hour %d of %d stored and compacted (%.0f s so far)%n",
              quanta / 1200, rawHours, (System.nanoTime() - t0) / 1e9);
        } else {
          putHourRollup(s3, dynamo, rolled, hour, Reports.merge(sampled)
              .withMetricsDownsampled(Rollups.Level.HOUR.sampleNanos()));
        }
      }
      System.out.printf(Locale.ROOT, "stored %d raw quanta x 2 tenants (%.0f KB gzip each on average), %d days of"
              + " roll-ups, in %.0f s%n", quanta, bytes / 1024.0 / Math.max(1, quanta), days,
          (System.nanoTime() - t0) / 1e9);
      cpu.dispose();

      Map<String, Object> base = new HashMap<>();
      base.put("scopeline.storage.s3.endpoint", s3server.endpoint().toString());
      base.put("scopeline.storage.dynamodb.endpoint", dynamoServer.endpoint().toString());
      base.put("scopeline.storage.access-key", "bench");
      base.put("scopeline.storage.secret-key", "bench");
      base.put("scopeline.storage.redis.uri", redis.uri());
      // The raw baseline reads every quantum of its window: far above the default limit.
      base.put("scopeline.query.max-window-objects", "250000");
      base.put("spring.config.name", "bench-replica");
      base.put("server.shutdown", "immediate");
      base.put("logging.level.root", "WARN");
      String at = Instant.ofEpochSecond(0, end - 1).toString();

      // Warm the JVM on a replica that is not measured.
      try (ConfigurableApplicationContext warm = replica(base)) {
        for (int i = 0; i < 3; i++) {
          get(warm, rolled, at, "1h");
        }
      }
      System.out.println("window  read from   objects read   cold ms   warm ms (median of 5)   vs raw quanta (cold)");
      Map<String, Double> rawCold = new HashMap<>();
      List<String> windows = new ArrayList<>(List.of("1h"));
      if (days >= 1) {
        windows.add("24h");
      }
      if (days >= 7) {
        windows.add("168h");
      }
      for (String window : windows) {
        for (TenantId tenant : List.of(raw, rolled)) {
          long hoursIn = Duration.parse("PT" + window.toUpperCase(Locale.ROOT)).toHours();
          if (tenant == raw && hoursIn > rawHours) {
            continue; // the raw baseline exists for rawHours only
          }
          try (ConfigurableApplicationContext replica = replica(base)) {
            System.out.printf(Locale.ROOT, "  reading %s from %s…%n", window, tenant == raw ? "quanta" : "roll-ups");
            double before = s3Gets(replica);
            double cold = get(replica, tenant, at, window);
            double objects = s3Gets(replica) - before;
            double[] warm = new double[5];
            for (int i = 0; i < warm.length; i++) {
              warm[i] = get(replica, tenant, at, window);
            }
            Arrays.sort(warm);
            if (tenant == raw) {
              rawCold.put(window, cold);
            }
            Double baseline = rawCold.get(window);
            System.out.printf(Locale.ROOT, "%-7s %-11s %12.0f   %7.0f   %21.1f   %s%n", window,
                tenant == raw ? "quanta" : "roll-ups", objects, cold, warm[2],
                tenant == raw ? "1.00" : baseline == null ? "(no raw baseline)"
                    : String.format(Locale.ROOT, "%.4f", cold / baseline));
          }
        }
      }
      s3.close();
      dynamo.close();
    }
    System.exit(0);
  }

  private static void putQuantum(S3AsyncClient s3, DynamoDbAsyncClient dynamo, TenantId tenant, long q, int offset,
      byte[] encoded) {
    String key = StorageKeys.objectKey(tenant, q, 0, offset, offset);
    s3.putObject(b -> b.bucket(BUCKET).key(key), AsyncRequestBody.fromBytes(encoded)).join();
    dynamo.putItem(b -> b.tableName(TABLE).item(IndexRows.item(StorageKeys.indexHashKey(tenant, q),
        StorageKeys.indexRangeKey(q, 0, offset), key))).join();
  }

  private static void putHourRollup(S3AsyncClient s3, DynamoDbAsyncClient dynamo, TenantId tenant, long hour,
      Report merged) {
    byte[] bytes = ReportCodec.encode(merged, ReportFormat.MSGPACK_GZIP);
    String key = Rollups.objectKey(tenant, Rollups.Level.HOUR, hour, bytes);
    s3.putObject(b -> b.bucket(BUCKET).key(key), AsyncRequestBody.fromBytes(bytes)).join();
    dynamo.putItem(b -> b.tableName(TABLE).item(IndexRows.rollupItem(Rollups.hashKey(tenant, Rollups.Level.HOUR,
        hour), Rollups.rangeKey(hour), key, System.currentTimeMillis()))).join();
  }

  private static ConfigurableApplicationContext replica(Map<String, Object> base) {
    Map<String, Object> p = new HashMap<>(base);
    int port = FreePorts.pick();
    p.put("server.port", port);
    p.put("management.server.port", port);
    return new SpringApplicationBuilder(QueryApplication.class).properties(p).run();
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** One request's latency in ms. */
  private static double get(ConfigurableApplicationContext replica, TenantId tenant, String at, String window)
      throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + replica.getEnvironment().getProperty("local.server.port")
        + "/api/topology/hosts?timestamp=" + at + "&window=" + window);
    long t0 = System.nanoTime();
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(uri).header(WireHeaders.ORG_ID, tenant.value())
        .timeout(Duration.ofMinutes(40)).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + new String(r.body()));
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  private static double s3Gets(ConfigurableApplicationContext replica) {
    var counter = replica.getBean(MeterRegistry.class).find("scopeline.query.tier").tags("tier", "s3", "result", "hit")
        .counter();
    return counter == null ? 0 : counter.count();
  }
}
