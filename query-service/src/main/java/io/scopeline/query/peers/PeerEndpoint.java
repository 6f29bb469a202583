package io.scopeline.query.peers;

import io.scopeline.keys.TenantId;
import io.scopeline.query.read.TieredReports;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /internal/quantum?tenant=…&key=…}: a quantum's stored bytes, for the replica's peers.
 * Served from this replica's single-flight byte cache, so many peers asking at once cost one read.
 * Only peers should reach it: keep {@code /internal/} off public ingress.
 */
public final class PeerEndpoint {
  public static final String PATH = "/internal/quantum";

  private final TieredReports reports;

  public PeerEndpoint(TieredReports reports) {
    this.reports = reports;
  }

  public Mono<ServerResponse> quantum(ServerRequest request) {
    String tenant = request.queryParam("tenant").orElse("");
    String key = request.queryParam("key").orElse("");
    if (TenantId.problem(tenant) != null || key.isEmpty()) {
      return ServerResponse.badRequest().bodyValue("tenant and key are required");
    }
    return reports.localBytes(TenantId.of(tenant), key)
        .flatMap(bytes -> ServerResponse.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue(bytes))
        .switchIfEmpty(ServerResponse.notFound().build())
        .onErrorResume(e -> ServerResponse.status(503).bodyValue(String.valueOf(e.getMessage())));
  }
}
