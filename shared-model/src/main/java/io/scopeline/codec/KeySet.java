package io.scopeline.codec;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A small fixed set of field names a reader can match without building Strings: the report's
 * per-node and per-entry field names repeat thousands of times per report.
 */
final class KeySet {
  private final String[] names;
  private final byte[][] bytes;
  private final Map<String, Integer> index = new HashMap<>();

  private KeySet(String... names) {
    this.names = names;
    this.bytes = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      bytes[i] = names[i].getBytes(StandardCharsets.UTF_8);
      index.put(names[i], i);
    }
  }

  static KeySet of(String... names) {
    return new KeySet(names);
  }

  int size() {
    return names.length;
  }

  /** Index of the name whose UTF-8 bytes are {@code b[off, off + len)}, or -1. */
  int indexOf(byte[] b, int off, int len) {
    outer:
    for (int i = 0; i < bytes.length; i++) {
      byte[] k = bytes[i];
      if (k.length != len) {
        continue;
      }
      for (int j = 0; j < len; j++) {
        if (k[j] != b[off + j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  int indexOf(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }
}
