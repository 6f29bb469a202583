package io.scopeline.service.web;

import io.scopeline.codec.WireHeaders;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The in-process gateway: a request proves its tenant with an OIDC/JWT bearer token ({@link
 * BearerTokens}) or an API key ({@code Authorization: Bearer <key>}), which is turned into the
 * {@code X-Scope-OrgID} the handlers read, or names it with an {@code X-Scope-OrgID} of its own
 * only when it comes from a trusted proxy. A tenant header from elsewhere, an unknown key, an
 * invalid token, or a credential beside a header naming a tenant it does not grant is refused
 * (401). Requests naming no tenant go on (the configured default tenant, or the handlers' 401).
 * What the caller may do and see travels in {@link Roles#HEADER} and {@link
 * Roles#NAMESPACES_HEADER}: the token's or key's, a trusted proxy's own, and otherwise none
 * (an operator who sees every namespace).
 */
public final class TenantGate implements WebFilter, Ordered {
  private final List<Cidr> trusted;
  private final Map<String, String> apiKeys;
  private final BearerTokens tokens;

  /** {@code tokens}: null when bearer tokens are off. */
  public TenantGate(TenantGateProperties props, BearerTokens tokens) {
    this.trusted = props.trustedProxies().stream().map(Cidr::parse).toList();
    this.apiKeys = Map.copyOf(props.apiKeys());
    this.tokens = tokens;
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
    List<String> named = headers.get(WireHeaders.ORG_ID);
    if (named != null && named.size() > 1) {
      // Which one a gateway or the credential checked is unknowable: refuse rather than pick one.
      return new Rejected(HttpStatus.BAD_REQUEST, "more than one " + WireHeaders.ORG_ID + " header").writeTo(exchange);
    }
    String claimed = headers.getFirst(WireHeaders.ORG_ID);
    String key = bearer(headers.getFirst(HttpHeaders.AUTHORIZATION));
    if (key != null && tokens != null && BearerTokens.looksLikeJwt(key)) {
      // Only the check of the token answers its failures here; what the chain does later is not caught.
      return tokens.authenticate(key)
          .onErrorResume(Rejected.class, e -> e.writeTo(exchange).then(Mono.<BearerTokens.Caller>empty()))
          .flatMap(caller -> asCaller(exchange, chain, claimed, caller));
    }
    if (key != null) {
      String tenant = tenantOf(key);
      if (tenant == null) {
        return refuse(exchange, "unknown API key");
      }
      if (claimed != null && !claimed.equals(tenant)) {
        return refuse(exchange, WireHeaders.ORG_ID + " names another tenant than the API key");
      }
      return chain.filter(as(exchange, tenant, roleOf(key), null));
    }
    boolean trustedProxy = fromTrustedProxy(request);
    if (claimed != null && !trustedProxy) {
      return refuse(exchange, WireHeaders.ORG_ID + " is taken only from trusted proxies"
          + " (scopeline.security.tenants.trusted-proxies); send a bearer token or an API key"
          + " (Authorization: Bearer <token>)");
    }
    if (!trustedProxy && (headers.containsHeader(Roles.HEADER) || headers.containsHeader(Roles.NAMESPACES_HEADER))) {
      // Only a gateway says what a caller may do and see.
      ServerHttpRequest stripped = request.mutate().headers(h -> {
        h.remove(Roles.HEADER);
        h.remove(Roles.NAMESPACES_HEADER);
      }).build();
      return chain.filter(exchange.mutate().request(stripped).build());
    }
    return chain.filter(exchange);
  }

  /** A token may grant several tenants; the request names one of them, or there is only one. */
  private Mono<Void> asCaller(ServerWebExchange exchange, WebFilterChain chain, String claimed,
      BearerTokens.Caller caller) {
    String tenant;
    if (claimed != null) {
      if (!caller.tenants().contains(claimed)) {
        return refuse(exchange, "the bearer token does not grant the tenant " + WireHeaders.ORG_ID + " names");
      }
      tenant = claimed;
    } else if (caller.tenants().size() == 1) {
      tenant = caller.tenants().get(0);
    } else {
      return new Rejected(HttpStatus.BAD_REQUEST, "the bearer token grants " + caller.tenants().size()
          + " tenants; name one with " + WireHeaders.ORG_ID).writeTo(exchange);
    }
    return chain.filter(as(exchange, tenant, caller.role(), caller.namespaces()));
  }

  /** The exchange as the authenticated caller: its tenant, role and visible namespaces, nothing the client sent. */
  private static ServerWebExchange as(ServerWebExchange exchange, String tenant, String role, Set<String> namespaces) {
    ServerHttpRequest asTenant = exchange.getRequest().mutate().headers(h -> {
      h.set(WireHeaders.ORG_ID, tenant);
      h.set(Roles.HEADER, role);
      h.remove(Roles.NAMESPACES_HEADER);
      if (namespaces != null) {
        // An empty list is a caller who sees no namespace: still a header, so not "all".
        h.set(Roles.NAMESPACES_HEADER, String.join(",", namespaces));
      }
    }).build();
    return exchange.mutate().request(asTenant).build();
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
