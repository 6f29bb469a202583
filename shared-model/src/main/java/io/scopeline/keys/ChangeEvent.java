package io.scopeline.keys;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.core.JsonToken;

/**
 * A change in a tenant's topology, as sent on the change-events topic (key = tenant id) and to
 * webhooks: {@code {"id", "tenant", "kind", "view", "subject", "label", "target", "targetLabel",
 * "at"}}. The id is a digest of tenant, kind, subject and time, so a receiver that sees one twice
 * (an event resent after a crash) can tell.
 *
 * @param kind {@link #NODE_APPEARED}, {@link #NODE_DISAPPEARED}, {@link #NEW_EDGE} or
 *     {@link #NEW_EXTERNAL}
 * @param subject the node id, the edge's source, or the external destination
 * @param target the edge's target (edges only, else null)
 */
public record ChangeEvent(String id, String tenant, String kind, String view, String subject, String label,
    String target, String targetLabel, String at) {
  public static final String NODE_APPEARED = "node_appeared";
  public static final String NODE_DISAPPEARED = "node_disappeared";
  public static final String NEW_EDGE = "new_edge";
  public static final String NEW_EXTERNAL = "new_external_destination";

  /** An event with its id made from what it says. */
  public static ChangeEvent of(TenantId tenant, String kind, String view, String subject, String label, String target,
      String targetLabel, String at) {
    String id = StorageKeys.contentDigest((tenant.value() + "\n" + kind + "\n" + view + "\n" + subject + "\n"
        + (target == null ? "" : target) + "\n" + at).getBytes(StandardCharsets.UTF_8));
    return new ChangeEvent(id, tenant.value(), kind, view, subject, label, target, targetLabel, at);
  }

  public String toJson() {
    return io.scopeline.codec.JsonObjects.object(g -> {
      g.writeStringProperty("id", id);
      g.writeStringProperty("tenant", tenant);
      g.writeStringProperty("kind", kind);
      g.writeStringProperty("view", view);
      g.writeStringProperty("subject", subject);
      if (label != null) {
        g.writeStringProperty("label", label);
      }
      if (target != null) {
        g.writeStringProperty("target", target);
      }
      if (targetLabel != null) {
        g.writeStringProperty("targetLabel", targetLabel);
      }
      g.writeStringProperty("at", at);
    });
  }

  /** The event in {@code json}, or null when it is not one. */
  public static ChangeEvent parse(String json) {
    Map<String, String> f = new java.util.HashMap<>();
    boolean ok = io.scopeline.codec.JsonObjects.read(json, (name, v, p) -> {
      if (v == JsonToken.VALUE_STRING) {
        f.put(name, p.getString());
      } else {
        p.skipChildren();
      }
    });
    if (!ok || f.get("id") == null || f.get("tenant") == null || f.get("kind") == null) {
      return null;
    }
    return new ChangeEvent(f.get("id"), f.get("tenant"), f.get("kind"), f.get("view"), f.get("subject"),
        f.get("label"), f.get("target"), f.get("targetLabel"), f.get("at"));
  }
}
