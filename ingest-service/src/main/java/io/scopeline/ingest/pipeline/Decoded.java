package io.scopeline.ingest.pipeline;

import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** A consumed record after decoding: either a report for a tenant, or a rejection with its reason. */
public sealed interface Decoded {
  ConsumerRecord<String, byte[]> record();

  default TopicPartition topicPartition() {
    return new TopicPartition(record().topic(), record().partition());
  }

  default long offset() {
    return record().offset();
  }

  /** A valid report. {@code timestampNanos} is the Kafka record time, which cuts quanta. */
  record Accepted(ConsumerRecord<String, byte[]> record, TenantId tenant, String probeId, long timestampNanos,
      Report report) implements Decoded {}

  /**
   * A replayed report already held by a durable segment (written before a crash or by the
   * partition's previous owner): taken past, not merged again.
   */
  record AlreadyDurable(ConsumerRecord<String, byte[]> record) implements Decoded {}

  /** A record that cannot be ingested; it goes to the dead-letter topic. */
  record Rejected(ConsumerRecord<String, byte[]> record, String errorClass, String reason) implements Decoded {}
}
