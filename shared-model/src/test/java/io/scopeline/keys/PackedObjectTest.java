package io.scopeline.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackedObjectTest {
  private static final long T = 1_795_311_568_000_000_000L;

  private static Report hostReport(String host) {
    return Report.builder().id(host).ts(T).windowNanos(3_000_000_000L).topology(TopologyType.HOST,
        TopologyType.HOST.defaultTopology().withNode(Node.of(host + ";<host>", "host").withLatest("host_name", T, host)))
        .build();
  }

  private static List<PackedObject.Part> parts(int n) {
    List<PackedObject.Part> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new PackedObject.Part(TenantId.of("tenant-" + i), 10L * i, 10L * i + 3,
          ReportCodec.encode(hostReport("host-" + i), ReportFormat.MSGPACK_GZIP)));
    }
    return out;
  }

  @Test
  void theSameSegmentsMakeTheSameBytesWhateverOrderTheyCloseIn() {
    List<PackedObject.Part> parts = parts(50);
    List<PackedObject.Part> shuffled = new ArrayList<>(parts);
    Collections.shuffle(shuffled, new java.util.Random(7));
    assertThat(PackedObject.pack(shuffled).bytes()).isEqualTo(PackedObject.pack(parts).bytes());
  }

  @Test
  void eachTenantsRangeDecodesToItsOwnSegmentAlone() {
    PackedObject.Packed packed = PackedObject.pack(parts(20));
    String key = StorageKeys.packKey(3, T, 0, 193, new byte[] {1});
    for (PackedObject.Member m : packed.members()) {
      PackedObject.Ref ref = PackedObject.Ref.parse(new PackedObject.Ref(key, m.byteOffset(), m.byteLength()).encode());
      Report r = ReportCodec.decode(PackedObject.slice(packed.bytes(), ref), ReportFormat.MSGPACK_GZIP,
          ReportLimits.DEFAULT);
      String host = "host-" + m.part().tenant().value().substring("tenant-".length());
      assertThat(r.topology(TopologyType.HOST).nodes().containsKey(host + ";<host>")).isTrue();
      assertThat(r.topology(TopologyType.HOST).nodes().size()).isEqualTo(1);
    }
  }

  @Test
  void refsNameWholeObjectsOrRangesAndRefuseNonsense() {
    PackedObject.Ref whole = PackedObject.Ref.parse("abc/123-0-4-9");
    assertThat(whole.isRange()).isFalse();
    assertThat(whole.encode()).isEqualTo("abc/123-0-4-9");
    PackedObject.Ref range = PackedObject.Ref.parse("abc/pack-1-2-3-4#100-20");
    assertThat(range.httpRange()).isEqualTo("bytes=100-119");
    assertThatThrownBy(() -> PackedObject.Ref.parse("abc#x-1")).hasMessageContaining("not a segment ref");
    assertThatThrownBy(() -> PackedObject.slice(new byte[10], new PackedObject.Ref("k", 5, 6)))
        .hasMessageContaining("beyond");
  }

  @Test
  void packKeysArePureFunctionsOfTheirRecordsAndBytes() {
    byte[] bytes = {1, 2, 3};
    assertThat(StorageKeys.packKey(2, T, 100, 250, bytes)).isEqualTo(StorageKeys.packKey(2, T, 100, 250, bytes.clone()))
        .isNotEqualTo(StorageKeys.packKey(2, T, 100, 251, bytes))
        .as("another cut of the same records never takes the key of bytes rows point into")
        .isNotEqualTo(StorageKeys.packKey(2, T, 100, 250, new byte[] {1, 2, 4}))
        .contains("/pack-" + T + "-2-100-250-");
  }
}
