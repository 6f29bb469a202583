package io.scopeline.keys;

import tools.jackson.core.JsonToken;

/**
 * A record on the compactions topic (key = tenant id): segments of {@code tenant}'s hour starting
 * at {@code hourStartNanos} were made durable at {@code requestedAtMillis}, so its roll-ups are to
 * be made, or made again, once the hour is over.
 */
public record CompactionRequest(TenantId tenant, long hourStartNanos, long requestedAtMillis) {
  public String toJson() {
    return io.scopeline.codec.JsonObjects.object(g -> {
      g.writeStringProperty("tenant", tenant.value());
      g.writeNumberProperty("hour", hourStartNanos);
      g.writeNumberProperty("requestedAt", requestedAtMillis);
    });
  }

  /** The request in {@code json}, or null when it is not one (with the reason left to the caller). */
  public static CompactionRequest parse(String json) {
    String[] tenant = {null};
    long[] hour = {Long.MIN_VALUE};
    long[] at = {-1};
    boolean ok = io.scopeline.codec.JsonObjects.read(json, (name, v, p) -> {
      switch (name) {
        case "tenant" -> tenant[0] = v == JsonToken.VALUE_STRING ? p.getString() : null;
        case "hour" -> hour[0] = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : Long.MIN_VALUE;
        case "requestedAt" -> at[0] = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
        default -> p.skipChildren();
      }
    });
    if (!ok || tenant[0] == null || TenantId.problem(tenant[0]) != null || hour[0] == Long.MIN_VALUE || at[0] < 0) {
      return null;
    }
    return new CompactionRequest(TenantId.of(tenant[0]), hour[0], at[0]);
  }
}
