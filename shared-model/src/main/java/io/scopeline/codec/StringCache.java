package io.scopeline.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final ThreadLocal<StringCache> PER_THREAD = ThreadLocal.withInitial(StringCache::new);

  private final byte[][] keys = new byte[SIZE][];
  private final String[] values = new String[SIZE];

  /**
   * A constant-time hash of length, first and last eight bytes. Report strings that share a
   * prefix (ids on one host) differ at the end, so this spreads them; a collision only costs a
   * cache replacement, never a wrong string, because hits compare all bytes.
   */
  private static int hash(byte[] b, int off, int len) {
    long h;
    if (len >= 8) {
      h = (long) LONGS.get(b, off) * 0x9E3779B97F4A7C15L ^ (long) LONGS.get(b, off + len - 8);
    } else {
      h = 0;
      for (int i = off; i < off + len; i++) {
        h = h << 8 | (b[i] & 0xFF);
      }
    }
    h = (h ^ len) * 0xBF58476D1CE4E5B9L;
    return (int) (h ^ h >>> 31 ^ h >>> 47);
  }

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
    int slot = hash(buf, off, len) & MASK;
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
