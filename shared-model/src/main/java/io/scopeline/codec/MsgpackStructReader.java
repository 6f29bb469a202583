package io.scopeline.codec;

import io.scopeline.model.Timestamps;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Reads msgpack as Scope's Go codec (ugorji, 2017) writes it: maps for structs, strings in str or
 * raw form, times as Go binary blobs inside str, unsigned ints for non-negative numbers.
 */
final class MsgpackStructReader implements StructReader {
  private final MessageUnpacker unpacker;
  private final StringCache strings = StringCache.forCurrentThread();
  private byte[] scratch = new byte[256];
  private int[] remaining = new int[32];
  private int depth;

  /** Largest str/bin payload accepted: a declared length is checked before any buffer is sized. */
  private final long maxPayload;

  MsgpackStructReader(InputStream in, long maxPayload) {
    this.unpacker = MessagePack.newDefaultUnpacker(in);
    this.maxPayload = maxPayload;
  }

  @Override
  public Kind peek() {
    try {
      if (!unpacker.hasNext()) {
        return Kind.END;
      }
      return switch (unpacker.getNextFormat().getValueType()) {
        case MAP -> Kind.MAP;
        case ARRAY -> Kind.ARRAY;
        case STRING, BINARY -> Kind.STRING;
        case INTEGER, FLOAT -> Kind.NUMBER;
        case BOOLEAN -> Kind.BOOLEAN;
        case NIL -> Kind.NIL;
        default -> Kind.OTHER;
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean readNilIfPresent() {
    try {
      return unpacker.tryUnpackNil();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    try {
      int n = unpacker.unpackMapHeader();
      push(n);
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
  public int beginArray() {
    try {
      int n = unpacker.unpackArrayHeader();
      push(n);
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean nextElement() {
    return next();
  }

  /** Reads a str or bin payload into the scratch buffer and returns its length. */
  private int readRaw() throws IOException {
    MessageFormat f = unpacker.getNextFormat();
    int len = f.getValueType() == ValueType.BINARY ? unpacker.unpackBinaryHeader() : unpacker.unpackRawStringHeader();
    if (len < 0 || len > maxPayload) {
      throw new ReportTooLargeException(ReportTooLargeException.Stage.DECOMPRESSED, maxPayload);
    }
    if (len > scratch.length) {
      scratch = new byte[Math.max(len, scratch.length * 2)];
    }
    unpacker.readPayload(scratch, 0, len);
    return len;
  }

  @Override
  public String readString() {
    try {
      int len = readRaw();
      return strings.get(scratch, len);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public long readTime() {
    try {
      MessageFormat f = unpacker.getNextFormat();
      switch (f.getValueType()) {
        case NIL -> {
          unpacker.unpackNil();
          return Timestamps.ZERO;
        }
        case EXTENSION -> {
          return Timestamps.ofInstant(unpacker.unpackTimestamp());
        }
        case STRING, BINARY -> {
          int len = readRaw();
          if ((len == 15 || len == 16) && (scratch[0] == 1 || scratch[0] == 2)) {
            return Timestamps.fromGoBinary(scratch, 0, len);
          }
          return Timestamps.parseRfc3339(new String(scratch, 0, len, StandardCharsets.UTF_8));
        }
        default -> throw new IllegalArgumentException("expected a time, got " + describeNext());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public long readLong() {
    try {
      if (unpacker.getNextFormat().getValueType() == ValueType.FLOAT) {
        double d = unpacker.unpackDouble();
        if (d != Math.rint(d) || Double.isInfinite(d)) {
          throw new IllegalArgumentException("expected an integer, got " + d);
        }
        return (long) d;
      }
      return unpacker.unpackLong();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public double readDouble() {
    try {
      MessageFormat f = unpacker.getNextFormat();
      if (f.getValueType() == ValueType.INTEGER) {
        if (f == MessageFormat.UINT64) {
          return unpacker.unpackBigInteger().doubleValue();
        }
        return unpacker.unpackLong();
      }
      return unpacker.unpackDouble();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean readBoolean() {
    try {
      return unpacker.unpackBoolean();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void skipValue() {
    try {
      unpacker.skipValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String describeNext() {
    try {
      if (!unpacker.hasNext()) {
        return "end of input";
      }
      return "msgpack " + unpacker.getNextFormat().getValueType().name().toLowerCase();
    } catch (IOException e) {
      return "unreadable input";
    }
  }

  @Override
  public void close() {
    try {
      unpacker.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
