package io.scopeline.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class BrowserGuardTest {
  private final BrowserGuard anyHost = new BrowserGuard(new BrowserGuardProperties(
      List.of("https://scope.example.com"), List.of()));
  private final BrowserGuard loopback = new BrowserGuard(new BrowserGuardProperties(
      List.of(), List.of("localhost", "127.0.0.1", "::1")));

  private static MockServerHttpRequest.BaseBuilder<?> post(String host) {
    return MockServerHttpRequest.post("http://" + host + "/api/control/p/n/c").header("Host", host);
  }

  @Test
  void aPageOfAnotherOriginCannotSendControlsOrOpenSockets() {
    assertThat(anyHost.problem(post("scope.internal:4040").header("Origin", "https://evil.example").build()))
        .contains("cross-origin POST from https://evil.example refused");
    assertThat(anyHost.problem(MockServerHttpRequest.get("http://scope.internal:4040/api/pipe/p1")
        .header("Host", "scope.internal:4040").header("Upgrade", "websocket").header("Origin", "http://evil.example")
        .build())).contains("cross-origin WebSocket");
    // The UI's own origin, a listed one, and clients that send no Origin (probes, curl) may.
    assertThat(anyHost.problem(post("scope.internal:4040").header("Origin", "http://scope.internal:4040").build()))
        .isNull();
    assertThat(anyHost.problem(post("scope.internal").header("Origin", "https://SCOPE.example.com:443").build()))
        .isNull();
    assertThat(anyHost.problem(post("scope.internal:4040").build())).isNull();
    // Another site's page cannot read either (where no credential is needed, e.g. the standalone).
    assertThat(anyHost.problem(MockServerHttpRequest.get("http://scope.internal:4040/api/topology")
        .header("Host", "scope.internal:4040").header("Origin", "https://evil.example").build()))
        .contains("cross-origin GET");
    assertThat(anyHost.problem(MockServerHttpRequest.get("http://scope.internal:4040/api/topology")
        .header("Host", "scope.internal:4040").header("Origin", "http://scope.internal:4040").build())).isNull();
  }

  @Test
  void aLoopbackServiceAnswersOnlyToItsLoopbackNames() {
    assertThat(loopback.problem(post("localhost:4040").header("Origin", "http://localhost:4040").build())).isNull();
    assertThat(loopback.problem(post("[::1]:4040").build())).isNull();
    // DNS rebinding: the hostile page's own name now points at 127.0.0.1, and is same-origin with itself.
    assertThat(loopback.problem(post("rebind.evil.example:4040").header("Origin", "http://rebind.evil.example:4040")
        .build())).contains("requests must be addressed to 127.0.0.1, ::1, localhost").contains("rebind.evil.example");
    assertThat(loopback.problem(MockServerHttpRequest.get("http://rebind.evil.example:4040/api/topology")
        .header("Host", "rebind.evil.example:4040").build())).contains("rebind.evil.example");
  }
}
