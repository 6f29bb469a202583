package io.scopeline.service.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import io.scopeline.testsupport.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

class TenantGateTest {
  private static final TenantGateProperties PROPS = new TenantGateProperties(List.of("127.0.0.1/8", "::1/128",
      "10.42.0.0/16"), Map.of("key-of-acme", "acme", "operator-of-acme", "acme:operator"));
  private final TenantGate gate = new TenantGate(PROPS, null);
  private final TenantGate withTokens = new TenantGate(PROPS, new BearerTokens(new TokenProperties(TestTokens.ISSUER,
      TestTokens.AUDIENCE, "", TestTokens.publicKeyPem(), "scopeline_tenants", "scopeline_role",
      "scopeline_namespaces", Duration.ofSeconds(60))));

  /** The tenant header the handlers would see, or the refusal's status. */
  private static String pass(TenantGate gate, MockServerHttpRequest request) {
    MockServerWebExchange exchange = MockServerWebExchange.from(request);
    AtomicReference<ServerWebExchange> seen = new AtomicReference<>();
    gate.filter(exchange, e -> {
      seen.set(e);
      return reactor.core.publisher.Mono.empty();
    }).block();
    if (seen.get() == null) {
      return "refused " + exchange.getResponse().getStatusCode().value();
    }
    return String.valueOf(seen.get().getRequest().getHeaders().getFirst("X-Scope-OrgID"));
  }

  private static MockServerHttpRequest.BaseBuilder<?> from(String address) throws Exception {
    return MockServerHttpRequest.get("http://scope/api/topology")
        .remoteAddress(new InetSocketAddress(InetAddress.getByName(address), 40000));
  }

  @Test
  void anApiKeyNamesItsTenantFromAnywhere() throws Exception {
    assertThat(pass(gate, from("203.0.113.9").header("Authorization", "Bearer key-of-acme").build())).isEqualTo("acme");
    assertThat(pass(gate, from("203.0.113.9").header("Authorization", "Bearer key-of-acme")
        .header("X-Scope-OrgID", "acme").build())).isEqualTo("acme");
    assertThat(pass(gate, from("127.0.0.1").header("Authorization", "Bearer key-of-acme")
        .header("X-Scope-OrgID", "globex").build())).as("a header naming another tenant").isEqualTo("refused 401");
    assertThat(pass(gate, from("127.0.0.1").header("Authorization", "Bearer guessed").build())).isEqualTo("refused 401");
  }

  @Test
  void aTenantHeaderIsBelievedOnlyFromTrustedProxies() throws Exception {
    assertThat(pass(gate, from("127.0.0.1").header("X-Scope-OrgID", "globex").build())).isEqualTo("globex");
    assertThat(pass(gate, from("10.42.7.1").header("X-Scope-OrgID", "globex").build())).isEqualTo("globex");
    assertThat(pass(gate, from("::1").header("X-Scope-OrgID", "globex").build())).isEqualTo("globex");
    assertThat(pass(gate, from("10.43.0.1").header("X-Scope-OrgID", "globex").build())).isEqualTo("refused 401");
    assertThat(pass(gate, from("203.0.113.9").header("X-Scope-OrgID", "globex").build())).isEqualTo("refused 401");
    // Naming no tenant (the default tenant, or the handlers' own 401) and a probe's own token pass.
    assertThat(pass(gate, from("203.0.113.9").build())).isEqualTo("null");
    assertThat(pass(gate, from("203.0.113.9").header("Authorization", "Scope-Probe token=t").build())).isEqualTo("null");
  }

  /** The role header the handlers would see ("null": none, an operator). */
  private static String role(TenantGate gate, MockServerHttpRequest request) {
    MockServerWebExchange exchange = MockServerWebExchange.from(request);
    AtomicReference<String> seen = new AtomicReference<>("refused");
    gate.filter(exchange, e -> {
      seen.set(String.valueOf(e.getRequest().getHeaders().getFirst(Roles.HEADER)));
      return reactor.core.publisher.Mono.empty();
    }).block();
    return seen.get();
  }

  @Test
  void aKeyIsAViewerUnlessItSaysOperatorAndOnlyAGatewaySetsARole() throws Exception {
    assertThat(pass(gate, from("203.0.113.9").header("Authorization", "Bearer operator-of-acme").build()))
        .isEqualTo("acme");
    assertThat(role(gate, from("203.0.113.9").header("Authorization", "Bearer operator-of-acme").build()))
        .isEqualTo("operator");
    assertThat(role(gate, from("203.0.113.9").header("Authorization", "Bearer key-of-acme")
        .header(Roles.HEADER, "operator").build())).as("a viewer's key cannot claim more").isEqualTo("viewer");
    assertThat(role(gate, from("10.42.0.9").header(Roles.HEADER, "viewer").build())).as("a gateway's word")
        .isEqualTo("viewer");
    assertThat(role(gate, from("203.0.113.9").header(Roles.HEADER, "viewer").build())).as("not a gateway")
        .isEqualTo("null");
  }

