package io.scopeline.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.codec.WireHeaders;
import io.scopeline.testsupport.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The simulator publishes to a real Kafka broker exactly what the ingest service expects. */
@ExtendWith(SharedInfrastructure.class)
class SimulatorKafkaTest {
  @Test
  void aFleetPublishesScopeReportsWithTheUploadHeadersForEveryProbeAndTick() throws Exception {
    var kafka = SharedInfrastructure.get().kafka();
    kafka.createTopics(2, "sim.reports");
    ProbeFleet fleet = new ProbeFleet(new ProbeFleet.Spec(2, 3, 2, 1, 0, Duration.ofMillis(200), 7),
        System.currentTimeMillis() * 1_000_000L);
    Simulator.Progress progress;
    try (Publisher publisher = Publisher.kafka(kafka.bootstrapServers(), "sim.reports")) {
      progress = new Simulator().run(fleet, publisher, Duration.ofMillis(900), false);
    }
    assertThat(progress.errors()).isZero();
    assertThat(progress.reports()).isGreaterThanOrEqualTo(6 * 4);

    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
        kafka.bootstrapServers(), "group.id", "sim-test", "auto.offset.reset", "earliest"), new StringDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("sim.reports"));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (records.size() < progress.reports() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    assertThat(records).hasSize((int) progress.reports());
    ConsumerRecord<String, byte[]> first = records.get(0);
    assertThat(first.key()).startsWith("tenant-");
    assertThat(new String(first.headers().lastHeader(WireHeaders.ORG_ID).value(), StandardCharsets.UTF_8))
        .isEqualTo(first.key());
    assertThat(first.headers().lastHeader(WireHeaders.PROBE_ID)).isNotNull();
    assertThat(new String(first.headers().lastHeader(WireHeaders.CONTENT_ENCODING).value(), StandardCharsets.UTF_8))
        .isEqualTo("gzip");
    assertThat(records).allSatisfy(r -> assertThat(
        ReportCodec.decode(r.value(), ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT).windowNanos())
        .isEqualTo(200_000_000L));
  }
}
