package io.scopeline.ingest.liveness;

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
    return "{\"type\":\"" + type + "\",\"tenant\":\"" + tenant + "\",\"probe\":\"" + escape(probe)
        + "\",\"status\":\"" + status + "\",\"lastSeen\":" + lastSeenMillis + ",\"at\":" + atMillis
        + (PIPELINE_STALL.equals(type) ? ",\"silentProbes\":" + silentProbes + ",\"totalProbes\":" + totalProbes : "")
        + "}";
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c >= 0x20) {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
