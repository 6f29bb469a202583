package io.scopeline.service.web;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * What a caller may do: a viewer reads; an operator also acts through probes (controls, pipes).
 * The role comes from {@link TenantGate} (an API key's, or a trusted gateway's); a request without
 * one (the standalone, a deployment without a gateway) is an operator, as with Scope.
 */
public final class Roles {
  /** Set by the tenant gate (or a trusted gateway); clients cannot set it themselves. */
  public static final String HEADER = "X-Scopeline-Role";
  public static final String VIEWER = "viewer";
  public static final String OPERATOR = "operator";

  private Roles() {}

  /** Throws {@link Rejected} (403) unless the caller may act through probes. */
  public static void requireOperator(HttpHeaders headers, String what) {
    String role = headers.getFirst(HEADER);
    if (role != null && !OPERATOR.equals(role)) {
      throw new Rejected(HttpStatus.FORBIDDEN, what + " needs an operator; this caller is a " + role);
    }
  }
}
