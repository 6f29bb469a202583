package io.scopeline.ingest.config;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the reports, dead-letter, probe-status, compactions and change-events topics at start when configured to. */
public final class TopicSetup {
  private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

  public TopicSetup(KafkaProperties kafka, RollupProperties rollups, ChangeProperties changes) {
    if (!kafka.createTopics()) {
      return;
    }
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      List<NewTopic> topics = List.of(new NewTopic(kafka.reportsTopic(), kafka.topicPartitions(), (short) 1),
          new NewTopic(kafka.deadLetterTopic(), 1, (short) 1),
          new NewTopic(kafka.probeStatusTopic(), 1, (short) 1),
          new NewTopic(rollups.topic(), kafka.topicPartitions(), (short) 1),
          new NewTopic(changes.topic(), kafka.topicPartitions(), (short) 1));
      for (var e : admin.createTopics(topics).values().entrySet()) {
        try {
          e.getValue().get(30, TimeUnit.SECONDS);
          log.info("Created topic {}", e.getKey());
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + e.getKey() + ": " + ex.getCause().getMessage(), ex);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating topics", e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer within 30 s while creating topics at "
          + kafka.bootstrapServers(), e);
    }
  }
}
