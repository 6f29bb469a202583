package io.scopeline.service.web;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Headers that keep the UI's pages from being framed, sniffed into another type or made to run
 * anything but the service's own scripts, on every response.
 */
public final class SecurityHeaders implements WebFilter, Ordered {
  /**
   * Scripts, styles, fonts and connections only from the service itself (inline styles are
   * allowed: d3 and the terminal set them), no plugins, no framing by any page.
   */
  static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
      + "form-action 'self'; frame-ancestors 'none'";

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 1;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    HttpHeaders h = exchange.getResponse().getHeaders();
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Content-Security-Policy", POLICY);
    return chain.filter(exchange);
  }
}
