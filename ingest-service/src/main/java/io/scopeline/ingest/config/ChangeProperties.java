package io.scopeline.ingest.config;

import io.scopeline.render.ApiTopologies;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Change events: as segments become durable, each tenant's topology (a view's nodes and edges,
 * and external destinations) is compared with what it held before, and what changed is sent to a
 * Kafka topic and to webhooks.
 *
 * @param enabled detect and send change events
 * @param topic the change-events topic (key = tenant id, value = one JSON event)
 * @param view the view whose nodes and edges are compared (an API topology id)
 * @param interval a tenant is compared at most this often (each comparison renders the view once)
 * @param disappearAfter a node absent this long has disappeared
 * @param debounce a node's events closer together than this are not sent (flapping)
 * @param maxRemembered edges and external destinations remembered per tenant; beyond it new ones
 *     are not announced (logged once)
 * @param webhookAttempts deliveries tried per webhook and batch, with backoff, before giving up
 * @param webhookDrainTimeout at shutdown, deliveries already queued are made for up to this long;
 *     what is left then is lost (the Kafka topic has every event)
 * @param webhooks where events are also POSTed: {@code url}, {@code secret} (HMAC-SHA256 key of
 *     the {@code X-Scopeline-Signature} header), {@code tenants} (empty: all)
 */
@ConfigurationProperties("scopeline.changes")
public record ChangeProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("scope.changes") String topic,
    @DefaultValue("containers") String view,
    @DefaultValue("15s") Duration interval,
    @DefaultValue("60s") Duration disappearAfter,
    @DefaultValue("5m") Duration debounce,
    @DefaultValue("10000") int maxRemembered,
    @DefaultValue("6") int webhookAttempts,
    @DefaultValue("10s") Duration webhookDrainTimeout,
    List<Webhook> webhooks) {

  /** A webhook: events of {@code tenants} (all when empty) are POSTed to {@code url}, signed with {@code secret}. */
  public record Webhook(String url, String secret, List<String> tenants) {
    public Webhook {
      if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
        throw new IllegalArgumentException("scopeline.changes.webhooks[].url must be an http(s) URL, not " + url);
      }
      if (secret == null || secret.length() < 16) {
        throw new IllegalArgumentException("scopeline.changes.webhooks[].secret must be at least 16 characters"
            + " (it signs every delivery for " + url + ")");
      }
      tenants = tenants == null ? List.of() : List.copyOf(tenants);
    }

    public boolean wants(String tenant) {
      return tenants.isEmpty() || tenants.contains(tenant);
    }
  }

  public ChangeProperties {
    webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
    if (!ApiTopologies.exists(view)) {
      throw new IllegalArgumentException("scopeline.changes.view is " + view + ", which is not a topology (try"
          + " containers, pods, hosts or processes)");
    }
    if (interval.isNegative() || disappearAfter.isNegative() || debounce.isNegative() || maxRemembered < 0
        || webhookAttempts < 1 || webhookDrainTimeout.isNegative()) {
      throw new IllegalArgumentException("scopeline.changes: durations must not be negative, max-remembered not"
          + " negative, webhook-attempts at least 1");
    }
  }
}
