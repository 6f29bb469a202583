package io.scopeline.codec;

import java.io.Closeable;

/**
 * A pull reader over a tree of maps, arrays and scalars, implemented for JSON and msgpack so that
 * one {@link ReportReader} knows the report schema for both.
 */
interface StructReader extends Closeable {
  /** Kinds of values, as far as the report schema cares. */
  enum Kind { MAP, ARRAY, STRING, NUMBER, BOOLEAN, NIL, OTHER, END }

  Kind peek();

  /** Consumes a nil and returns true, or returns false leaving the next value in place. */
  boolean readNilIfPresent();

  /** Opens a map; returns its size when the format knows it, else -1. */
  int beginMap();

  /** True while the current map has entries left; consumes the map's end when it has none. */
  boolean nextEntry();

  String readKey();

  /** Reads a key and returns its index in {@code keys}, or -1 for any other key (consumed). */
  int readKey(KeySet keys);

  /** Opens an array; returns its size when the format knows it, else -1. */
  int beginArray();

  /** True while the current array has elements left; consumes the array's end when it has none. */
  boolean nextElement();

  String readString();

  /** Reads a time in the format's Scope encoding; nil is Go's zero time. */
  long readTime();

  long readLong();

  double readDouble();

  boolean readBoolean();

  void skipValue();

  /** A short description of the next value, for error messages. */
  String describeNext();

  @Override
  void close();
}
