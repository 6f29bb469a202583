package io.scopeline.ingest.config;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Whether the compactions topic exists: without it roll-ups are off, and the log says so. */
final class RollupTopic {
  private static final Logger log = LoggerFactory.getLogger(RollupTopic.class);

  private RollupTopic() {}

  static boolean exists(KafkaProperties kafka, String topic) {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        log.warn("Roll-ups are off: the Kafka topic {} does not exist. Create it (as many partitions as the reports"
            + " topic) and restart, or set scopeline.rollups.enabled=false to silence this.", topic);
        return false;
      }
      return unknown(topic, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted looking up Kafka topic " + topic, e);
    } catch (java.util.concurrent.TimeoutException e) {
      return unknown(topic, "Kafka at " + kafka.bootstrapServers() + " did not answer within 10 s");
    }
  }

  /** Kafka could not say: the service starts anyway, and requests are best effort. */
  private static boolean unknown(String topic, String why) {
    log.warn("Could not check that the Kafka topic {} exists ({}); roll-ups stay on, and their requests are given up"
        + " while Kafka does not take them", topic, why);
    return true;
  }
}
