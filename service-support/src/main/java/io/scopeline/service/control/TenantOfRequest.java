package io.scopeline.service.control;


import io.scopeline.keys.TenantId;
import org.springframework.http.HttpHeaders;

/**
 * The tenant a socket belongs to, from its handshake's headers as the service resolves them (the
 * ingest side knows probe tokens); throws {@link io.scopeline.service.web.Rejected} with the
 * status and reason when there is none.
 */
@FunctionalInterface
public interface TenantOfRequest {
  TenantId of(HttpHeaders headers);
}
