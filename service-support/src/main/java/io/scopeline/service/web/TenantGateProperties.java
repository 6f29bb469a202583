package io.scopeline.service.web;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may name a tenant. {@code X-Scope-OrgID} is a gateway's word: it is taken only from the
 * listed proxy addresses. Anyone else proves a tenant with an API key.
 *
 * @param trustedProxies addresses or CIDRs ({@code 10.0.0.0/8}) whose {@code X-Scope-OrgID} is
 *     believed; from elsewhere the header is refused (401). Default: loopback only (a sidecar
 *     gateway, the standalone, tests)
 * @param apiKeys API keys and the tenant each stands for ({@code scopeline.security.api-keys.<key>=<tenant>}),
 *     sent as {@code Authorization: Bearer <key>}; set them from a Secret
 */
@ConfigurationProperties("scopeline.security.tenants")
public record TenantGateProperties(
    @DefaultValue({"127.0.0.1/8", "::1/128"}) List<String> trustedProxies,
    @DefaultValue Map<String, String> apiKeys) {}
