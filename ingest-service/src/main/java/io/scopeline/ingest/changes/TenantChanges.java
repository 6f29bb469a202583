package io.scopeline.ingest.changes;

import io.scopeline.keys.ChangeEvent;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Timestamps;
import io.scopeline.render.HistoryDiff;
import io.scopeline.render.TopologyFacts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one tenant's topology is known to hold — nodes of the view, edges, external destinations —
 * and the events a new observation of it makes. A node disappears only after it has been absent
 * for {@code disappearAfter}; of a node's events, one is not sent when the two before it were
 * within {@code debounce} (the state still follows), so a flapping container makes at most two
 * events per debounce, while one that starts and soon crashes shows both. Edges
 * and destinations are remembered (up to {@code maxRemembered} per tenant), so each is new once.
 * The known state is also kept in a Redis hash ({@link #fields}), so a restart does not announce
 * everything again. Not thread-safe: its owner serialises calls.
 */
final class TenantChanges {
  private static final String NODE = "n:";
  private static final String EDGE = "e:";
  private static final String EXTERNAL = "x:";

  /** The events of one step, and the Redis hash fields to set and remove to remember it. */
  record Outcome(List<ChangeEvent> events, Map<String, byte[]> remember, List<String> forget) {
    boolean isEmpty() {
      return events.isEmpty() && remember.isEmpty() && forget.isEmpty();
    }
  }

  private final TenantId tenant;
  private final String view;
  private final Map<String, String> nodes = new HashMap<>();
  private final Map<String, Long> lastSeen = new HashMap<>();
  private final Set<HistoryDiff.Edge> edges = new HashSet<>();
  private final Set<String> external = new HashSet<>();
  /** Per node, when its last two events were sent: a third within the debounce is not. */
  private final Map<String, long[]> lastEvents = new HashMap<>();
  private boolean full;

  TenantChanges(TenantId tenant, String view) {
    this.tenant = tenant;
    this.view = view;
  }

  /** The state remembered in {@code hash} (as {@link #fields} wrote it); its nodes count as seen at {@code nowMillis}. */
  static TenantChanges restore(TenantId tenant, String view, Map<String, byte[]> hash, long nowMillis) {
    TenantChanges c = new TenantChanges(tenant, view);
    hash.forEach((field, value) -> {
      if (field.startsWith(NODE)) {
        String id = field.substring(NODE.length());
        c.nodes.put(id, new String(value, StandardCharsets.UTF_8));
        c.lastSeen.put(id, nowMillis);
      } else if (field.startsWith(EDGE)) {
        String[] st = field.substring(EDGE.length()).split("\n", 2);
        if (st.length == 2) {
          c.edges.add(new HistoryDiff.Edge(st[0], st[1]));
        }
      } else if (field.startsWith(EXTERNAL)) {
        c.external.add(field.substring(EXTERNAL.length()));
      }
    });
    return c;
  }

  /** Whether the tenant remembers as many edges and destinations as it may (new ones are not announced). */
  boolean full() {
    return full;
  }

  /** Compares what {@code facts} (of the quantum at {@code atNanos}) hold with what is known. */
  Outcome observe(TopologyFacts facts, long atNanos, long nowMillis, Duration debounce, int maxRemembered) {
    String at = Timestamps.formatRfc3339Nano(atNanos);
    List<ChangeEvent> events = new ArrayList<>();
    Map<String, byte[]> remember = new LinkedHashMap<>();
    facts.nodes().forEach((id, label) -> {
      lastSeen.put(id, nowMillis);
      if (!nodes.containsKey(id)) {
        nodes.put(id, label);
        remember.put(NODE + id, label.getBytes(StandardCharsets.UTF_8));
        if (due(id, nowMillis, debounce)) {
          events.add(ChangeEvent.of(tenant, ChangeEvent.NODE_APPEARED, view, id, label, null, null, at));
        }
      }
    });
    for (HistoryDiff.Edge e : facts.edges()) {
      if (edges.contains(e) || !room(maxRemembered)) {
        continue;
      }
      edges.add(e);
      remember.put(EDGE + e.source() + "\n" + e.target(), new byte[0]);
      events.add(ChangeEvent.of(tenant, ChangeEvent.NEW_EDGE, view, e.source(), facts.nodes().get(e.source()),
          e.target(), facts.nodes().get(e.target()), at));
    }
    for (String destination : facts.external()) {
      if (external.contains(destination) || !room(maxRemembered)) {
        continue;
      }
      external.add(destination);
      remember.put(EXTERNAL + destination, new byte[0]);
      events.add(ChangeEvent.of(tenant, ChangeEvent.NEW_EXTERNAL, view, destination, null, null, null, at));
    }
    return new Outcome(events, remember, List.of());
  }

  /** The nodes absent for {@code disappearAfter} by {@code nowMillis} disappear. */
  Outcome sweep(long nowMillis, Duration disappearAfter, Duration debounce) {
    String at = Timestamps.formatRfc3339Nano(nowMillis * 1_000_000L);
    List<ChangeEvent> events = new ArrayList<>();
    List<String> forget = new ArrayList<>();
    for (var it = lastSeen.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (nowMillis - e.getValue() < disappearAfter.toMillis()) {
        continue;
      }
      it.remove();
      String id = e.getKey();
      String label = nodes.remove(id);
      forget.add(NODE + id);
      if (due(id, nowMillis, debounce)) {
        events.add(ChangeEvent.of(tenant, ChangeEvent.NODE_DISAPPEARED, view, id, label, null, null, at));
      }
    }
    lastEvents.values().removeIf(t -> nowMillis - t[1] >= debounce.toMillis());
    return new Outcome(events, Map.of(), forget);
  }

  /**
   * Whether an event about node {@code id} may be sent now: not when two were sent within the
   * debounce (an appearance and its disappearance always go out); if so, it counts as sent.
   */
  private boolean due(String id, long nowMillis, Duration debounce) {
    long[] last = lastEvents.computeIfAbsent(id, k -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE});
    if (last[0] != Long.MIN_VALUE && nowMillis - last[0] < debounce.toMillis()) {
      return false;
    }
    last[0] = last[1];
    last[1] = nowMillis;
    return true;
  }

  private boolean room(int maxRemembered) {
    if (edges.size() + external.size() < maxRemembered) {
      return true;
    }
    full = true;
    return false;
  }

  /** How many nodes are known. */
  int nodeCount() {
    return nodes.size();
  }
}
