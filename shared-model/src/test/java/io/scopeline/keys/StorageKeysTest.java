package io.scopeline.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StorageKeysTest {
  private static final TenantId ACME = TenantId.of("acme");
  /** 2026-11-22T01:39:27Z, a quantum boundary. */
  private static final long Q = 1_795_311_567_000_000_000L;

  @Test
  void indexKeysFollowScopesHourRowsAndSortByQuantumThenPartitionThenOffset() {
    assertThat(StorageKeys.indexHashKey(ACME, Q)).isEqualTo("acme-" + (Q / 3_600_000_000_000L));
    String k = StorageKeys.indexRangeKey(Q, 7, 42);
    assertThat(k).isEqualTo(Q + ".0000070000000000042");
    assertThat(new BigDecimal(k).precision()).isLessThanOrEqualTo(38);
    List<BigDecimal> sorted = List.of(new BigDecimal(StorageKeys.indexRangeLow(Q)), new BigDecimal(k),
        new BigDecimal(StorageKeys.indexRangeKey(Q, 7, 43)), new BigDecimal(StorageKeys.indexRangeKey(Q, 8, 0)),
        new BigDecimal(StorageKeys.indexRangeHigh(Q)), new BigDecimal(StorageKeys.indexRangeKey(Q + 3_000_000_000L, 0, 0)));
    assertThat(sorted).isSorted();
    assertThat(StorageKeys.quantumStartOfRangeKey(k)).isEqualTo(Q);
  }

  @Test
  void aKeyBelongsOnlyToTheTenantWhoseDataItNames() {
    TenantId a = TenantId.of("tenant-a");
    TenantId b = TenantId.of("tenant-b");
    long q = 1_764_000_000_000_000_000L;
    String segment = StorageKeys.objectKey(a, q, 3, 42);
    String shortcut = StorageKeys.shortcutObjectKey(a, q + 5, "r-1");
    assertThat(StorageKeys.belongsTo(a, segment)).isTrue();
    assertThat(StorageKeys.belongsTo(a, shortcut)).isTrue();
    assertThat(StorageKeys.belongsTo(b, segment)).isFalse();
    assertThat(StorageKeys.belongsTo(b, shortcut)).isFalse();
    // A key of a's naming another hour, or not a key at all, belongs to no one.
    assertThat(StorageKeys.belongsTo(a, segment.replace("/" + q + "-", "/" + (q + 7_200_000_000_000L) + "-")))
        .isFalse();
    assertThat(StorageKeys.belongsTo(a, "../../etc/passwd")).isFalse();
    assertThat(StorageKeys.belongsTo(a, "")).isFalse();
  }

  @Test
  void objectKeyIsDeterministicMd5PrefixedAndDistinctPerSegment() {
    String key = StorageKeys.objectKey(ACME, Q, 3, 100);
    assertThat(key).isEqualTo(StorageKeys.objectKey(TenantId.of("acme"), Q, 3, 100));
    assertThat(key).matches("[0-9a-f]{32}/" + Q + "-3-100");
    assertThat(key).startsWith(StorageKeys.md5Hex("acme-" + (Q / 3_600_000_000_000L)));
    assertThat(StorageKeys.objectKey(ACME, Q, 4, 100)).isNotEqualTo(key);
    assertThat(StorageKeys.objectKey(ACME, Q, 3, 101)).isNotEqualTo(key);
    assertThat(StorageKeys.objectKey(ACME, Q + 3_000_000_000L, 3, 100)).isNotEqualTo(key);
    assertThat(StorageKeys.objectKey(TenantId.of("other"), Q, 3, 100)).isNotEqualTo(key);
  }

  @Test
  void redisKeysAndChannelsAreTenantScopedWithAHashTag() {
    assertThat(StorageKeys.notificationChannel(ACME)).isEqualTo("scopeline:{acme}:notify");
    assertThat(StorageKeys.probeStatusKey(ACME)).isEqualTo("scopeline:{acme}:probes");
    assertThat(StorageKeys.hotCopyKey(ACME, "ab/1-0")).isEqualTo("scopeline:{acme}:report:ab/1-0");
  }

  @Test
  void badPartitionsAreRejected() {
    assertThatThrownBy(() -> StorageKeys.objectKey(ACME, Q, -1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StorageKeys.indexRangeKey(Q, 0, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void quantaAlignToMultiplesOfTheirLength() {
    Quanta q = Quanta.of(Duration.ofSeconds(3));
    assertThat(q.startOf(Q + 2_999_999_999L)).isEqualTo(Q);
    assertThat(q.startOf(Q + 3_000_000_000L)).isEqualTo(Q + 3_000_000_000L);
    assertThat(q.endOf(Q)).isEqualTo(Q + 3_000_000_000L);
    assertThat(q.startOf(-1)).isEqualTo(-3_000_000_000L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"acme", "org-1", "A.b_c-9", "1234567890123456789012345678901234567890123456789012345678901234"})
  void validTenantIds(String id) {
    assertThat(TenantId.of(id).value()).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a/b", "a:b", "{a}", "..", "é",
      "12345678901234567890123456789012345678901234567890123456789012345"})
  void invalidTenantIdsAreRejectedWithAReason(String id) {
    assertThatThrownBy(() -> TenantId.of(id)).isInstanceOf(TenantId.InvalidTenantException.class)
        .hasMessageContaining("tenant id");
  }

  @Test
  void missingTenantSaysWhichHeader() {
    assertThatThrownBy(() -> TenantId.of(null)).hasMessageContaining("X-Scope-OrgID");
  }

  @Test
  void notificationChannelsNameTheirTenantAndMatchThePattern() {
    TenantId t = TenantId.of("org-1");
    String channel = StorageKeys.notificationChannel(t);
    assertThat(StorageKeys.tenantOfNotificationChannel(channel)).isEqualTo(t);
    assertThat(StorageKeys.NOTIFICATION_PATTERN.replace("*", "org-1")).isEqualTo(channel);
    assertThat(StorageKeys.tenantOfNotificationChannel("scopeline:{}:notify")).isNull();
    assertThat(StorageKeys.tenantOfNotificationChannel("scopeline:{a b}:notify")).isNull();
    assertThat(StorageKeys.tenantOfNotificationChannel("other")).isNull();
  }

  @Test
  void announcementsRoundTripAndOtherMessagesAreNotAnnouncements() {
    Announcement segment = Announcement.segment("abc/123-0-7-9", 123L);
    assertThat(Announcement.parse(segment.toJson())).isEqualTo(segment);
    Announcement shortcut = Announcement.shortcut("abc/shortcut-5-0-1", 5L, "probe \"1\"");
    assertThat(Announcement.parse(shortcut.toJson())).isEqualTo(shortcut);
    assertThat(Announcement.parse("{\"type\":\"probe-status\",\"tenant\":\"t\",\"probe\":\"p\"}")).isNull();
    assertThat(Announcement.parse("{\"type\":\"segment\",\"key\":\"k\"}")).as("no time").isNull();
    assertThat(Announcement.parse("not json")).isNull();
    assertThat(Announcement.parse("{\"type\":\"segment\",\"key\":\"k\",\"at\":1,\"extra\":{\"x\":[1]}}"))
        .isEqualTo(Announcement.segment("k", 1));
  }

  @Test
  void shortcutKeysCarryTheirArrivalTime() {
    TenantId t = TenantId.of("org-1");
    String key = StorageKeys.shortcutObjectKey(t, Q + 5, "3-17");
    assertThat(StorageKeys.isShortcutKey(key)).isTrue();
    assertThat(StorageKeys.shortcutTimeOfObjectKey(key)).isEqualTo(Q + 5);
    assertThat(StorageKeys.quantumStartOfObjectKey(key)).isEqualTo(-1);
    assertThat(StorageKeys.shortcutTimeOfObjectKey(StorageKeys.objectKey(t, Q, 0, 1))).isEqualTo(-1);
  }

  @Test
  void aPackedSegmentKeyNamesTheSegmentAndWhereItsBytesAre() {
    String own = StorageKeys.objectKey(ACME, Q, 2, 40, 49);
    String pack = StorageKeys.packKey(2, Q, 30, 80, new byte[] {7});
    String packed = StorageKeys.packedSegmentKey(own, new PackedObject.Ref(pack, 1200, 345));

    assertThat(StorageKeys.segmentName(packed)).isEqualTo(own);
    assertThat(StorageKeys.storedAt(packed)).isEqualTo(new PackedObject.Ref(pack, 1200, 345));
    assertThat(StorageKeys.storedAt(own)).isEqualTo(PackedObject.Ref.whole(own));
    assertThat(StorageKeys.belongsTo(ACME, packed)).isTrue();
    assertThat(StorageKeys.belongsTo(TenantId.of("other"), packed)).isFalse();
    assertThat(StorageKeys.quantumStartOfObjectKey(packed)).isEqualTo(Q);
    assertThat(SegmentRange.of(packed)).isEqualTo(new SegmentRange(Q, 2, 40, 49));
    assertThat(SegmentRange.covering(List.of(packed, StorageKeys.objectKey(ACME, Q, 2, 40, 45))))
        .as("a replay's shorter cut of the same records gives way to the packed one").containsExactly(packed);
    assertThatThrownBy(() -> StorageKeys.packedSegmentKey(own, PackedObject.Ref.whole(pack)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
