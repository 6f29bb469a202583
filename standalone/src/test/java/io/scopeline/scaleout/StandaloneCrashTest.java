package io.scopeline.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.WireHeaders;
import io.scopeline.embedded.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * {@code bin/scopeline} killed with SIGKILL while probes post to its bridge, then started again on
 * the same data directory: every report the bridge acknowledged (200) is stored, none is counted
 * twice, and the killed run's Redis did not outlive it.
 */
class StandaloneCrashTest {
  private static final String[] TENANTS = {"crash-a", "crash-b", "crash-c", "crash-d"};
  private static final String BUCKET = "scopeline-reports";
  private static final String TABLE = "scopeline_reports";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path data;

  @Test
  void aKilledStandaloneLosesNoAcknowledgedReportAndCountsNoneTwiceAfterARestart() throws Exception {
    int http = FreePorts.pick();
    int s3Port = FreePorts.pick();
    int dynamoPort = FreePorts.pick();
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.scopeline.standalone.Scopeline",
        "--no-demo", "--data", data.toString(), "--http-port", Integer.toString(http),
        "--kafka-port", Integer.toString(FreePorts.pick()), "--s3-port", Integer.toString(s3Port),
        "--dynamodb-port", Integer.toString(dynamoPort), "--redis-port", Integer.toString(FreePorts.pick()));
    BridgePoster poster = new BridgePoster(http, List.of(TENANTS), Duration.ofMillis(20));
    Process first = start(cmd, "crash-first");
    Process second = null;
    try (S3AsyncClient s3 = S3AsyncClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + s3Port))
            .region(Region.US_EAST_1).forcePathStyle(true).credentialsProvider(CREDS).build();
        DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + dynamoPort)).region(Region.US_EAST_1)
            .credentialsProvider(CREDS).build()) {
      awaitReady(first, http);
      poster.awaitAcks(60);
      // Kill once some quanta are durable (committed or not) while others are still open.
      long durableBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (StoredReports.readablePidsPerObject(s3, dynamo, BUCKET, TABLE).values().stream()
          .mapToInt(List::size).sum() < 20 && System.nanoTime() < durableBy) {
        Thread.sleep(200);
      }
      long redisPid = Long.parseLong(Files.readString(data.resolve("redis").resolve("redis.pid")).trim());
      first.destroyForcibly(); // mid-stream: open quanta, uncommitted offsets, uploads in flight
      first.waitFor();
      ProcessHandle.of(redisPid).ifPresent(h -> h.onExit().orTimeout(15, TimeUnit.SECONDS).join());
      assertThat(ProcessHandle.of(redisPid).map(ProcessHandle::isAlive).orElse(false))
          .as("the killed run's redis-server").isFalse();

      int beforeRestart = poster.acknowledged();
      second = start(cmd, "crash-second");
      awaitReady(second, http);
      poster.awaitAcks(beforeRestart + 40);
      poster.stop();

      poster.assertStoredExactlyOnce(s3, dynamo, BUCKET, TABLE, Duration.ofSeconds(60));
    } finally {
      poster.stop();
      first.destroyForcibly();
      if (second != null) {
        second.destroy();
        if (!second.waitFor(30, TimeUnit.SECONDS)) {
          second.destroyForcibly();
        }
      }
    }
  }

  private static final StaticCredentialsProvider CREDS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("scopeline", "scopeline"));

  private static Process start(List<String> cmd, String name) throws IOException {
    Path logs = Files.createDirectories(Path.of("target", "scaleout-logs"));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile())
        .start();
  }

  private static void awaitReady(Process p, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      assertThat(p.isAlive()).as("the standalone is running (see target/scaleout-logs)").isTrue();
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the standalone was not ready within 180 s (see target/scaleout-logs)");
  }
}
