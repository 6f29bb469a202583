package io.scopeline.render;

import java.util.List;
import java.util.Map;

/** Answers a topology URL ({@code /api/topology...}) from {@link Views}, as Scope's router would. */
public final class ScopeResponses {
  private ScopeResponses() {}

  /** The JSON body for the URL, or null where Scope answers 404. WebSocket URLs give the first frame. */
  public static Object respond(Views views, String url) {
    int q = url.indexOf('?');
    String path = q < 0 ? url : url.substring(0, q);
    Map<String, List<String>> query = Views.parseQuery(q < 0 ? "" : url.substring(q + 1));
    String prefix = "/api/topology";
    if (path.equals(prefix) || path.equals(prefix + "/")) {
      return views.topologies(query);
    }
    if (!path.startsWith(prefix + "/")) {
      return null;
    }
    String rest = path.substring(prefix.length() + 1);
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return views.topology(rest, query).orElse(null);
    }
    String name = rest.substring(0, slash);
    String id = rest.substring(slash + 1);
    if (id.equals("ws")) {
      return views.summaries(name, query).map(s -> TopologyDiff.of(Map.of(), s, true)).orElse(null);
    }
    return views.node(name, Views.decode(id), query).orElse(null);
  }
}
