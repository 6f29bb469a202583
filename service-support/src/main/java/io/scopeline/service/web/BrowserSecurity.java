package io.scopeline.service.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The protections both services apply to every request: who may name a tenant, and what browsers may do. */
@Configuration(proxyBeanMethods = false)
public class BrowserSecurity {

  /** Cross-origin and DNS-rebinding requests are refused before anything else sees them. */
  @Bean
  BrowserGuard browserGuard(BrowserGuardProperties props) {
    return new BrowserGuard(props);
  }

  @Bean
  SecurityHeaders securityHeaders() {
    return new SecurityHeaders();
  }

  /** Tenants named by bearer tokens or API keys, or by X-Scope-OrgID from trusted proxies only. */
  @Bean
  TenantGate tenantGate(TenantGateProperties props, TokenProperties tokens) {
    return new TenantGate(props, tokens.enabled() ? new BearerTokens(tokens) : null);
  }
}
