package io.scopeline.service.web;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses, with 403 and the reason, requests a hostile web page could make through a user's
 * browser: any request or WebSocket handshake whose {@code Origin} is neither the service's own
 * nor an allowed one (cross-site request forgery, cross-site WebSocket hijacking, and reads: a
 * browser sends {@code Origin} on a read only when another site's page makes it), and any request
 * addressed to a host name that is not allowed (DNS rebinding). Probes and other non-browser
 * clients send no {@code Origin} and are not affected by the first rule.
 */
public final class BrowserGuard implements WebFilter, Ordered {
  private final Set<String> allowedOrigins;
  private final Set<String> allowedHosts;

  public BrowserGuard(BrowserGuardProperties props) {
    this.allowedOrigins = props.allowedOrigins().stream().map(BrowserGuard::normalOrigin)
        .collect(Collectors.toUnmodifiableSet());
    this.allowedHosts = props.allowedHosts().stream().map(h -> h.toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
  }

  /** First of all filters: nothing else runs for a refused request. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String problem = problem(exchange.getRequest());
    if (problem == null) {
      return chain.filter(exchange);
    }
    return new Rejected(HttpStatus.FORBIDDEN, problem).writeTo(exchange);
  }

  /** Null when the request may proceed; else why not. */
  String problem(ServerHttpRequest request) {
    HttpHeaders headers = request.getHeaders();
    String host = hostName(headers.getFirst(HttpHeaders.HOST));
    if (!allowedHosts.isEmpty() && (host == null || !allowedHosts.contains(host))) {
      return "requests must be addressed to " + String.join(", ", allowedHosts.stream().sorted().toList())
          + " (scopeline.security.allowed-hosts), not " + (host == null ? "no host" : host);
    }
    String origin = headers.getOrigin();
    boolean handshake = "websocket".equalsIgnoreCase(headers.getUpgrade());
    if (origin == null) {
      return null;
    }
    String normal = normalOrigin(origin);
    String own = normalOrigin(request.getURI().getScheme() + "://" + headers.getFirst(HttpHeaders.HOST));
    if (normal.equals(own) || allowedOrigins.contains(normal)) {
      return null;
    }
    return "cross-origin " + (handshake ? "WebSocket" : request.getMethod().name()) + " from " + origin
        + " refused; allow it with scopeline.security.allowed-origins";
  }

  /** {@code scheme://host[:port]}, lower case, with the scheme's default port left out. */
  static String normalOrigin(String origin) {
    try {
      URI u = URI.create(origin.trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
      int port = u.getPort();
      boolean defaultPort = port == -1 || ("http".equals(scheme) || "ws".equals(scheme)) && port == 80
          || ("https".equals(scheme) || "wss".equals(scheme)) && port == 443;
      return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    } catch (IllegalArgumentException e) {
      return origin;
    }
  }

  /** The host name of a {@code Host} header, without port or IPv6 brackets, lower case. */
  static String hostName(String hostHeader) {
    if (hostHeader == null || hostHeader.isBlank()) {
      return null;
    }
    String h = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(1, end);
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }
}
