package io.scopeline.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.embedded.FreePorts;
import io.scopeline.testsupport.SharedInfrastructure;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Kafka static membership of ingest instances, each in its own JVM: one SIGKILLed and restarted
 * under its name resumes its partitions at once rather than after the session timeout, one stopped
 * gracefully hands its partitions to the other at once, and every record is stored exactly once.
 */
@ExtendWith(SharedInfrastructure.class)
class IngestRestartTest {
  private static final String TOPIC = "restart.reports";
  private static final String BUCKET = "restart-reports";
  private static final String TABLE = "restart_reports";
  private static final List<String> TENANTS = List.of("rs-0", "rs-1", "rs-2", "rs-3", "rs-4", "rs-5");
  /** Long, so that waiting out a dead member's session is told apart from getting partitions back. */
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(60);
  /** A third of the session timeout: far more than a rejoin takes, far less than waiting the session out. */
  private static final Duration AT_ONCE = SESSION_TIMEOUT.dividedBy(3);

  private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
      .build();

  private final SharedInfrastructure.Servers infra = SharedInfrastructure.get();

  private ServiceProcess ingest(String logName, String instanceId) throws Exception {
    Map<String, String> p = StoredReports.replicaProperties(infra.springProperties(), BUCKET, TABLE);
    p.put("scopeline.storage.create-resources", "true");
    p.put("scopeline.kafka.reports-topic", TOPIC);
    p.put("scopeline.kafka.dead-letter-topic", TOPIC + ".dlq");
    p.put("scopeline.kafka.probe-status-topic", TOPIC + ".status");
    p.put("scopeline.kafka.consumer-group", "restart");
    p.put("scopeline.kafka.session-timeout", SESSION_TIMEOUT.toSeconds() + "s");
    p.put("scopeline.kafka.group-instance-id", instanceId);
    p.put("management.endpoint.health.probes.enabled", "true");
    p.put("management.endpoint.health.show-details", "always");
    p.put("management.endpoint.health.group.readiness.include", "readinessState,storageBootstrap,kafkaHealth");
    return ServiceProcess.start(logName, "io.scopeline.ingest.IngestApplication", FreePorts.pick(), p)
        .awaitReady("/actuator/health/readiness", Duration.ofSeconds(90));
  }

  @Test
  void aCrashedInstanceRestartedUnderItsNameResumesAtOnceAndAGracefulStopHandsOverAtOnce() throws Exception {
    infra.kafka().createTopics(4, TOPIC, TOPIC + ".dlq", TOPIC + ".status");
    Map<String, Set<Integer>> sent = new ConcurrentHashMap<>();
    AtomicInteger seq = new AtomicInteger();
    AtomicBoolean producing = new AtomicBoolean(true);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
            infra.kafka().bootstrapServers(), "acks", "all", "linger.ms", 5), new StringSerializer(),
            new ByteArraySerializer());
        S3AsyncClient s3 = infra.s3Client(); DynamoDbAsyncClient dynamo = infra.dynamoClient();
        ServiceProcess a = ingest("restart-a", "restart-a"); ServiceProcess b = ingest("restart-b", "restart-b")) {
      Thread load = StoredReports.repeat(Duration.ofMillis(200), producing, () -> {
        int n = seq.getAndIncrement();
        for (String tenant : TENANTS) {
          try {
            producer.send(StoredReports.report(TOPIC, tenant, n)).get();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          sent.computeIfAbsent(tenant, t -> new TreeSet<>()).add(n);
        }
      });
      awaitEveryTenantPast(s3, dynamo, 0, Duration.ofSeconds(60));

      // A crash: no flush, no commit, no leaving the group. Restarted under the same name, it
      // gets its partitions back at once (dynamic membership would wait out the 60 s session).
      a.kill();
      long killedAt = System.nanoTime();
      try (ServiceProcess restarted = ingest("restart-a-again", "restart-a")) {
        long readyAt = System.nanoTime();
        Duration resumed = awaitEveryTenantPast(s3, dynamo, seq.get(), AT_ONCE);
        System.out.printf("restart: ready %.1f s after the kill; every tenant's new records stored %.1f s after"
            + " ready%n", (readyAt - killedAt) / 1e9, resumed.toMillis() / 1e3);

        // A graceful stop leaves the group: the other instance takes the partitions at once.
        restarted.close();
      }
      awaitEveryTenantPast(s3, dynamo, seq.get(), AT_ONCE);
      // The survivor's health says what it holds: every partition, each with a recent record.
      var health = JSON.readTree(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + b.port + "/actuator/health")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body()).at("/components/ingestPartitions/details");
      assertThat(health.get("groupInstanceId").asString()).isEqualTo("restart-b");
      assertThat(health.get("partitions").size()).isEqualTo(4);
      health.get("partitions").forEach(p -> assertThat(p.get("lastRecordAgeSeconds").asDouble()).isLessThan(30));
      producing.set(false);
      load.join();

      // Nothing lost and nothing stored twice, through the crash, the replay and the hand-over.
      Map<String, List<Integer>> stored = Map.of();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        stored = StoredReports.indexedPidsPerObject(s3, dynamo, BUCKET, TABLE);
        Map<String, List<Integer>> now = stored;
        if (TENANTS.stream().allMatch(t -> now.getOrDefault(t, List.of()).containsAll(sent.get(t)))) {
          break;
        }
        Thread.sleep(1000);
      }
      for (String tenant : TENANTS) {
        List<Integer> pids = stored.getOrDefault(tenant, List.of());
        assertThat(pids).as("records of %s", tenant).containsAll(sent.get(tenant));
        assertThat(pids).as("records of %s stored once", tenant).doesNotHaveDuplicates();
      }
    } finally {
      producing.set(false);
    }
  }

  /**
   * Waits until every tenant has a stored record numbered at least {@code seq}, failing after
   * {@code within}; returns how long it took.
   */
  private static Duration awaitEveryTenantPast(S3AsyncClient s3, DynamoDbAsyncClient dynamo, int seq, Duration within)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + within.toNanos();
    Map<String, Set<Integer>> stored = Map.of();
    while (System.nanoTime() < deadline) {
      stored = StoredReports.indexedProcesses(s3, dynamo, BUCKET, TABLE);
      Map<String, Set<Integer>> now = stored;
      if (TENANTS.stream().allMatch(t -> now.getOrDefault(t, Set.of()).stream().anyMatch(p -> p >= seq))) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      Thread.sleep(250);
    }
    Map<String, Integer> newest = new HashMap<>();
    stored.forEach((t, pids) -> newest.put(t, pids.stream().max(Integer::compare).orElse(-1)));
    throw new AssertionError("not every tenant had a record >= " + seq + " stored within " + within + "; newest: "
        + newest);
  }
}
