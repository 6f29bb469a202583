package io.scopeline.keys;

import tools.jackson.core.JsonToken;

/**
 * One probe's entry in a tenant's liveness table ({@link StorageKeys#probeStatusKey}, field = probe
 * id): written by the ingest side's liveness checks, read back by it when it takes a tenant over
 * and by the query side's {@code /api/probes}.
 *
 * @param status {@code ok} or {@code nodata}
 * @param lastSeenMillis when the probe's last report was taken (epoch millis)
 * @param intervalMillis the probe's publish interval as its reports declare it
 * @param hostname the host name its reports carried, or ""
 */
public record ProbeStatusRow(String status, long lastSeenMillis, long intervalMillis, String hostname) {
  public static final String NODATA = "nodata";

  public ProbeStatusRow {
    hostname = hostname == null ? "" : hostname;
  }

  public boolean nodata() {
    return NODATA.equals(status);
  }

  public String toJson() {
    return io.scopeline.codec.JsonObjects.object(g -> {
      g.writeStringProperty("status", status);
      g.writeNumberProperty("lastSeen", lastSeenMillis);
      g.writeNumberProperty("interval", intervalMillis);
      g.writeStringProperty("hostname", hostname);
    });
  }

  /** The row in {@code json}, or null when it is not one (a corrupt or foreign value). */
  public static ProbeStatusRow parse(String json) {
    String[] status = {null};
    String[] hostname = {""};
    long[] lastSeen = {-1};
    long[] interval = {0};
    boolean ok = io.scopeline.codec.JsonObjects.read(json, (name, v, p) -> {
      switch (name) {
        case "status" -> status[0] = v == JsonToken.VALUE_STRING ? p.getString() : null;
        case "hostname" -> hostname[0] = v == JsonToken.VALUE_STRING ? p.getString() : "";
        case "lastSeen" -> lastSeen[0] = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
        case "interval" -> interval[0] = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : 0;
        default -> p.skipChildren();
      }
    });
    return !ok || status[0] == null || lastSeen[0] < 0 ? null
        : new ProbeStatusRow(status[0], lastSeen[0], interval[0], hostname[0]);
  }
}
