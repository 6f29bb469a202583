package io.scopeline.codec;

import io.scopeline.model.Timestamps;
import java.io.InputStream;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/** Reads Scope's JSON encoding (times as RFC3339Nano strings) from a stream with Jackson's parser. */
final class JsonStructReader implements StructReader {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private final JsonParser parser;
  private final DecodeBudget budget;
  private JsonToken current;

  /** Property names are not charged to {@code budget}: the parser keeps one copy of each name. */
  JsonStructReader(InputStream in, DecodeBudget budget) {
    this.budget = budget;
    this.parser = FACTORY.createParser(ObjectReadContext.empty(), in);
    this.current = parser.nextToken();
  }

  private void advance() {
    current = parser.nextToken();
  }

  @Override
  public Kind peek() {
    if (current == null) {
      return Kind.END;
    }
    return switch (current) {
      case START_OBJECT -> Kind.MAP;
      case START_ARRAY -> Kind.ARRAY;
      case VALUE_STRING -> Kind.STRING;
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> Kind.NUMBER;
      case VALUE_TRUE, VALUE_FALSE -> Kind.BOOLEAN;
      case VALUE_NULL -> Kind.NIL;
      default -> Kind.OTHER;
    };
  }

  @Override
  public boolean readNilIfPresent() {
    if (current == JsonToken.VALUE_NULL) {
      advance();
      return true;
    }
    return false;
  }

  private void expect(JsonToken token, String what) {
    if (current != token) {
      throw new IllegalArgumentException("expected " + what + ", got " + describeNext());
    }
  }

  @Override
  public int beginMap() {
    expect(JsonToken.START_OBJECT, "an object");
    advance();
    return -1;
  }

  @Override
  public boolean nextEntry() {
    if (current == JsonToken.END_OBJECT) {
      advance();
      return false;
    }
    expect(JsonToken.PROPERTY_NAME, "a property name");
    return true;
  }

  @Override
  public String readKey() {
    String name = parser.currentName();
    advance();
    return name;
  }

  @Override
  public int readKey(KeySet keys) {
    return keys.indexOf(readKey());
  }

  @Override
  public int beginArray() {
    expect(JsonToken.START_ARRAY, "an array");
    advance();
    return -1;
  }

  @Override
  public boolean nextElement() {
    if (current == JsonToken.END_ARRAY) {
      advance();
      return false;
    }
    if (current == null) {
      throw new IllegalArgumentException("unexpected end of input inside an array");
    }
    return true;
  }

  @Override
  public String readString() {
    expect(JsonToken.VALUE_STRING, "a string");
    String s = parser.getString();
    budget.charge(s.length());
    advance();
    return s;
  }

  @Override
  public long readTime() {
    if (readNilIfPresent()) {
      return Timestamps.ZERO;
    }
    return Timestamps.parseRfc3339(readString());
  }

  @Override
  public long readLong() {
    long v;
    if (current == JsonToken.VALUE_NUMBER_INT) {
      v = parser.getLongValue();
    } else if (current == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = parser.getDoubleValue();
      if (d != Math.rint(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("expected an integer, got " + d);
      }
      v = (long) d;
    } else {
      throw new IllegalArgumentException("expected a number, got " + describeNext());
    }
    advance();
    return v;
  }

  @Override
  public double readDouble() {
    if (current != JsonToken.VALUE_NUMBER_INT && current != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new IllegalArgumentException("expected a number, got " + describeNext());
    }
    double d = parser.getDoubleValue();
    advance();
    return d;
  }

  @Override
  public boolean readBoolean() {
    boolean b;
    if (current == JsonToken.VALUE_TRUE) {
      b = true;
    } else if (current == JsonToken.VALUE_FALSE) {
      b = false;
    } else {
      throw new IllegalArgumentException("expected a boolean, got " + describeNext());
    }
    advance();
    return b;
  }

  @Override
  public void skipValue() {
    if (current == JsonToken.START_OBJECT || current == JsonToken.START_ARRAY) {
      parser.skipChildren();
    }
    advance();
  }

  @Override
  public String describeNext() {
    if (current == null) {
      return "end of input";
    }
    return switch (current) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> current.name().toLowerCase();
    };
  }

  @Override
  public void close() {
    parser.close();
  }
}
