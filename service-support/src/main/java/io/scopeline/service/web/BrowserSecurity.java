package io.scopeline.service.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The browser-facing protections both services apply to every request. */
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
}
