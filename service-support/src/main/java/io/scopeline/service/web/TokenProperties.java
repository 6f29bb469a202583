package io.scopeline.service.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * OIDC/JWT bearer tokens for browsers and API clients: signed by the identity provider, issued by
 * {@code issuer} for {@code audience}, naming the caller's tenants, role and namespaces in claims.
 *
 * @param issuer the tokens' {@code iss}; empty turns bearer tokens off (API keys still work)
 * @param audience a value the tokens' {@code aud} must hold
 * @param jwkSetUri where the signing keys are; empty: found from the issuer's OIDC discovery document
 * @param publicKey a PEM RSA public key that signs the tokens, instead of fetching keys (tests, offline)
 * @param tenantsClaim the claim naming the tenant, or the tenants, the caller may read (a string or a list)
 * @param roleClaim the claim naming the role ({@code viewer}, the default, or {@code operator})
 * @param namespacesClaim the claim listing the Kubernetes namespaces the caller may see; absent: all
 * @param clockSkew how far token times may be off
 */
@ConfigurationProperties("scopeline.security.tokens")
public record TokenProperties(
    @DefaultValue("") String issuer,
    @DefaultValue("scopeline") String audience,
    @DefaultValue("") String jwkSetUri,
    @DefaultValue("") String publicKey,
    @DefaultValue("scopeline_tenants") String tenantsClaim,
    @DefaultValue("scopeline_role") String roleClaim,
    @DefaultValue("scopeline_namespaces") String namespacesClaim,
    @DefaultValue("60s") Duration clockSkew) {

  public boolean enabled() {
    return !issuer.isBlank();
  }
}
