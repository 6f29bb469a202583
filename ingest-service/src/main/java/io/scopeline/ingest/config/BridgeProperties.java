package io.scopeline.ingest.config;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The HTTP bridge that accepts Scope probe uploads.
 *
 * @param probeTokens probe token → tenant id, applied to {@code Authorization: Scope-Probe token=…}
 *     when a request has no {@code X-Scope-OrgID} header
 * @param defaultTenant tenant for requests that carry neither; empty = reject them (only the
 *     standalone mode sets one)
 * @param maxConcurrentUploads uploads an instance takes at once; more get 503 with
 *     {@code Retry-After} (probes retry), so a flood of slow uploads cannot hold all its memory
 * @param bodyTimeout time for a whole upload body to arrive; a slower one gets 408 and its
 *     connection is closed (a probe's few-megabyte report takes well under a second)
 * @param produceLinger how long the Kafka producer of uploads (and dead letters) waits to fill a
 *     batch; a probe waits for its upload's ack, so 0 sends at once — under load, batches still
 *     fill with the uploads that arrive while earlier ones are in flight (Kafka's own default, 5 ms,
 *     put 5 ms on every upload and halved the bridge's rate at 4 connections)
 */
@ConfigurationProperties("scopeline.bridge")
public record BridgeProperties(@DefaultValue Map<String, String> probeTokens, @DefaultValue("") String defaultTenant,
    @DefaultValue("64") int maxConcurrentUploads, @DefaultValue("30s") java.time.Duration bodyTimeout,
    @DefaultValue("0ms") java.time.Duration produceLinger) {}
