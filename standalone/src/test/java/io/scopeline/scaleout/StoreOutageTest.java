package io.scopeline.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.embedded.FreePorts;
import io.scopeline.testsupport.SharedInfrastructure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * An ingest replica in its own JVM, with probes posting to its bridge throughout, lives through
 * 20-second outages of S3 (stopped), DynamoDB (stopped) and Redis (blackholed: connections stay
 * open, nothing answers): the bridge keeps acknowledging, and afterwards every acknowledged report
 * is stored exactly once.
 */
@ExtendWith(SharedInfrastructure.class)
class StoreOutageTest {
  private static final String TOPIC = "outage.reports";
  private static final String BUCKET = "outage-reports";
  private static final String TABLE = "outage_reports";
  private static final Duration OUTAGE = Duration.ofSeconds(20);

  private final SharedInfrastructure.Servers infra = SharedInfrastructure.get();

  @Test
  void twentySecondOutagesOfEachStoreLoseNoAcknowledgedReportAndCountNoneTwice() throws Exception {
    infra.kafka().createTopics(2, TOPIC, TOPIC + ".dlq", TOPIC + ".status");
    try (ServiceProcess ingest = ServiceProcess.start("outage-ingest", "io.scopeline.ingest.IngestApplication",
            FreePorts.pick(), StoredReports.ingestProperties(infra.springProperties(), TOPIC, BUCKET, TABLE, "outage"));
        var s3 = infra.s3Client();
        var dynamo = infra.dynamoClient()) {
      ingest.awaitReady("/actuator/health/readiness", Duration.ofSeconds(120));
      BridgePoster poster = new BridgePoster(ingest.port, List.of("outage-a", "outage-b", "outage-c"),
          Duration.ofMillis(50));
      try {
        runOutages(ingest, poster, s3, dynamo);
      } finally {
        poster.stop();
      }
    }
  }

  private void runOutages(ServiceProcess ingest, BridgePoster poster,
      S3AsyncClient s3, DynamoDbAsyncClient dynamo) throws Exception {
    poster.awaitAcks(40);

    int ackedInS3Outage = during(poster, infra.s3()::stop, infra.s3()::restart);
    int ackedInDynamoOutage = during(poster, infra.dynamo()::stop, infra.dynamo()::restart);
    int ackedInRedisOutage = during(poster, () -> infra.redis().pauseClients(OUTAGE), () -> { });

    int before = poster.acknowledged();
    poster.awaitAcks(before + 40);
    poster.stop();
    // The bridge needs only Kafka: reports are taken while a store is away.
    assertThat(ackedInS3Outage).as("reports acknowledged while S3 was down").isGreaterThan(100);
    assertThat(ackedInDynamoOutage).as("reports acknowledged while DynamoDB was down").isGreaterThan(100);
    assertThat(ackedInRedisOutage).as("reports acknowledged while Redis hung").isGreaterThan(100);
    poster.assertStoredExactlyOnce(s3, dynamo, BUCKET, TABLE, Duration.ofSeconds(120));
    ingest.awaitReady("/actuator/health/readiness", Duration.ofSeconds(5));
    // Each outage is in the log once at each end, not once per retried write.
    String log = ingest.log();
    for (String store : List.of("S3 writes", "DynamoDB writes", "Redis")) {
      assertThat(log).as("the log of %s's outage", store).containsOnlyOnce(store + " failing (")
          .contains(store + " working again after");
    }
  }

  /** Runs one outage of {@link #OUTAGE} with a little time to settle after it; the acks it saw. */
  private static int during(BridgePoster poster, Runnable begin, Runnable end) throws InterruptedException {
    int before = poster.acknowledged();
    begin.run();
    try {
      Thread.sleep(OUTAGE.toMillis());
    } finally {
      end.run();
    }
    int acked = poster.acknowledged() - before;
    Thread.sleep(5_000);
    return acked;
  }
}
