package io.scopeline.render;

import io.scopeline.model.Report;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The bodies of Scope's topology endpoints for one merged report; empty where Scope answers 404. */
public final class Views {
  private final RenderContext ctx;
  private final java.util.concurrent.ConcurrentHashMap<String, Optional<Map<String, NodeSummary>>> summaries =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentHashMap<String, Optional<byte[]>> topologyBodies =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentHashMap<String, Optional<Search.Result>> searches =
      new java.util.concurrent.ConcurrentHashMap<>();

  public Views(Report report) {
    this.ctx = new RenderContext(report);
  }

  public Report report() {
    return ctx.report();
  }

  /** {@code GET /api/topology}. */
  public List<Map<String, Object>> topologies(Map<String, List<String>> query) {
    return ApiTopologies.describe(ctx, query);
  }

  /**
   * {@code GET /api/topology/{name}}: {@code {"nodes": {id: summary}}}; with a search
   * ({@code q=}), only the nodes that match, and {@code "matches": {id: [where it matched]}}.
   */
  public Optional<Map<String, Object>> topology(String name, Map<String, List<String>> query) {
    if (Search.asks(query)) {
      return searched(name, query).map(r -> {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("nodes", r.nodes());
        body.put("matches", r.matches());
        return body;
      });
    }
    return summaries(name, query).map(s -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("nodes", s);
      return body;
    });
  }

  /**
   * {@link #topology} encoded as JSON, once per (topology, options): every request for the same
   * view of this report is answered with the same bytes. Callers must not modify the array.
   */
  public Optional<byte[]> topologyJson(String name, Map<String, List<String>> query) {
    return topologyBodies.computeIfAbsent(renderKey(name, query), k -> topology(name, query).map(JsonOut::bytes));
  }

  /**
   * The summaries of a topology, keyed by node id (what WebSocket diffs are computed from); with a
   * search ({@code q=}), those that match, edges among them only.
   */
  public Optional<Map<String, NodeSummary>> summaries(String name, Map<String, List<String>> query) {
    if (Search.asks(query)) {
      return searched(name, query).map(Search.Result::nodes);
    }
    return allSummaries(name, query);
  }

  private Optional<Map<String, NodeSummary>> allSummaries(String name, Map<String, List<String>> query) {
    return summaries.computeIfAbsent(key(name, query, false), k -> ApiTopologies.select(ctx.report(), name, query)
        .map(sel -> java.util.Collections.unmodifiableMap(Summaries.of(ctx.report(), sel.render(ctx).nodes()))));
  }

  /** The search a query's {@code q=} asks for over the topology (throws {@link Search.BadQueryException}). */
  private Optional<Search.Result> searched(String name, Map<String, List<String>> query) {
    // Parsed (its expressions compiled) once per view version, not on every frame that asks.
    return searches.computeIfAbsent(key(name, query, true),
        k -> allSummaries(name, query).map(Search.of(query)::apply));
  }

  /** The views {@link #lookup} looks in: those whose nodes have names people use. */
  public static final List<String> LOOKUP_VIEWS = List.of("hosts", "containers", "pods", "processes", "services",
      "kube-controllers", "containers-by-image", "swarm-services", "ecs-tasks", "ecs-services");

  /**
   * {@code GET /api/lookup?name=}: every node of {@link #LOOKUP_VIEWS} (all of each view: no
   * option filters) whose label is {@code name}, ignoring case, pseudo nodes left out:
   * {@code {"nodes": [{"topology", "id", "label", "labelMinor", "rank"}]}} (the name is not
   * echoed: an answer says only what the tenant's data holds).
   */
  public Map<String, Object> lookup(String name) {
    List<Map<String, Object>> found = new ArrayList<>();
    for (String view : LOOKUP_VIEWS) {
      Map<String, NodeSummary> nodes = allSummaries(view, Map.of()).orElse(Map.of());
      new java.util.TreeMap<>(nodes).forEach((id, n) -> {
        if (!n.pseudo() && n.label().equalsIgnoreCase(name)) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("topology", view);
          m.put("id", id);
          m.put("label", n.label());
          m.put("labelMinor", n.labelMinor());
          m.put("rank", n.rank());
          found.add(m);
        }
      });
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("nodes", found);
    return body;
  }

  /**
   * What a rendering depends on: the topology, whether there is any query at all (Scope applies
   * option defaults only then), the option parameters and the search; not the tick or the time.
   */
  public static String renderKey(String name, Map<String, List<String>> query) {
    return key(name, query, true);
  }

  private static String key(String name, Map<String, List<String>> query, boolean withSearch) {
    if (query.isEmpty()) {
      return name + "|";
    }
    StringBuilder sb = new StringBuilder(name).append("|?");
    new java.util.TreeMap<>(query).forEach((k, v) -> {
      if (!k.equals("t") && !k.equals("timestamp") && (withSearch || !k.equals(Search.PARAM))) {
        for (String value : v.isEmpty() ? List.of("") : v) {
          sb.append(k).append('=').append(value).append('&');
        }
      }
    });
    return sb.toString();
  }

  /** {@code GET /api/topology/{name}/{id}}: {@code {"node": details}}. */
  public Optional<Map<String, Object>> node(String name, String nodeId, Map<String, List<String>> query) {
    return ApiTopologies.select(ctx.report(), name, query)
        .flatMap(sel -> ApiTopologies.node(ctx, sel, nodeId))
        .map(d -> {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("node", d);
          return body;
        });
  }

  /** Parses a query string ({@code a=1&b=2}) the way Go's url.ParseQuery does, in order. */
  public static Map<String, List<String>> parseQuery(String query) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return out;
    }
    for (String pair : query.split("[&;]")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  /** Query-unescapes a path segment as Scope does for node ids ({@code %2F} works, {@code +} is a space). */
  public static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
