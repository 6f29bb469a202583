package io.scopeline.ingest.liveness;

import io.scopeline.codec.JsonObjects;

/**
 * A liveness transition: {@code type} is {@code probe-status} (a probe turned {@code nodata} or
 * back {@code ok}) or {@code pipeline-stall} (many probes went silent at once; {@code probe} is
 * empty and {@code silentProbes}/{@code totalProbes} say how many).
 */
public record ProbeStatusEvent(String type, String tenant, String probe, String status, long lastSeenMillis,
    long atMillis, int silentProbes, int totalProbes) {

  public static final String PROBE_STATUS = "probe-status";
  public static final String PIPELINE_STALL = "pipeline-stall";
  public static final String OK = "ok";
  public static final String NODATA = "nodata";

  /** The event as compact JSON (what goes to Kafka, Redis pub/sub and the status table). */
  public String toJson() {
    return JsonObjects.object(g -> {
      g.writeStringProperty("type", type);
      g.writeStringProperty("tenant", tenant);
      g.writeStringProperty("probe", probe);
      g.writeStringProperty("status", status);
      g.writeNumberProperty("lastSeen", lastSeenMillis);
      g.writeNumberProperty("at", atMillis);
      if (PIPELINE_STALL.equals(type)) {
        g.writeNumberProperty("silentProbes", silentProbes);
        g.writeNumberProperty("totalProbes", totalProbes);
      }
    });
  }
}
