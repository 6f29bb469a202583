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

  /**
   * The Kubernetes namespaces a caller may see, comma-separated, set like the role by the tenant
   * gate (from a token's claim) or a trusted gateway; absent: all of them.
   */
  public static final String NAMESPACES_HEADER = "X-Scopeline-Namespaces";

  private Roles() {}

  /** The namespaces the caller is limited to, or null when it is not limited. */
  public static java.util.Set<String> visibleNamespaces(HttpHeaders headers) {
    java.util.List<String> values = headers.get(NAMESPACES_HEADER);
    if (values == null) {
      return null;
    }
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (String v : values) {
      for (String ns : v.split(",")) {
        if (!ns.isBlank()) {
          out.add(ns.trim());
        }
      }
    }
    return out;
  }

  /** Throws {@link Rejected} (403) unless the caller may act through probes. */
  public static void requireOperator(HttpHeaders headers, String what) {
    String role = headers.getFirst(HEADER);
    if (role != null && !OPERATOR.equals(role)) {
      throw new Rejected(HttpStatus.FORBIDDEN, what + " needs an operator; this caller is a " + role);
    }
  }
}
