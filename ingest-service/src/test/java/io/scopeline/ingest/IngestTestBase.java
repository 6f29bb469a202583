package io.scopeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.codec.WireHeaders;
import io.scopeline.ingest.config.KafkaProperties;
import io.scopeline.service.storage.StorageProperties;
import io.scopeline.ingest.pipeline.IngestPipeline;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.testsupport.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** One ingest service on the shared real servers, and helpers to feed it and read back what it stored. */
@ExtendWith(SharedInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "scopeline.kafka.create-topics=true",
    "scopeline.kafka.topic-partitions=2",
    "scopeline.storage.create-resources=true",
    "scopeline.ingest.quantum=1s",
    "scopeline.ingest.grace=200ms",
    "scopeline.ingest.max-report-bytes=1MB",
    "scopeline.bridge.probe-tokens.secret-token=token-tenant",
    "scopeline.bridge.max-concurrent-uploads=4",
    "scopeline.bridge.body-timeout=2s",
    "scopeline.liveness.min-silence=1s",
    // Tests read per-tenant counters of many tenants in one context; the bound has its own test.
    "scopeline.ingest.tenant-metrics.limit=100000",
    "scopeline.liveness.check-interval=200ms",
    // Probes of many tests go quiet together; the stall rule has its own unit tests.
    "scopeline.liveness.stall-min-probes=100000"})
abstract class IngestTestBase {
  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    SharedInfrastructure.get().springProperties().forEach((k, v) -> registry.add(k, () -> v));
  }

  @Value("${local.server.port}")
  int port;
  @Autowired
  S3AsyncClient s3;
  @Autowired
  DynamoDbAsyncClient dynamo;
  @Autowired
  StorageProperties storage;
  @Autowired
  KafkaProperties kafka;
  @Autowired
  IngestPipeline pipeline;
  @Autowired
  MeterRegistry meters;

  /** The actuator's own port (a random one here, as the public one is). */
  @Value("${local.management.port}")
  int managementPort;

  WebTestClient http;
  /** Health and metrics, on the management port. */
  WebTestClient management;
  StoredReports stored;

  @BeforeEach
  void setUp() {
    http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30))
        .build();
    management = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort)
        .responseTimeout(Duration.ofSeconds(30)).build();
    stored = new StoredReports(s3, dynamo, storage.s3().bucket(), storage.dynamodb().table());
    if (!pipeline.isRunning()) {
      pipeline.start();
    }
  }

  static long now() {
    return System.currentTimeMillis() * 1_000_000L;
  }

  WebTestClient.ResponseSpec post(String tenant, byte[] body, String contentType) {
    var req = http.post().uri("/api/report").header("Content-Encoding", "gzip").header(WireHeaders.PROBE_ID, "p1");
    if (tenant != null) {
      req = req.header(WireHeaders.ORG_ID, tenant);
    }
    return req.contentType(MediaType.parseMediaType(contentType)).bodyValue(body).exchange();
  }


  KafkaProducer<String, byte[]> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("acks", "all");
    p.put("max.request.size", String.valueOf(8 << 20));
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }
  static ProducerRecord<String, byte[]> record(String topic, String tenant, byte[] value, String contentType) {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, tenant, value);
    if (tenant != null) {
      r.headers().add(WireHeaders.ORG_ID, tenant.getBytes(StandardCharsets.UTF_8));
    }
    if (contentType != null) {
      r.headers().add(WireHeaders.CONTENT_TYPE, contentType.getBytes(StandardCharsets.UTF_8));
    }
    return r;
  }
  static String header(ConsumerRecord<String, byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }
  Map<TopicPartition, OffsetAndMetadata> committed() throws Exception {
    try (Admin admin = SharedInfrastructure.get().kafka().admin()) {
      return admin.listConsumerGroupOffsets(kafka.consumerGroup()).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    }
  }
}
