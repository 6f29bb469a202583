package io.scopeline.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

/**
 * An identity provider for tests: an RSA key made once per JVM, its public key as the PEM the
 * services are configured with, and tokens it signs.
 */
public final class TestTokens {
  public static final String ISSUER = "https://idp.scopeline.test";
  public static final String AUDIENCE = "scopeline";
  private static final KeyPair KEYS = generate();
  private static final KeyPair OTHER_KEYS = generate();

  private TestTokens() {}

  private static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The PEM of the signing key's public half ({@code scopeline.security.tokens.public-key}). */
  public static String publicKeyPem() {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(KEYS.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** The properties that make a service accept these tokens. */
  public static Map<String, String> springProperties() {
    return Map.of("scopeline.security.tokens.issuer", ISSUER, "scopeline.security.tokens.audience", AUDIENCE,
        "scopeline.security.tokens.public-key", publicKeyPem());
  }

  /** A valid token for 10 minutes with these claims (tenants, role, namespaces…). */
  public static String token(Map<String, Object> claims) {
    return sign(builder(claims).build(), true);
  }

  /** A token with the claims and what else the test changes (issuer, audience, times). */
  public static JWTClaimsSet.Builder builder(Map<String, Object> claims) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("test-user")
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(10))));
    claims.forEach(b::claim);
    return b;
  }

  /** {@code claims} signed by the configured key, or by another one ({@code trusted} false). */
  public static String sign(JWTClaimsSet claims, boolean trusted) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
      jwt.sign(new RSASSASigner((trusted ? KEYS : OTHER_KEYS).getPrivate()));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
