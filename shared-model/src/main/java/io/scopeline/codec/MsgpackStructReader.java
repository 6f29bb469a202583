package io.scopeline.codec;

import io.scopeline.model.Timestamps;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads msgpack as Scope's Go codec (ugorji, 2017) writes it: maps for structs, strings in str or
 * raw form, times as Go binary blobs inside str, unsigned ints for non-negative numbers. Newer
 * forms (str8, bin, the timestamp extension) are read too.
 *
 * <p>A small hand-written reader over a refilled buffer: decoding is the ingest hot path, and
 * reading the format byte once per value, with no per-call state checks, runs about twice as fast
 * as a general-purpose unpacker. Lengths declared in the input are checked against the limit
 * before any buffer is sized from them.
 */
final class MsgpackStructReader implements StructReader {
  private static final int BUFFER_SIZE = 16 * 1024;
  /** Buffers are reused per thread (decoding allocates little else); grown ones are not kept. */
  private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER_SIZE]);

  private final InputStream in;
  private final long maxPayload;
  private final StringCache strings = StringCache.forCurrentThread();
  private byte[] buf;
  private int pos;
  private int limit;
  private boolean eof;
  private int[] remaining = new int[32];
  private int depth;

  private final DecodeBudget budget;

  MsgpackStructReader(InputStream in, long maxPayload, DecodeBudget budget) {
    this.in = in;
    this.maxPayload = maxPayload;
    this.budget = budget;
    this.buf = BUFFERS.get();
  }

  // ---- buffer management -------------------------------------------------------------------

  /** Makes at least {@code n} bytes available at {@code pos}, or fails with EOF. */
  private void ensure(int n) {
    if (limit - pos >= n) {
      return;
    }
    fill(n);
  }

  private void fill(int n) {
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    try {
      while (limit < n) {
        if (limit == buf.length) {
          // Grown as bytes arrive, not to what a length prefix claims: a few bytes claiming a
          // 128 MiB string must not allocate 128 MiB.
          buf = Arrays.copyOf(buf, (int) Math.min(n, Math.max(BUFFER_SIZE, 2L * buf.length)));
        }
        int r = in.read(buf, limit, buf.length - limit);
        if (r < 0) {
          eof = true;
          throw new UncheckedIOException(new EOFException("unexpected end of msgpack input"));
        }
        limit += r;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean atEnd() {
    if (pos < limit) {
      return false;
    }
    if (eof) {
      return true;
    }
    try {
      pos = 0;
      limit = 0;
      int r;
      do {
        r = in.read(buf, 0, buf.length);
      } while (r == 0);
      if (r < 0) {
        eof = true;
        return true;
      }
      limit = r;
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int peekByte() {
    ensure(1);
    return buf[pos] & 0xFF;
  }

  private int u8() {
    ensure(1);
    return buf[pos++] & 0xFF;
  }

  private int u16() {
    ensure(2);
    int v = (buf[pos] & 0xFF) << 8 | buf[pos + 1] & 0xFF;
    pos += 2;
    return v;
  }

  private int i32() {
    ensure(4);
    int v = (buf[pos] & 0xFF) << 24 | (buf[pos + 1] & 0xFF) << 16 | (buf[pos + 2] & 0xFF) << 8 | buf[pos + 3] & 0xFF;
    pos += 4;
    return v;
  }

  private long i64() {
    ensure(8);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | buf[pos + i] & 0xFF;
    }
    pos += 8;
    return v;
  }

  /** A 32-bit length, which msgpack defines as unsigned; beyond int range it is certainly too large. */
  private int length32() {
    int v = i32();
    if (v < 0) {
      throw new ReportTooLargeException(ReportTooLargeException.Stage.DECOMPRESSED, maxPayload);
    }
    return v;
  }

  private void skipBytes(long n) {
    while (n > 0) {
      if (pos == limit) {
        ensure(1);
      }
      int step = (int) Math.min(n, limit - pos);
      pos += step;
      n -= step;
    }
  }

  // ---- structure ---------------------------------------------------------------------------

  @Override
  public Kind peek() {
    if (atEnd()) {
      return Kind.END;
    }
    int b = buf[pos] & 0xFF;
    if (b <= 0x7f || b >= 0xe0) {
      return Kind.NUMBER;
    }
    if (b <= 0x8f) {
      return Kind.MAP;
    }
    if (b <= 0x9f) {
      return Kind.ARRAY;
    }
    if (b <= 0xbf) {
      return Kind.STRING;
    }
    return switch (b) {
      case 0xc0 -> Kind.NIL;
      case 0xc2, 0xc3 -> Kind.BOOLEAN;
      case 0xc4, 0xc5, 0xc6, 0xd9, 0xda, 0xdb -> Kind.STRING;
      case 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3 -> Kind.NUMBER;
      case 0xdc, 0xdd -> Kind.ARRAY;
      case 0xde, 0xdf -> Kind.MAP;
      default -> Kind.OTHER;
    };
  }

  @Override
  public boolean readNilIfPresent() {
    if (peekByte() == 0xc0) {
      pos++;
      return true;
    }
    return false;
  }

  private void push(int count) {
    if (depth == remaining.length) {
      remaining = Arrays.copyOf(remaining, depth * 2);
    }
    remaining[depth++] = count;
  }

  private boolean next() {
    if (remaining[depth - 1] == 0) {
      depth--;
      return false;
    }
    remaining[depth - 1]--;
    return true;
  }

  @Override
  public int beginMap() {
    int b = u8();
    int n;
    if (b >= 0x80 && b <= 0x8f) {
      n = b & 0x0f;
    } else if (b == 0xde) {
      n = u16();
    } else if (b == 0xdf) {
      n = length32();
    } else {
      throw new IllegalArgumentException("expected a msgpack map, got " + describe(b));
    }
    push(n);
    return n;
  }

  @Override
  public boolean nextEntry() {
    return next();
  }

  @Override
  public String readKey() {
    return readString();
  }

  @Override
  public int readKey(KeySet keys) {
    int len = rawLength();
    if (len < 0) {
      throw new IllegalArgumentException("expected a msgpack string, got " + describe(peekByte()));
    }
    ensure(len);
    int i = keys.indexOf(buf, pos, len);
    pos += len;
    return i;
  }

  @Override
  public int beginArray() {
    int b = u8();
    int n;
    if (b >= 0x90 && b <= 0x9f) {
      n = b & 0x0f;
    } else if (b == 0xdc) {
      n = u16();
    } else if (b == 0xdd) {
      n = length32();
    } else {
      throw new IllegalArgumentException("expected a msgpack array, got " + describe(b));
    }
    push(n);
    return n;
  }

  @Override
  public boolean nextElement() {
    return next();
  }

  // ---- scalars -----------------------------------------------------------------------------

  /** Reads a str/bin header and returns the payload length, or -1 when the next value is not one. */
  private int rawLength() {
    int b = peekByte();
    int len;
    if (b >= 0xa0 && b <= 0xbf) {
      pos++;
      len = b & 0x1f;
    } else {
      switch (b) {
        case 0xd9, 0xc4 -> {
          pos++;
          len = u8();
        }
        case 0xda, 0xc5 -> {
          pos++;
          len = u16();
        }
        case 0xdb, 0xc6 -> {
          pos++;
          len = length32();
        }
        default -> {
          return -1;
        }
      }
    }
    if (len > maxPayload) {
      throw new ReportTooLargeException(ReportTooLargeException.Stage.DECOMPRESSED, maxPayload);
    }
    return len;
  }

  @Override
  public String readString() {
    int len = rawLength();
    if (len < 0) {
      throw new IllegalArgumentException("expected a msgpack string, got " + describe(peekByte()));
    }
    ensure(len);
    budget.charge(len);
    String s = strings.get(buf, pos, len);
    pos += len;
    return s;
  }

  @Override
  public long readTime() {
    int b = peekByte();
    if (b == 0xc0) {
      pos++;
      return Timestamps.ZERO;
    }
    if (b == 0xd6 || b == 0xd7 || b == 0xc7) {
      return readTimestampExtension();
    }
    int len = rawLength();
    if (len < 0) {
      throw new IllegalArgumentException("expected a time, got " + describe(b));
    }
    ensure(len);
    int at = pos;
    pos += len;
    if ((len == 15 || len == 16) && (buf[at] == 1 || buf[at] == 2)) {
      return Timestamps.fromGoBinary(buf, at, len);
    }
    return Timestamps.parseRfc3339(new String(buf, at, len, StandardCharsets.UTF_8));
  }

  /** The msgpack timestamp extension (type -1) in its 32, 64 and 96 bit forms. */
  private long readTimestampExtension() {
    int b = u8();
    int len = b == 0xd6 ? 4 : b == 0xd7 ? 8 : u8();
    int type = (byte) u8();
    if (type != -1) {
      throw new IllegalArgumentException("expected a time, got msgpack extension type " + type);
    }
    switch (len) {
      case 4 -> {
        return Timestamps.of(i32() & 0xFFFFFFFFL, 0);
      }
      case 8 -> {
        long v = i64();
        return Timestamps.of(v & 0x3FFFFFFFFL, (int) (v >>> 34));
      }
      case 12 -> {
        int nanos = i32();
        return Timestamps.of(i64(), nanos);
      }
      default -> throw new IllegalArgumentException("bad msgpack timestamp length " + len);
    }
  }

  @Override
  public long readLong() {
    int b = u8();
    if (b <= 0x7f) {
      return b;
    }
    if (b >= 0xe0) {
      return (byte) b;
    }
    return switch (b) {
      case 0xcc -> u8();
      case 0xcd -> u16();
      case 0xce -> i32() & 0xFFFFFFFFL;
      case 0xcf -> {
        long v = i64();
        if (v < 0) {
          throw new IllegalArgumentException("integer " + Long.toUnsignedString(v) + " is out of range");
        }
        yield v;
      }
      case 0xd0 -> (byte) u8();
      case 0xd1 -> (short) u16();
      case 0xd2 -> i32();
      case 0xd3 -> i64();
      case 0xca, 0xcb -> {
        double d = b == 0xca ? Float.intBitsToFloat(i32()) : Double.longBitsToDouble(i64());
        if (d != Math.rint(d) || Double.isInfinite(d)) {
          throw new IllegalArgumentException("expected an integer, got " + d);
        }
        yield (long) d;
      }
      default -> throw new IllegalArgumentException("expected a number, got " + describe(b));
    };
  }

  @Override
  public double readDouble() {
    int b = peekByte();
    if (b == 0xcb) {
      pos++;
      return Double.longBitsToDouble(i64());
    }
    if (b == 0xca) {
      pos++;
      return Float.intBitsToFloat(i32());
    }
    if (b == 0xcf) {
      pos++;
      long v = i64();
      return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }
    return readLong();
  }

  @Override
  public boolean readBoolean() {
    int b = u8();
    if (b == 0xc3) {
      return true;
    }
    if (b == 0xc2) {
      return false;
    }
    throw new IllegalArgumentException("expected a boolean, got " + describe(b));
  }

  @Override
  public void skipValue() {
    long count = 1;
    while (count > 0) {
      int b = u8();
      count--;
      if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
        continue;
      }
      if (b <= 0x8f) {
        count += 2L * (b & 0x0f);
      } else if (b <= 0x9f) {
        count += b & 0x0f;
      } else if (b <= 0xbf) {
        skipBytes(b & 0x1f);
      } else {
        switch (b) {
          case 0xc4, 0xd9 -> skipBytes(u8());
          case 0xc5, 0xda -> skipBytes(u16());
          case 0xc6, 0xdb -> skipBytes(i32() & 0xFFFFFFFFL);
          case 0xc7 -> skipBytes(u8() + 1L);
          case 0xc8 -> skipBytes(u16() + 1L);
          case 0xc9 -> skipBytes((i32() & 0xFFFFFFFFL) + 1);
          case 0xca -> skipBytes(4);
          case 0xcb -> skipBytes(8);
          case 0xcc, 0xd0 -> skipBytes(1);
          case 0xcd, 0xd1 -> skipBytes(2);
          case 0xce, 0xd2 -> skipBytes(4);
          case 0xcf, 0xd3 -> skipBytes(8);
          case 0xd4 -> skipBytes(2);
          case 0xd5 -> skipBytes(3);
          case 0xd6 -> skipBytes(5);
          case 0xd7 -> skipBytes(9);
          case 0xd8 -> skipBytes(17);
          case 0xdc -> count += u16();
          case 0xdd -> count += i32() & 0xFFFFFFFFL;
          case 0xde -> count += 2L * u16();
          case 0xdf -> count += 2L * (i32() & 0xFFFFFFFFL);
          default -> throw new IllegalArgumentException("invalid msgpack byte 0x" + Integer.toHexString(b));
        }
      }
    }
  }

  private static String describe(int b) {
    if (b <= 0x7f || b >= 0xe0) {
      return "msgpack integer";
    }
    if (b <= 0x8f || b == 0xde || b == 0xdf) {
      return "msgpack map";
    }
    if (b <= 0x9f || b == 0xdc || b == 0xdd) {
      return "msgpack array";
    }
    if (b <= 0xbf || b == 0xd9 || b == 0xda || b == 0xdb) {
      return "msgpack string";
    }
    return switch (b) {
      case 0xc0 -> "msgpack nil";
      case 0xc2, 0xc3 -> "msgpack boolean";
      case 0xc4, 0xc5, 0xc6 -> "msgpack binary";
      case 0xca, 0xcb -> "msgpack float";
      case 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3 -> "msgpack integer";
      case 0xc1 -> "invalid msgpack byte 0xc1";
      default -> "msgpack extension";
    };
  }

  @Override
  public String describeNext() {
    try {
      return atEnd() ? "end of input" : describe(buf[pos] & 0xFF);
    } catch (RuntimeException e) {
      return "unreadable input";
    }
  }

  @Override
  public void close() {
    // The caller owns the stream.
  }
}
