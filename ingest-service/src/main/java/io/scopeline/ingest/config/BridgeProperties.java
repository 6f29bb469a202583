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
 */
@ConfigurationProperties("scopeline.bridge")
public record BridgeProperties(@DefaultValue Map<String, String> probeTokens, @DefaultValue("") String defaultTenant) {}
