package io.scopeline.ingest.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Roll-ups: each tenant-hour's quanta merged into minute and hour objects, so long windows read a
 * few objects. Segments made durable request their hour's compaction on a Kafka topic; any ingest
 * replica's compactor takes it once the hour is over.
 *
 * @param enabled request and run compactions
 * @param topic the compactions topic (key = tenant id, value = a JSON request)
 * @param margin how long after an hour ends its compaction waits, for late records and segments
 *     still being written; a segment of the hour made durable later requests it again
 */
@ConfigurationProperties("scopeline.rollups")
public record RollupProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("scope.compactions") String topic,
    @DefaultValue("5m") Duration margin) {}
