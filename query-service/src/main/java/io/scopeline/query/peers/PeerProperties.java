package io.scopeline.query.peers;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Query replicas sharing their caches (groupcache's idea): each quantum key has one owner among the
 * replicas, and a replica missing a key asks the owner instead of S3, so N replicas read each
 * quantum from S3 once.
 *
 * @param self this replica's own base URL as its peers reach it (e.g. {@code http://10.1.2.3:4041});
 *     empty disables peering
 * @param urls the replicas' base URLs, this one included (a static list)
 * @param dnsName a headless Service name resolving to every replica's IP (Kubernetes); its
 *     addresses, with {@code port}, are added to {@code urls} and re-resolved every {@code refresh}
 * @param port the replicas' HTTP port, for addresses from {@code dnsName}
 * @param refresh how often {@code dnsName} is resolved again
 * @param timeout longest wait for a peer's answer before reading from the stores instead
 * @param deadFor a peer that failed is skipped (the stores are read directly) for this long
 * @param secret shared by every replica and sent with each peer request; a request to
 *     {@code /internal/} without it is refused (403). Empty: anyone who reaches {@code /internal/}
 *     is served, so keep it off public ingress. Without peering, {@code /internal/} is not served
 */
@ConfigurationProperties("scopeline.query.peers")
public record PeerProperties(
    @DefaultValue("") String self,
    @DefaultValue List<String> urls,
    @DefaultValue("") String dnsName,
    @DefaultValue("4041") int port,
    @DefaultValue("10s") Duration refresh,
    @DefaultValue("2s") Duration timeout,
    @DefaultValue("10s") Duration deadFor,
    @DefaultValue("") String secret) {
  /** The header a replica proves itself with to its peers. */
  public static final String SECRET_HEADER = "X-Scopeline-Peer-Secret";


  public boolean enabled() {
    return !self.isBlank() && (!urls.isEmpty() || !dnsName.isBlank());
  }
}
