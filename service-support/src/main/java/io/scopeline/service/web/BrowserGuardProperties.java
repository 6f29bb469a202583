package io.scopeline.service.web;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What protects the API from other web pages a user's browser visits: requests that change
 * something (and WebSocket handshakes) are taken only from the service's own origin or listed
 * ones, and, where the service is reached by known names only, only with those names in
 * {@code Host} (DNS rebinding makes a hostile page same-origin under its own name).
 *
 * @param allowedOrigins further origins (e.g. {@code https://scope.example.com}) whose pages may
 *     send control requests, reports and WebSocket handshakes; the service's own origin always may
 * @param allowedHosts host names (without port) requests must be addressed to; empty allows any
 *     (behind a gateway that checks it); the standalone sets its loopback names
 */
@ConfigurationProperties("scopeline.security")
public record BrowserGuardProperties(
    @DefaultValue List<String> allowedOrigins,
    @DefaultValue List<String> allowedHosts) {}
