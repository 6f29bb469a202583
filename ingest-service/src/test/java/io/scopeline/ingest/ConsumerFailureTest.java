package io.scopeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scopeline.keys.TenantId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A consumer that fails for good (here: fenced by the broker because a second consumer joined the
 * group under this instance's name) does not end ingestion: it restarts from the last commit,
 * every record lands, and health keeps what happened; readiness is DOWN while it is not running. Its own topic and group, so the other ingest tests'
 * context does not share its partitions.
 */
@TestPropertySource(properties = {
    "scopeline.kafka.group-instance-id=fence-test",
    "scopeline.kafka.consumer-group=fence-group",
    "scopeline.kafka.reports-topic=fence.reports",
    "scopeline.kafka.dead-letter-topic=fence.reports.dlq",
    "scopeline.kafka.probe-status-topic=fence.status"})
class ConsumerFailureTest extends IngestTestBase {
  @Test
  void aFencedConsumerShowsInReadinessRestartsFromTheLastCommitAndLosesNothing() throws Exception {
    TenantId tenant = TenantId.of("fence-tenant");
    double restartsBefore = meters.counter("scopeline.ingest.pipeline.restarts").count();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      send(producer, tenant, "before");
      await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(stored.hostIds(tenant))
          .contains("before;<host>"));

      // Another consumer under the same group.instance.id: the broker fences ours (a fatal error
      // for a Kafka consumer). The intruder is fenced in turn when ours comes back.
      try (KafkaConsumer<String, byte[]> intruder = new KafkaConsumer<>(Map.of("bootstrap.servers",
          kafka.bootstrapServers(), "group.id", kafka.consumerGroup(), "group.instance.id", kafka.groupInstanceId(),
          "enable.auto.commit", "false"), new StringDeserializer(), new ByteArrayDeserializer())) {
        intruder.subscribe(List.of(kafka.reportsTopic()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean fenced = false;
        while (System.nanoTime() < deadline && !fenced) {
          try {
            intruder.poll(Duration.ofMillis(50));
          } catch (FencedInstanceIdException e) {
            fenced = true; // ours has rejoined under its name
          }
        }
        assertThat(fenced).as("ours came back and took its name again").isTrue();
        send(producer, tenant, "during");
      }
      send(producer, tenant, "after");
      await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> assertThat(stored.hostIds(tenant))
          .contains("before;<host>", "during;<host>", "after;<host>"));
    }
    assertThat(meters.counter("scopeline.ingest.pipeline.restarts").count()).isGreaterThan(restartsBefore);
    // Recovered: ready again, and health says what happened.
    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
        management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk());
    management.get().uri("/actuator/health").exchange().expectBody()
        .jsonPath("$.components.ingestPartitions.status").isEqualTo("UP")
        .jsonPath("$.components.ingestPartitions.details.lastFailure").value(f ->
            assertThat(f.toString()).contains("FencedInstanceIdException"))
        .jsonPath("$.components.ingestPartitions.details.restarts").value(n ->
            assertThat(((Number) n).longValue()).isPositive());
    // While consumption is not running, readiness is DOWN (503), with the reason.
    pipeline.stop();
    try {
      management.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503).expectBody()
          .jsonPath("$.components.ingestPartitions.status").isEqualTo("OUT_OF_SERVICE");
    } finally {
      pipeline.start();
    }
  }

  private void send(KafkaProducer<String, byte[]> producer, TenantId tenant, String host) throws Exception {
    producer.send(record(kafka.reportsTopic(), tenant.value(), TestReports.gzipMsgpack(TestReports.host(host, now())),
        "application/msgpack")).get(10, TimeUnit.SECONDS);
  }
}
