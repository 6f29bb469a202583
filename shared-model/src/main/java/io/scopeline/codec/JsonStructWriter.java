package io.scopeline.codec;

import io.scopeline.model.Timestamps;
import java.io.OutputStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/** Writes Scope's JSON encoding (times as RFC3339Nano strings in UTC) with Jackson's generator. */
final class JsonStructWriter implements StructWriter {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private final JsonGenerator gen;

  JsonStructWriter(OutputStream out) {
    this.gen = FACTORY.createGenerator(ObjectWriteContext.empty(), out);
  }

  @Override
  public void beginMap(int size) {
    gen.writeStartObject();
  }

  @Override
  public void endMap() {
    gen.writeEndObject();
  }

  @Override
  public void key(String key) {
    gen.writeName(key);
  }

  @Override
  public void beginArray(int size) {
    gen.writeStartArray();
  }

  @Override
  public void endArray() {
    gen.writeEndArray();
  }

  @Override
  public void string(String value) {
    gen.writeString(value);
  }

  @Override
  public void time(long epochNanos) {
    gen.writeString(Timestamps.formatRfc3339Nano(epochNanos));
  }

  @Override
  public void number(long value) {
    gen.writeNumber(value);
  }

  @Override
  public void number(double value) {
    gen.writeNumber(value);
  }

  @Override
  public void bool(boolean value) {
    gen.writeBoolean(value);
  }

  @Override
  public void nil() {
    gen.writeNull();
  }

  @Override
  public void flush() {
    gen.flush();
  }
}
