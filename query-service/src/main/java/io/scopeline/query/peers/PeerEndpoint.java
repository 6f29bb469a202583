package io.scopeline.query.peers;

import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.query.read.TieredReports;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /internal/quantum?tenant=…&key=…}: a quantum's stored bytes, for the replica's peers.
 * Served from this replica's single-flight byte cache, so many peers asking at once cost one read.
 * Only peers should reach it: with a shared secret configured, only requests carrying it are
 * served; keep {@code /internal/} off public ingress anyway. A tenant gets only its own keys.
 */
public final class PeerEndpoint {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PeerEndpoint.class);
  public static final String PATH = "/internal/quantum";

  private final TieredReports reports;
  private final byte[] secret;

  /** @param secret what peers must send in {@link PeerProperties#SECRET_HEADER}; empty: nothing is asked */
  public PeerEndpoint(TieredReports reports, String secret) {
    this.reports = reports;
    this.secret = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private boolean fromPeer(ServerRequest request) {
    if (secret.length == 0) {
      return true;
    }
    String given = request.headers().firstHeader(PeerProperties.SECRET_HEADER);
    return given != null
        && java.security.MessageDigest.isEqual(secret, given.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  public Mono<ServerResponse> quantum(ServerRequest request) {
    if (!fromPeer(request)) {
      return ServerResponse.status(403).bodyValue("peer requests need the replicas' shared secret");
    }
    String tenant = request.queryParam("tenant").orElse("");
    String key = request.queryParam("key").orElse("");
    if (TenantId.problem(tenant) != null || key.isEmpty()) {
      return ServerResponse.badRequest().bodyValue("tenant and key are required");
    }
    if (!StorageKeys.belongsTo(TenantId.of(tenant), key)) {
      // Asked for another tenant's data (or no key of ours at all): nothing is read.
      return ServerResponse.notFound().build();
    }
    return reports.localBytes(TenantId.of(tenant), key)
        .flatMap(bytes -> ServerResponse.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue(bytes))
        .switchIfEmpty(ServerResponse.notFound().build())
        .onErrorResume(e -> {
          log.debug("Peer read of {} for {} failed: {}", key, tenant, e.toString());
          // The stores' own error text stays in the log: it names buckets, hosts and credentials' sources.
          return ServerResponse.status(503).bodyValue("the stores cannot be read right now");
        });
  }
}
