package io.scopeline.ingest.bridge;

import io.scopeline.codec.WireHeaders;
import io.scopeline.ingest.config.BridgeProperties;
import io.scopeline.keys.TenantId;
import java.util.Locale;
import org.springframework.http.HttpHeaders;

/**
 * Finds a request's tenant: the {@code X-Scope-OrgID} header set by a trusted gateway, else the
 * tenant configured for the probe token in {@code Authorization: Scope-Probe token=…}, else the
 * configured default (standalone mode only). Never a shared default otherwise.
 */
public final class TenantResolver {
  /** A tenant, or the reason there is none. */
  public record Resolution(TenantId tenant, String problem) {}

  private final BridgeProperties props;

  public TenantResolver(BridgeProperties props) {
    this.props = props;
  }

  public Resolution resolve(HttpHeaders headers) {
    String explicit = headers.getFirst(WireHeaders.ORG_ID);
    if (explicit != null && !explicit.isEmpty()) {
      return check(explicit);
    }
    String token = probeToken(headers.getFirst(HttpHeaders.AUTHORIZATION));
    if (token != null) {
      String mapped = props.probeTokens().get(token);
      if (mapped == null) {
        return new Resolution(null, "unknown probe token (configure it under scopeline.bridge.probe-tokens)");
      }
      return check(mapped);
    }
    if (!props.defaultTenant().isEmpty()) {
      return check(props.defaultTenant());
    }
    return new Resolution(null, "no tenant: send an X-Scope-OrgID header or a known probe token"
        + " (Authorization: Scope-Probe token=...)");
  }

  private static Resolution check(String value) {
    String problem = TenantId.problem(value);
    return problem == null ? new Resolution(TenantId.of(value), null) : new Resolution(null, problem);
  }

  /** The token of {@code Scope-Probe token=<t>}, or null. */
  static String probeToken(String authorization) {
    if (authorization == null) {
      return null;
    }
    String a = authorization.trim();
    if (!a.toLowerCase(Locale.ROOT).startsWith("scope-probe ")) {
      return null;
    }
    String rest = a.substring("scope-probe ".length()).trim();
    if (!rest.startsWith("token=")) {
      return null;
    }
    String token = rest.substring("token=".length()).trim();
    return token.isEmpty() ? null : token;
  }
}
