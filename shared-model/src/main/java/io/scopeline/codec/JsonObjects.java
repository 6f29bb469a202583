package io.scopeline.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/** Small JSON messages (announcements, status events) written and read field by field through Jackson. */
public final class JsonObjects {
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private JsonObjects() {}

  /** One JSON object, its fields written by {@code fields}; compact, UTF-8. */
  public static String object(Consumer<JsonGenerator> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(160);
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
      g.writeStartObject();
      fields.accept(g);
      g.writeEndObject();
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Takes one field of an object being read: its name and the parser at its value's first token. */
  public interface FieldReader {
    void field(String name, JsonToken value, JsonParser parser);
  }

  /**
   * Reads one JSON object, handing each field to {@code fields} (a field it does not read itself
   * must be skipped with {@code parser.skipChildren()}); false when {@code json} is not one
   * well-formed object.
   */
  public static boolean read(String json, FieldReader fields) {
    try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
        String name = p.currentName();
        fields.field(name, p.nextToken(), p);
      }
      return t == JsonToken.END_OBJECT;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