  /** The header {@code name} the handlers would see, or "refused <status>". */
  private static String seen(TenantGate gate, MockServerHttpRequest request, String name) {
    MockServerWebExchange exchange = MockServerWebExchange.from(request);
    AtomicReference<String> seen = new AtomicReference<>();
    gate.filter(exchange, e -> {
      seen.set(String.valueOf(e.getRequest().getHeaders().getFirst(name)));
      return reactor.core.publisher.Mono.empty();
    }).block();
    return seen.get() != null ? seen.get() : "refused " + exchange.getResponse().getStatusCode().value();
  }

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  @Test
  void aValidTokenNamesItsTenantRoleAndNamespacesFromAnywhere() throws Exception {
    String token = TestTokens.token(Map.of("scopeline_tenants", "acme", "scopeline_role", "operator",
        "scopeline_namespaces", List.of("shop", "web")));
    var request = from("203.0.113.9").header("Authorization", bearer(token))
        .header(Roles.NAMESPACES_HEADER, "kube-system").build();
    assertThat(seen(withTokens, request, "X-Scope-OrgID")).isEqualTo("acme");
    assertThat(seen(withTokens, request, Roles.HEADER)).isEqualTo("operator");
    assertThat(seen(withTokens, request, Roles.NAMESPACES_HEADER)).as("the claim, not what the client sent")
        .isEqualTo("shop,web");
    String viewer = TestTokens.token(Map.of("scopeline_tenants", List.of("acme")));
    assertThat(seen(withTokens, from("203.0.113.9").header("Authorization", bearer(viewer)).build(), Roles.HEADER))
        .isEqualTo("viewer");
    assertThat(seen(withTokens, from("203.0.113.9").header("Authorization", bearer(viewer)).build(),
        Roles.NAMESPACES_HEADER)).as("no claim: every namespace").isEqualTo("null");
  }

  @Test
  void aTokenForSeveralTenantsServesTheOneTheRequestNames() throws Exception {
    String token = TestTokens.token(Map.of("scopeline_tenants", List.of("acme", "globex")));
    assertThat(seen(withTokens, from("203.0.113.9").header("Authorization", bearer(token))
        .header("X-Scope-OrgID", "globex").build(), "X-Scope-OrgID")).isEqualTo("globex");
    assertThat(seen(withTokens, from("127.0.0.1").header("Authorization", bearer(token))
        .header("X-Scope-OrgID", "initech").build(), "X-Scope-OrgID"))
        .as("not one of its tenants, even from a trusted proxy").isEqualTo("refused 401");
    assertThat(seen(withTokens, from("203.0.113.9").header("Authorization", bearer(token)).build(), "X-Scope-OrgID"))
        .as("which one is unknowable").isEqualTo("refused 400");
  }

  @Test
  void tokensNotIssuedForUsAreRefused() throws Exception {
    Map<String, Object> acme = Map.of("scopeline_tenants", "acme");
    Instant past = Instant.now().minus(Duration.ofHours(1));
    List<String> bad = List.of(
        TestTokens.sign(TestTokens.builder(acme).build(), false),
        TestTokens.sign(TestTokens.builder(acme).issuer("https://evil.example").build(), true),
        TestTokens.sign(TestTokens.builder(acme).audience("someone-else").build(), true),
        TestTokens.sign(TestTokens.builder(acme).expirationTime(Date.from(past)).build(), true),
        TestTokens.token(Map.of("scopeline_role", "operator")),
        "eyJhbGciOiJub25lIn0.eyJzY29wZWxpbmVfdGVuYW50cyI6ImFjbWUifQ.");
    for (String token : bad) {
      MockServerWebExchange exchange = MockServerWebExchange.from(from("203.0.113.9")
          .header("Authorization", bearer(token)).build());
      AtomicReference<ServerWebExchange> passed = new AtomicReference<>();
      withTokens.filter(exchange, e -> {
        passed.set(e);
        return reactor.core.publisher.Mono.empty();
      }).block();
      assertThat(passed.get()).as(token).isNull();
      assertThat(exchange.getResponse().getStatusCode().value()).as(token).isEqualTo(401);
      assertThat(exchange.getResponse().getBodyAsString().block()).as("says why, never echoes the token")
          .isNotBlank().doesNotContain(token);
    }
    // Two tenant headers are refused whatever credential comes with them.
    String acmeToken = TestTokens.token(acme);
    assertThat(seen(withTokens, from("127.0.0.1").header("Authorization", bearer(acmeToken))
        .header("X-Scope-OrgID", "acme", "globex").build(), "X-Scope-OrgID")).isEqualTo("refused 400");
    assertThat(seen(gate, from("127.0.0.1").header("X-Scope-OrgID", "acme", "globex").build(), "X-Scope-OrgID"))
        .isEqualTo("refused 400");
    // API keys keep working beside tokens.
    assertThat(seen(withTokens, from("203.0.113.9").header("Authorization", "Bearer key-of-acme").build(),
        "X-Scope-OrgID")).isEqualTo("acme");
  }

  @Test
  void addressBlocksMatchByPrefix() throws Exception {
    assertThat(Cidr.parse("10.42.0.0/16").contains(InetAddress.getByName("10.42.255.1"))).isTrue();
    assertThat(Cidr.parse("10.42.0.0/15").contains(InetAddress.getByName("10.43.0.1"))).isTrue();
    assertThat(Cidr.parse("10.42.0.0/16").contains(InetAddress.getByName("10.43.0.1"))).isFalse();
    assertThat(Cidr.parse("192.168.1.7").contains(InetAddress.getByName("192.168.1.8"))).isFalse();
    assertThat(Cidr.parse("::1/128").contains(InetAddress.getByName("127.0.0.1"))).isFalse();
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix");
    assertThatThrownBy(() -> Cidr.parse("not an address/8")).hasMessageContaining("not an address");
  }
}
