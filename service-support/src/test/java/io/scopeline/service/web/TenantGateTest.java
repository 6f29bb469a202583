package io.scopeline.service.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

class TenantGateTest {
  private final TenantGate gate = new TenantGate(new TenantGateProperties(List.of("127.0.0.1/8", "::1/128",
      "10.42.0.0/16"), Map.of("key-of-acme", "acme", "operator-of-acme", "acme:operator")));

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
