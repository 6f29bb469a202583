package io.scopeline.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small direct-mapped cache from UTF-8 bytes to Strings.
 *
 * <p>Reports repeat the same short strings thousands of times (field names, latest keys, host and
 * probe ids, timestamps' neighbours). Reusing one String per distinct value cuts decode allocation
 * and lets later equality checks short-cut on identity. One cache per decoding thread.
 */
final class StringCache {
  private static final int SIZE = 4096;
  private static final int MASK = SIZE - 1;
  private static final int MAX_CACHED_LENGTH = 96;
  private static final ThreadLocal<StringCache> PER_THREAD = ThreadLocal.withInitial(StringCache::new);

  private final byte[][] keys = new byte[SIZE][];
  private final String[] values = new String[SIZE];

  static StringCache forCurrentThread() {
    return PER_THREAD.get();
  }

  /** The string of the UTF-8 bytes {@code buf[off, off + len)}. */
  String get(byte[] buf, int off, int len) {
    if (len == 0) {
      return "";
    }
    if (len > MAX_CACHED_LENGTH) {
      return new String(buf, off, len, StandardCharsets.UTF_8);
    }
    int h = 1;
    for (int i = off; i < off + len; i++) {
      h = 31 * h + buf[i];
    }
    h ^= h >>> 16;
    int slot = h & MASK;
    byte[] k = keys[slot];
    if (k != null && k.length == len && Arrays.equals(k, 0, len, buf, off, off + len)) {
      return values[slot];
    }
    String s = new String(buf, off, len, StandardCharsets.UTF_8);
    keys[slot] = Arrays.copyOfRange(buf, off, off + len);
    values[slot] = s;
    return s;
  }
}
