package io.scopeline.render;

import java.io.ByteArrayOutputStream;
import java.util.Collection;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/** Writes the values rendering produces as JSON: typed summaries, maps, lists, strings, numbers and booleans. */
public final class JsonOut {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  /** A typed value that writes itself (its fields, in Scope's order, with Scope's omissions). */
  public interface Writable {
    void writeJson(JsonGenerator g);
  }

  private JsonOut() {}

  public static byte[] bytes(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
      write(g, value);
    }
    return out.toByteArray();
  }

  public static String string(Object value) {
    return new String(bytes(value), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Writes {@code list} under {@code name} unless it is empty (Scope's omitempty). */
  static void writeIfNotEmpty(JsonGenerator g, String name, java.util.List<?> list) {
    if (!list.isEmpty()) {
      g.writeName(name);
      write(g, list);
    }
  }

  static void write(JsonGenerator g, Object v) {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Writable w) {
      w.writeJson(g);
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Integer i) {
      g.writeNumber(i);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeName(String.valueOf(e.getKey()));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof Collection<?> c) {
      g.writeStartArray();
      for (Object o : c) {
        write(g, o);
      }
      g.writeEndArray();
    } else {
      g.writeString(v.toString());
    }
  }
}
