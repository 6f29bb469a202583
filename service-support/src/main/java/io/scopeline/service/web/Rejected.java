package io.scopeline.service.web;

import io.scopeline.service.ScopeAppInfo;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** A request that cannot be answered: the status to give and the reason, for the caller to read. */
public final class Rejected extends RuntimeException {
  private final HttpStatus status;

  public Rejected(HttpStatus status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }

  /** Answers {@code exchange} with this status and the reason as a JSON string, as Scope answers errors. */
  public Mono<Void> writeTo(ServerWebExchange exchange) {
    var response = exchange.getResponse();
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    // A refused request ends its connection: the client does not reuse one the server may be
    // closing (a reused one could wait for an answer that never comes), and a prober reconnects.
    response.getHeaders().set(org.springframework.http.HttpHeaders.CONNECTION, "close");
    byte[] body = ScopeAppInfo.jsonString(getMessage()).getBytes(StandardCharsets.UTF_8);
    return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
  }
}
