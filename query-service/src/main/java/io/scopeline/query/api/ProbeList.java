package io.scopeline.query.api;

import io.scopeline.keys.ProbeStatusRow;
import io.scopeline.model.LatestMap;
import io.scopeline.model.Report;
import io.scopeline.model.Timestamps;
import io.scopeline.model.TopologyType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the {@code /api/probes} answer: Scope's per-host entries enriched with liveness. */
final class ProbeList {
  private ProbeList() {}

  static List<Map<String, Object>> of(Report window, Map<String, String> liveness) {
    List<Map<String, Object>> out = new ArrayList<>();
    Set<String> listed = new HashSet<>();
    window.topology(TopologyType.HOST).nodes().forEach((id, host) -> {
      LatestMap latest = host.latest();
      String probe = latest.get("control_probe_id") == null ? "" : latest.get("control_probe_id");
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", probe);
      entry.put("hostname", latest.get("host_name") == null ? "" : latest.get("host_name"));
      entry.put("version", latest.get("host_scope_version") == null ? "" : latest.get("host_scope_version"));
      entry.put("lastSeen", Timestamps.formatRfc3339Nano(latest.timestamp("host_scope_version")));
      addLiveness(entry, liveness.get(probe));
      listed.add(probe);
      out.add(entry);
    });
    liveness.forEach((probe, json) -> {
      if (!listed.contains(probe)) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", probe);
        // Its host has left the window: the name the ingest side recorded.
        ProbeStatusRow row = ProbeStatusRow.parse(json);
        entry.put("hostname", row == null ? "" : row.hostname());
        entry.put("version", "");
        entry.put("lastSeen", Timestamps.formatRfc3339Nano(Timestamps.ZERO));
        addLiveness(entry, json);
        out.add(entry);
      }
    });
    return out;
  }

  private static void addLiveness(Map<String, Object> entry, String json) {
    ProbeStatusRow row = json == null ? null : ProbeStatusRow.parse(json);
    if (row != null) {
      entry.put("status", row.status());
      entry.put("lastReport", row.lastSeenMillis());
    }
  }
}
