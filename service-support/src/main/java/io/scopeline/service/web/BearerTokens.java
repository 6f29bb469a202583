package io.scopeline.service.web;

import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/** Checks OIDC/JWT bearer tokens (signature, issuer, audience, times) and reads who the caller is. */
public final class BearerTokens {
  /** Who a valid token says the caller is; {@code namespaces} null: not limited. */
  public record Caller(List<String> tenants, String role, Set<String> namespaces) {}

  private final TokenProperties props;
  private final ReactiveJwtDecoder decoder;

  public BearerTokens(TokenProperties props) {
    this.props = props;
    NimbusReactiveJwtDecoder nimbus;
    if (!props.publicKey().isBlank()) {
      nimbus = NimbusReactiveJwtDecoder.withPublicKey(rsaPublicKey(props.publicKey())).build();
    } else if (!props.jwkSetUri().isBlank()) {
      nimbus = NimbusReactiveJwtDecoder.withJwkSetUri(props.jwkSetUri()).build();
    } else {
      // Lazy: the discovery document is fetched on the first token, not at startup.
      nimbus = NimbusReactiveJwtDecoder.withIssuerLocation(props.issuer()).build();
    }
    nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
        new JwtTimestampValidator(props.clockSkew()),
        new JwtIssuerValidator(props.issuer()),
        new JwtClaimValidator<Collection<String>>(JwtClaimNames.AUD,
            aud -> aud != null && aud.contains(props.audience()))));
    this.decoder = nimbus;
  }

  /** Whether {@code token} has a JWT's shape (three dot-separated parts), as API keys do not. */
  public static boolean looksLikeJwt(String token) {
    int first = token.indexOf('.');
    return first > 0 && token.indexOf('.', first + 1) > first + 1 && token.chars().filter(c -> c == '.').count() == 2;
  }

  /**
   * The caller a token stands for; fails with {@link Rejected}: 401 for a token that is not valid
   * (with what is wrong, never the token), 503 when the signing keys cannot be fetched.
   */
  public Mono<Caller> authenticate(String token) {
    return decoder.decode(token)
        .onErrorMap(BadJwtException.class,
            e -> new Rejected(HttpStatus.UNAUTHORIZED, "invalid bearer token: " + reason(e)))
        .onErrorMap(e -> e instanceof JwtException && !(e instanceof Rejected),
            e -> new Rejected(HttpStatus.SERVICE_UNAVAILABLE, "bearer tokens cannot be checked now"
                + " (the identity provider's keys are unreachable); try again later"))
        .flatMap(jwt -> Mono.justOrEmpty(caller(jwt)).switchIfEmpty(Mono.error(new Rejected(
            HttpStatus.UNAUTHORIZED, "the bearer token names no tenant (claim " + props.tenantsClaim() + ")"))));
  }

  private Caller caller(Jwt jwt) {
    List<String> tenants = strings(jwt.getClaim(props.tenantsClaim()));
    if (tenants.isEmpty()) {
      return null;
    }
    String role = Roles.OPERATOR.equals(jwt.getClaimAsString(props.roleClaim())) ? Roles.OPERATOR : Roles.VIEWER;
    Object ns = jwt.getClaim(props.namespacesClaim());
    return new Caller(tenants, role, ns == null ? null : new TreeSet<>(strings(ns)));
  }

  private static List<String> strings(Object claim) {
    if (claim instanceof String s) {
      return s.isBlank() ? List.of() : List.of(s);
    }
    if (claim instanceof Collection<?> c) {
      return c.stream().filter(String.class::isInstance).map(String.class::cast).filter(s -> !s.isBlank()).toList();
    }
    return List.of();
  }

  /** The validator's own words (which claim is wrong, an expired token), shortened; never the token. */
  private static String reason(BadJwtException e) {
    String m = e.getMessage() == null ? "not a valid JWT" : e.getMessage();
    int colon = m.indexOf(": ");
    String shown = m.startsWith("An error occurred while attempting to decode the Jwt") && colon > 0
        ? m.substring(colon + 2) : m;
    return shown.length() > 200 ? shown.substring(0, 200) : shown;
  }

  static RSAPublicKey rsaPublicKey(String pem) {
    String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    try {
      return (RSAPublicKey) KeyFactory.getInstance("RSA")
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
    } catch (Exception e) {
      throw new IllegalArgumentException("scopeline.security.tokens.public-key is not a PEM RSA public key", e);
    }
  }
}
