package io.scopeline.ingest.config;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Whether the topic an optional feature needs exists: without it the feature is off, and the log says so. */
final class OptionalTopic {
  private static final Logger log = LoggerFactory.getLogger(OptionalTopic.class);

  private OptionalTopic() {}

  /** {@code feature}: what is off without it ("Roll-ups"); {@code switchOff}: the property that turns it off. */
  static boolean exists(KafkaProperties kafka, String topic, String feature, String switchOff) {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        log.warn("{} are off: the Kafka topic {} does not exist. Create it (as many partitions as the reports"
            + " topic) and restart, or set {}=false to silence this.", feature, topic, switchOff);
        return false;
      }
      return unknown(topic, feature, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted looking up Kafka topic " + topic, e);
    } catch (java.util.concurrent.TimeoutException e) {
      return unknown(topic, feature, "Kafka at " + kafka.bootstrapServers() + " did not answer within 10 s");
    }
  }

  /** Kafka could not say: the service starts anyway, and what the feature sends is best effort. */
  private static boolean unknown(String topic, String feature, String why) {
    log.warn("Could not check that the Kafka topic {} exists ({}); {} stay on, and what they send is given up"
        + " while Kafka does not take it", topic, why, feature.toLowerCase(java.util.Locale.ROOT));
    return true;
  }
}
