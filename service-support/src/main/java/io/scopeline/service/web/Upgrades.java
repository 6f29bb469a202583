package io.scopeline.service.web;

import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/** WebSocket upgrades checked before the handshake, so a bad one gets a status and a reason as Scope gives. */
public final class Upgrades {
  private Upgrades() {}

  /**
   * A filter that runs {@code check} on requests whose path matches; a {@link Rejected}
   * it throws or signals becomes the response (a JSON string), anything else lets the request on.
   */
  public static WebFilter validate(Predicate<String> path, BiFunction<String, ServerWebExchange, Mono<Void>> check) {
    return (exchange, chain) -> {
      String p = exchange.getRequest().getURI().getRawPath();
      if (!path.test(p)) {
        return chain.filter(exchange);
      }
      return Mono.defer(() -> check.apply(p, exchange)).thenReturn(true)
          .onErrorResume(Rejected.class, e -> e.writeTo(exchange).thenReturn(false))
          .flatMap(passed -> passed ? chain.filter(exchange) : Mono.empty());
    };
  }
}
