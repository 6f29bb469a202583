package io.scopeline.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The WebSocket message between two renderings: added, changed (not equal) and removed node summaries. */
public final class TopologyDiff {
  private TopologyDiff() {}

  /** {@code reset} marks a connection's first message, which adds every node. */
  public static Map<String, Object> of(Map<String, NodeSummary> before, Map<String, NodeSummary> after,
      boolean reset) {
    List<Object> add = new ArrayList<>();
    List<Object> update = new ArrayList<>();
    List<Object> remove = new ArrayList<>();
    after.forEach((id, s) -> {
      NodeSummary old = before.get(id);
      if (old == null) {
        add.add(s);
      } else if (!Objects.equals(old, s)) {
        update.add(s);
      }
    });
    before.keySet().forEach(id -> {
      if (!after.containsKey(id)) {
        remove.add(id);
      }
    });
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("add", add.isEmpty() ? null : add);
    m.put("update", update.isEmpty() ? null : update);
    m.put("remove", remove.isEmpty() ? null : remove);
    if (reset) {
      m.put("reset", true);
    }
    return m;
  }
}
