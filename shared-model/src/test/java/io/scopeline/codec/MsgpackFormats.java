package io.scopeline.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/** Walks msgpack bytes and checks they use only what Scope's 2017 Go codec reads and writes. */
final class MsgpackFormats {
  private MsgpackFormats() {}

  static void assertOldSpec(byte[] bytes) throws IOException {
    try (MessageUnpacker u = MessagePack.newDefaultUnpacker(bytes)) {
      int[] times = {0};
      walk(u, times);
      assertThat(u.hasNext()).isFalse();
      assertThat(times[0]).as("Go binary times written as str").isPositive();
    }
  }

  private static void walk(MessageUnpacker u, int[] times) throws IOException {
    MessageFormat f = u.getNextFormat();
    assertThat(f).as("msgpack format").isNotIn(MessageFormat.STR8, MessageFormat.BIN8, MessageFormat.BIN16,
        MessageFormat.BIN32, MessageFormat.FIXEXT1, MessageFormat.EXT8);
    switch (f.getValueType()) {
      case MAP -> {
        int n = u.unpackMapHeader();
        for (int i = 0; i < 2 * n; i++) {
          walk(u, times);
        }
      }
      case ARRAY -> {
        int n = u.unpackArrayHeader();
        for (int i = 0; i < n; i++) {
          walk(u, times);
        }
      }
      case STRING -> {
        int len = u.unpackRawStringHeader();
        byte[] b = u.readPayload(len);
        if (len == 15 && b[0] == 1) {
          times[0]++;
        }
      }
      default -> u.skipValue();
    }
  }
}
