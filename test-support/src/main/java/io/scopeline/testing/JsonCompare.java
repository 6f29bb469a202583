package io.scopeline.testing;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Semantic JSON comparison as the fixtures README prescribes: object key order and the order of
 * list items that carry an "id" are not meaningful; numbers compare by value; listed paths are
 * ignored. Returns human-readable differences (empty when equal).
 */
public final class JsonCompare {
  public static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private JsonCompare() {}

  public static JsonNode parse(byte[] json) {
    return MAPPER.readTree(json);
  }

  /** Differences between expected and actual; {@code ignored} holds JSONPath-like "$.a.b[1].c" paths. */
  public static List<String> diff(JsonNode expected, JsonNode actual, Set<String> ignored) {
    List<String> out = new ArrayList<>();
    compare("$", expected, actual, ignored, out);
    return out;
  }

  private static void compare(String path, JsonNode e, JsonNode a, Set<String> ignored, List<String> out) {
    if (ignored.contains(path) || out.size() > 50) {
      return;
    }
    if (e == null || a == null) {
      if (e != a) {
        out.add(path + ": expected " + brief(e) + " but was " + brief(a));
      }
      return;
    }
    if (e.isNumber() && a.isNumber()) {
      if (Double.compare(e.asDouble(), a.asDouble()) != 0) {
        out.add(path + ": expected " + e + " but was " + a);
      }
      return;
    }
    if (e.isObject() && a.isObject()) {
      for (Map.Entry<String, JsonNode> entry : e.properties()) {
        compare(path + "." + entry.getKey(), entry.getValue(), a.get(entry.getKey()), ignored, out);
      }
      for (Iterator<String> it = a.propertyNames().iterator(); it.hasNext();) {
        String k = it.next();
        if (!e.has(k) && !ignored.contains(path + "." + k)) {
          out.add(path + "." + k + ": unexpected " + brief(a.get(k)));
        }
      }
      return;
    }
    if (e.isArray() && a.isArray()) {
      if (e.size() != a.size()) {
        out.add(path + ": expected " + e.size() + " items but was " + a.size() + " (" + brief(a) + ")");
        return;
      }
      boolean keyed = e.size() > 0 && allHaveId(e) && allHaveId(a);
      for (int i = 0; i < e.size(); i++) {
        JsonNode ei = e.get(i);
        JsonNode ai = keyed ? findById(a, ei.get("id")) : a.get(i);
        if (keyed && ai == null) {
          out.add(path + "[id=" + ei.get("id") + "]: missing");
          continue;
        }
        compare(path + "[" + i + "]", ei, ai, ignored, out);
      }
      return;
    }
    if (!e.equals(a)) {
      out.add(path + ": expected " + brief(e) + " but was " + brief(a));
    }
  }

  /** Lists whose items all carry distinct ids are compared as sets keyed by id; others in order. */
  private static boolean allHaveId(JsonNode array) {
    java.util.Set<JsonNode> ids = new java.util.HashSet<>();
    for (JsonNode n : array) {
      if (!n.isObject() || !n.has("id") || !ids.add(n.get("id"))) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode findById(JsonNode array, JsonNode id) {
    for (JsonNode n : array) {
      if (n.get("id").equals(id)) {
        return n;
      }
    }
    return null;
  }

  private static String brief(JsonNode n) {
    if (n == null) {
      return "<absent>";
    }
    String s = n.toString();
    return s.length() > 160 ? s.substring(0, 160) + "…" : s;
  }
}
