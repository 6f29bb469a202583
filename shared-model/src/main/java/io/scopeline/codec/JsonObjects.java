package io.scopeline.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/** Small JSON messages (announcements, status events) written field by field through Jackson. */
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
}
