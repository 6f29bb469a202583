package io.scopeline.ingest.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Kafka connection and topics.
 *
 * @param bootstrapServers brokers to connect to
 * @param reportsTopic topic probes (or the HTTP bridge) produce reports to; record key = tenant id
 * @param deadLetterTopic where rejected records go, with {@code error-reason}/{@code error-class} headers
 * @param probeStatusTopic where probe liveness transitions are published
 * @param consumerGroup consumer group of the ingest instances (partitions are shared among them)
 * @param maxPollRecords records fetched per poll: bounds what one instance holds in flight
 * @param createTopics create missing topics on start (standalone and development)
 * @param topicPartitions partitions for topics this service creates
 * @param sessionTimeout how long a silent instance keeps its partitions before the group moves
 *     them to the others (Kafka's consumer session timeout; heartbeats go every third of it)
 * @param groupInstanceId this instance's stable name in the group (Kafka static membership,
 *     KIP-345): restarted after a crash under the same name, it gets its partitions back at once
 *     instead of after {@code sessionTimeout}; a graceful stop still hands them over at once. Empty
 *     (the default): dynamic membership. Each instance needs its own name (a pod's stable name).
 * @param client further Kafka client settings for every producer, consumer and admin client, as
 *     Kafka names them: TLS and SASL ({@code security.protocol: SASL_SSL},
 *     {@code sasl.mechanism: SCRAM-SHA-512}, {@code sasl.jaas.config: …}, {@code ssl.truststore.location: …})
 */
@ConfigurationProperties("scopeline.kafka")
public record KafkaProperties(
    @DefaultValue("localhost:9092") String bootstrapServers,
    @DefaultValue("scope.reports") String reportsTopic,
    @DefaultValue("scope.reports.dlq") String deadLetterTopic,
    @DefaultValue("scope.probe-status") String probeStatusTopic,
    @DefaultValue("scopeline-ingest") String consumerGroup,
    @DefaultValue("500") int maxPollRecords,
    @DefaultValue("false") boolean createTopics,
    @DefaultValue("6") int topicPartitions,
    @DefaultValue("45s") java.time.Duration sessionTimeout,
    @DefaultValue("") String groupInstanceId,
    @DefaultValue java.util.Map<String, String> client) {

  /** The brokers and the extra client settings, for any Kafka client this service makes. */
  public java.util.Map<String, Object> clientConfig() {
    java.util.Map<String, Object> c = new java.util.HashMap<>(client);
    c.put(org.apache.kafka.clients.CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return c;
  }

  public boolean staticMembership() {
    return groupInstanceId != null && !groupInstanceId.isBlank();
  }
}
