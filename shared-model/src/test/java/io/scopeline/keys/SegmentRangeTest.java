package io.scopeline.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentRangeTest {
  private static final TenantId T = TenantId.of("acme");
  private static final long Q = 1_795_311_567_000_000_000L;

  private static String key(long quantum, int partition, long first, long last) {
    return StorageKeys.objectKey(T, quantum, partition, first, last);
  }

  @Test
  void aSegmentKeyNamesItsQuantumPartitionAndOffsets() {
    assertThat(SegmentRange.of(key(Q, 7, 100, 250))).isEqualTo(new SegmentRange(Q, 7, 100, 250));
    assertThat(SegmentRange.of(StorageKeys.objectKey(T, Q, 7, 100))).as("no last offset").isNull();
    assertThat(SegmentRange.of(StorageKeys.shortcutObjectKey(T, Q, "r-1"))).isNull();
    assertThat(SegmentRange.of("garbage")).isNull();
  }

  @Test
  void ofTwoCutsOfTheSameRecordsTheOneHoldingMoreIsKept() {
    String longer = key(Q, 0, 10, 25);
    String shorter = key(Q, 0, 10, 20); // a first run idle-closed at 20...
    String tail = key(Q, 0, 22, 25); // ...and took the quantum's late records into a second segment
    String otherPartition = key(Q, 1, 12, 15);
    String otherQuantum = key(Q + 3_000_000_000L, 0, 11, 14);
    String shortcut = StorageKeys.shortcutObjectKey(T, Q, "r-1");
    String legacy = StorageKeys.objectKey(T, Q, 0, 12);
    assertThat(SegmentRange.covering(List.of(shorter, otherPartition, longer, tail, otherQuantum, shortcut, legacy)))
        .containsExactly(otherPartition, longer, otherQuantum, shortcut, legacy);
  }

  @Test
  void segmentsThatOnlyOverlapAreBothKept() {
    // Not two cuts of the same records (the ingest side never writes such a replay): keep both
    // rather than lose records.
    assertThat(SegmentRange.covering(List.of(key(Q, 0, 10, 20), key(Q, 0, 15, 30)))).hasSize(2);
  }
}
