package io.scopeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.embedded.EmbeddedKafka;
import io.scopeline.embedded.FreePorts;
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
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The ingest service against a broker that takes SASL logins only: with the login in
 * {@code scopeline.kafka.client.*} (as the manifests pass it) reports flow from the bridge
 * through Kafka into storage; a client without the login, or with a wrong password, gets nothing.
 */
@ExtendWith(SharedInfrastructure.class)
class KafkaSaslTest {
  private static final Map<String, String> USERS = Map.of("scopeline-ingest", "s3cret-ingest");
  private static final String BUCKET = "sasl-reports";
  private static final String TABLE = "sasl_reports";
  private static EmbeddedKafka broker;
  private static ConfigurableApplicationContext ingest;
  private static int port;

  @BeforeAll
  static void start() {
    broker = EmbeddedKafka.startWithSasl(USERS);
    SharedInfrastructure.get().createBucketAndTable(BUCKET, TABLE);
    port = FreePorts.pick();
    Map<String, Object> p = new HashMap<>(SharedInfrastructure.get().springProperties());
    p.put("scopeline.kafka.bootstrap-servers", broker.bootstrapServers());
    broker.clientConfig().forEach((k, v) -> p.put("scopeline.kafka.client." + k, v));
    p.put("scopeline.kafka.create-topics", "true");
    p.put("scopeline.kafka.topic-partitions", "1");
    p.put("scopeline.kafka.consumer-group", "sasl-ingest");
    p.put("scopeline.storage.s3.bucket", BUCKET);
    p.put("scopeline.storage.dynamodb.table", TABLE);
    p.put("server.port", port);
    p.put("management.server.port", port);
    p.put("spring.config.name", "sasl-ingest");
    p.put("server.shutdown", "immediate");
    ingest = new SpringApplicationBuilder(IngestApplication.class).properties(p).run();
  }

  @AfterAll
  static void stop() {
    if (ingest != null) {
      ingest.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void reportsFlowThroughABrokerThatTakesOnlyLogins() throws Exception {
    TenantId tenant = TenantId.of("sasl-tenant");
    long now = System.currentTimeMillis() * 1_000_000L;
    Report r = Report.builder().id("sasl").ts(now).windowNanos(3_000_000_000L).topology(TopologyType.HOST,
        TopologyType.HOST.defaultTopology().withNode(Node.of("sasl-host;<host>", "host")
            .withLatest("host_name", now, "sasl-host"))).build();
    HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/report"))
        .header("X-Scope-OrgID", tenant.value()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(ReportCodec.encode(r, ReportFormat.JSON))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(posted.body()).isBetween(200, 299);

    StoredReports stored = new StoredReports(SharedInfrastructure.get().s3Client(),
        SharedInfrastructure.get().dynamoClient(), BUCKET, TABLE);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(stored.hostIds(tenant))
        .contains("sasl-host;<host>"));
  }

  @Test
  void clientsWithoutTheLoginGetNothing() throws Exception {
    Properties anonymous = new Properties();
    anonymous.put("bootstrap.servers", broker.bootstrapServers());
    anonymous.put("default.api.timeout.ms", "4000");
    anonymous.put("request.timeout.ms", "2000");
    try (Admin admin = Admin.create(anonymous)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS)).as("no login at all");
    }
    Properties wrong = new Properties();
    wrong.putAll(anonymous);
    wrong.putAll(EmbeddedKafka.saslClientConfig(Map.entry("scopeline-ingest", "guessed")));
    try (Admin admin = Admin.create(wrong)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS)).as("a wrong password")
          .hasRootCauseInstanceOf(org.apache.kafka.common.errors.SaslAuthenticationException.class);
    }
    try (Admin admin = broker.admin()) {
      assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).as("the ingest login")
          .contains("scope.reports");
    }
  }
}
