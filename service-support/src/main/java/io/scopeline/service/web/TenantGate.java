package io.scopeline.service.web;

import io.scopeline.codec.WireHeaders;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The in-process gateway: a request names its tenant with an API key ({@code Authorization:
 * Bearer <key>}), which is turned into the {@code X-Scope-OrgID} the handlers read, or with an
 * {@code X-Scope-OrgID} of its own only when it comes from a trusted proxy. A tenant header from
 * elsewhere, an unknown key, or a key beside a header naming another tenant is refused (401).
 * Requests naming no tenant go on (the configured default tenant, or the handlers' 401).
 * The caller's {@link Roles role} travels in {@link Roles#HEADER}: the key's (viewer unless it
 * says operator), a trusted proxy's own, and otherwise none, which is an operator.
 */
public final class TenantGate implements WebFilter, Ordered {
  private final List<Cidr> trusted;
  private final Map<String, String> apiKeys;

  public TenantGate(TenantGateProperties props) {
    this.trusted = props.trustedProxies().stream().map(Cidr::parse).toList();
    this.apiKeys = Map.copyOf(props.apiKeys());
  }

  /** Right after the browser guard, before anything reads the tenant. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 2;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    HttpHeaders headers = request.getHeaders();
    String claimed = headers.getFirst(WireHeaders.ORG_ID);
    String key = bearer(headers.getFirst(HttpHeaders.AUTHORIZATION));
    if (key != null) {
      String tenant = tenantOf(key);
      if (tenant == null) {
        return refuse(exchange, "unknown API key");
      }
      if (claimed != null && !claimed.equals(tenant)) {
        return refuse(exchange, WireHeaders.ORG_ID + " names another tenant than the API key");
      }
      String role = roleOf(key);
      ServerHttpRequest asTenant = request.mutate().headers(h -> {
        h.set(WireHeaders.ORG_ID, tenant);
        h.set(Roles.HEADER, role);
      }).build();
      return chain.filter(exchange.mutate().request(asTenant).build());
    }
    boolean trustedProxy = fromTrustedProxy(request);
    if (claimed != null && !trustedProxy) {
      return refuse(exchange, WireHeaders.ORG_ID + " is taken only from trusted proxies"
          + " (scopeline.security.tenants.trusted-proxies); send an API key (Authorization: Bearer <key>)");
    }
    if (!trustedProxy && headers.containsHeader(Roles.HEADER)) {
      // Only a gateway says what a caller may do.
      ServerHttpRequest stripped = request.mutate().headers(h -> h.remove(Roles.HEADER)).build();
      return chain.filter(exchange.mutate().request(stripped).build());
    }
    return chain.filter(exchange);
  }

  /** A key's value is {@code <tenant>} (a viewer) or {@code <tenant>:operator}. */
  private String tenantOf(String key) {
    String v = valueOf(key);
    if (v == null) {
      return null;
    }
    int colon = v.lastIndexOf(':');
    return colon < 0 ? v : v.substring(0, colon);
  }

  private String roleOf(String key) {
    String v = valueOf(key);
    return v != null && v.endsWith(":" + Roles.OPERATOR) ? Roles.OPERATOR : Roles.VIEWER;
  }

  /** The configured value of {@code key}, compared in constant time against every configured key. */
  private String valueOf(String key) {
    byte[] given = key.getBytes(StandardCharsets.UTF_8);
    String found = null;
    for (Map.Entry<String, String> e : apiKeys.entrySet()) {
      if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) {
        found = e.getValue();
      }
    }
    return found;
  }

  boolean fromTrustedProxy(ServerHttpRequest request) {
    InetSocketAddress remote = request.getRemoteAddress();
    return remote != null && remote.getAddress() != null
        && trusted.stream().anyMatch(c -> c.contains(remote.getAddress()));
  }

  /** The key of {@code Bearer <key>}, or null (other schemes, such as a probe's token, pass through). */
  static String bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String key = authorization.substring(7).trim();
    return key.isEmpty() ? null : key;
  }

  private static Mono<Void> refuse(ServerWebExchange exchange, String reason) {
    return new Rejected(HttpStatus.UNAUTHORIZED, reason).writeTo(exchange);
  }
}
