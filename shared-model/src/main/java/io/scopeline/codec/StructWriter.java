package io.scopeline.codec;

/** A push writer for maps, arrays and scalars, implemented for JSON and Scope-style msgpack. */
interface StructWriter {
  /** Opens a map of exactly {@code size} entries (msgpack needs the size up front). */
  void beginMap(int size);

  void endMap();

  void key(String key);

  void beginArray(int size);

  void endArray();

  void string(String value);

  void time(long epochNanos);

  void number(long value);

  void number(double value);

  void bool(boolean value);

  void nil();

  void flush();
}
