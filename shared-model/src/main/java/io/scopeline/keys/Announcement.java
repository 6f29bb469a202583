package io.scopeline.keys;

import tools.jackson.core.JsonToken;

/**
 * What the ingest side announces on a tenant's notification channel when data becomes readable:
 * a {@code segment} (a quantum's report, with its hot copy in Redis; its index row follows) or a
 * {@code shortcut} report (kept in Redis only). Readers fold the object at {@code objectKey} into
 * their live window at once instead of waiting to find it in the index. Other messages on the
 * channel (probe status events) are not announcements; {@link #parse} returns null for them.
 *
 * @param type {@link #SEGMENT} or {@link #SHORTCUT}
 * @param objectKey the object key (hot copy key: {@link StorageKeys#hotCopyKey})
 * @param atNanos the segment's quantum start, or the shortcut report's arrival time
 * @param probe the probe that sent a shortcut report; empty for segments
 */
public record Announcement(String type, String objectKey, long atNanos, String probe) {
  public static final String SEGMENT = "segment";
  public static final String SHORTCUT = "shortcut";

  public static Announcement segment(String objectKey, long quantumStartNanos) {
    return new Announcement(SEGMENT, objectKey, quantumStartNanos, "");
  }

  public static Announcement shortcut(String objectKey, long receivedNanos, String probe) {
    return new Announcement(SHORTCUT, objectKey, receivedNanos, probe);
  }

  public boolean isShortcut() {
    return SHORTCUT.equals(type);
  }

  public String toJson() {
    return io.scopeline.codec.JsonObjects.object(g -> {
      g.writeStringProperty("type", type);
      g.writeStringProperty("key", objectKey);
      g.writeNumberProperty("at", atNanos);
      if (!probe.isEmpty()) {
        g.writeStringProperty("probe", probe);
      }
    });
  }

  /** The announcement in a channel message, or null when the message is something else or malformed. */
  public static Announcement parse(String message) {
    String[] f = {null, null, ""}; // type, key, probe
    long[] at = {-1};
    boolean ok = io.scopeline.codec.JsonObjects.read(message, (name, v, p) -> {
      switch (name) {
        case "type" -> f[0] = v == JsonToken.VALUE_STRING ? p.getString() : null;
        case "key" -> f[1] = v == JsonToken.VALUE_STRING ? p.getString() : null;
        case "probe" -> f[2] = v == JsonToken.VALUE_STRING ? p.getString() : "";
        case "at" -> at[0] = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
        default -> p.skipChildren();
      }
    });
    if (!ok) {
      return null;
    }
    String type = f[0];
    String key = f[1];
    String probe = f[2];
    long atNanos = at[0];
    if (!(SEGMENT.equals(type) || SHORTCUT.equals(type)) || key == null || key.isEmpty() || atNanos < 0) {
      return null;
    }
    return new Announcement(type, key, atNanos, probe);
  }
}
