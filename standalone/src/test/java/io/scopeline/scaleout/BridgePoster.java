package io.scopeline.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.WireHeaders;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Posts numbered reports to a probe bridge the way probes do, round-robin over tenants, remembers
 * which ones the bridge acknowledged (200), and checks that the stores hold each of those exactly once.
 */
final class BridgePoster implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final int port;
  private final List<String> tenants;
  private final Map<String, Set<Integer>> acked = new ConcurrentHashMap<>();
  private final AtomicInteger ackCount = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicBoolean posting = new AtomicBoolean(true);
  private final AtomicInteger seq = new AtomicInteger();
  private final Thread thread;

  /** Starts posting to the bridge on 127.0.0.1:{@code port} every {@code period}. */
  BridgePoster(int port, List<String> tenants, Duration period) {
    this.port = port;
    this.tenants = tenants;
    this.thread = StoredReports.repeat(period, posting, this::postNext);
  }

  private void postNext() {
    int n = seq.getAndIncrement();
    String tenant = tenants.get(n % tenants.size());
    if (post(tenant, n)) {
      acked.computeIfAbsent(tenant, t -> ConcurrentHashMap.newKeySet()).add(n);
      ackCount.incrementAndGet();
    } else {
      refused.incrementAndGet();
    }
  }

  private boolean post(String tenant, int n) {
    try {
      byte[] body = StoredReports.report("unused", tenant, n).value();
      HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/report"))
          .timeout(Duration.ofSeconds(5)).header(WireHeaders.ORG_ID, tenant)
          .header("Content-Type", "application/msgpack").header("Content-Encoding", "gzip")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false; // down or too slow: not acknowledged
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  int acknowledged() {
    return ackCount.get();
  }

  /** Posts that were not acknowledged (refused, failed or timed out). */
  int notAcknowledged() {
    return refused.get();
  }

  /** Waits up to a minute until at least {@code atLeast} reports are acknowledged. */
  void awaitAcks(int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (ackCount.get() < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(ackCount.get()).as("reports acknowledged by the bridge").isGreaterThanOrEqualTo(atLeast);
  }

  /** Stops posting and waits for the post in progress. */
  void stop() throws InterruptedException {
    posting.set(false);
    thread.join(10_000);
  }

  /**
   * Waits up to {@code within} for the stores to hold every acknowledged report, then asserts each
   * is stored once: as a pid of a quantum a reader counts, and in the tenant's summed Window (each
   * report's Window is 1 s).
   */
  void assertStoredExactlyOnce(S3AsyncClient s3, DynamoDbAsyncClient dynamo, String bucket, String table,
      Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    Map<String, List<Integer>> stored = Map.of();
    while (System.nanoTime() < deadline
        && !storesAll(stored = StoredReports.readablePidsPerObject(s3, dynamo, bucket, table))) {
      Thread.sleep(1_000);
    }
    Map<String, Long> windows = StoredReports.readableWindowNanos(s3, dynamo, bucket, table);
    for (String tenant : acked.keySet()) {
      List<Integer> pids = stored.getOrDefault(tenant, List.of());
      assertThat(pids).as("acknowledged reports of %s", tenant).containsAll(acked.get(tenant));
      assertThat(pids).as("reports of %s counted once", tenant).doesNotHaveDuplicates();
      assertThat(windows.get(tenant)).as("summed Window of %s", tenant).isEqualTo(pids.size() * 1_000_000_000L);
    }
  }

  private boolean storesAll(Map<String, List<Integer>> stored) {
    return acked.entrySet().stream().allMatch(e -> stored.getOrDefault(e.getKey(), List.of()).containsAll(e.getValue()));
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
