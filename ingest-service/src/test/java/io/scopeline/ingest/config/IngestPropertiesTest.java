package io.scopeline.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class IngestPropertiesTest {

  private static IngestProperties bind(Map<String, String> settings) {
    return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("scopeline.ingest",
        IngestProperties.class);
  }

  @Test
  void storedQuantaAreDeflatedAtLevelThreeUnlessConfigured() {
    assertThat(bind(Map.of()).gzipLevel()).isEqualTo(3);
    assertThat(bind(Map.of("scopeline.ingest.gzip-level", "9")).gzipLevel()).isEqualTo(9);
  }

  @Test
  void aDeflateLevelOutsideOneToNineIsRefusedWithTheSettingsName() {
    assertThatThrownBy(() -> bind(Map.of("scopeline.ingest.gzip-level", "0")))
        .isInstanceOf(BindException.class)
        .rootCause().hasMessageContaining("scopeline.ingest.gzip-level must be 1 (fastest) to 9 (smallest), not 0");
  }

  @Test
  void kafkaClientSettingsReachEveryClientUnderKafkasOwnNames() {
    KafkaProperties yaml = new Binder(new MapConfigurationPropertySource(Map.of(
        "scopeline.kafka.bootstrap-servers", "b-1:9096",
        "scopeline.kafka.client[security.protocol]", "SASL_SSL",
        "scopeline.kafka.client[sasl.mechanism]", "SCRAM-SHA-512")))
        .bindOrCreate("scopeline.kafka", KafkaProperties.class);
    assertThat(yaml.clientConfig()).containsEntry("bootstrap.servers", "b-1:9096")
        .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
  }
}
