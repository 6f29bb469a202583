package io.scopeline.codec;

import io.scopeline.model.Timestamps;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * Writes msgpack the way Scope's Go codec does, so the Scope app reads it: no str8 (old spec),
 * times as 15-byte Go binary blobs inside str, non-negative integers in unsigned forms.
 */
final class MsgpackStructWriter implements StructWriter {
  private static final MessagePack.PackerConfig OLD_SPEC = new MessagePack.PackerConfig().withStr8FormatSupport(false);

  private final MessagePacker packer;

  MsgpackStructWriter(OutputStream out) {
    this.packer = OLD_SPEC.newPacker(out);
  }

  @Override
  public void beginMap(int size) {
    try {
      packer.packMapHeader(size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void endMap() {}

  @Override
  public void key(String key) {
    string(key);
  }

  @Override
  public void beginArray(int size) {
    try {
      packer.packArrayHeader(size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void endArray() {}

  @Override
  public void string(String value) {
    try {
      packer.packString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void time(long epochNanos) {
    try {
      byte[] b = Timestamps.toGoBinary(epochNanos);
      packer.packRawStringHeader(b.length);
      packer.writePayload(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void number(long value) {
    try {
      packer.packLong(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void number(double value) {
    try {
      packer.packDouble(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void bool(boolean value) {
    try {
      packer.packBoolean(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void nil() {
    try {
      packer.packNil();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void flush() {
    try {
      packer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
