package io.scopeline.ingest.bridge;

import io.scopeline.codec.WireHeaders;
import io.scopeline.ingest.config.BridgeProperties;
import io.scopeline.keys.TenantId;
import java.util.Locale;
import org.springframework.http.HttpHeaders;

/**
 * Finds a request's tenant: the tenant configured for the probe token in
 * {@code Authorization: Scope-Probe token=…} (an {@code X-Scope-OrgID} beside it must name the
 * same tenant), else the {@code X-Scope-OrgID} header set by a gateway, else the configured default
 * (standalone mode only). Never a shared default otherwise; two tenant headers are refused.
 */
public final class TenantResolver {
  /** A tenant, or the reason there is none. */
  public record Resolution(TenantId tenant, String problem) {}

  private final BridgeProperties props;

  public TenantResolver(BridgeProperties props) {
    this.props = props;
  }

  public Resolution resolve(HttpHeaders headers) {
    java.util.List<String> given = headers.get(WireHeaders.ORG_ID);
    if (given != null && given.size() > 1) {
      return new Resolution(null, "more than one " + WireHeaders.ORG_ID + " header");
    }
    String explicit = headers.getFirst(WireHeaders.ORG_ID);
    String token = probeToken(headers.getFirst(HttpHeaders.AUTHORIZATION));
    if (token != null) {
      // A token authenticates its tenant; a header cannot move the probe to another one.
      String mapped = props.probeTokens().get(token);
      if (mapped == null) {
        return new Resolution(null, "unknown probe token (configure it under scopeline.bridge.probe-tokens)");
      }
      if (explicit != null && !explicit.isEmpty() && !explicit.equals(mapped)) {
        return new Resolution(null, WireHeaders.ORG_ID + " names another tenant than the probe token");
      }
      return check(mapped);
    }
    if (explicit != null && !explicit.isEmpty()) {
      return check(explicit);
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
