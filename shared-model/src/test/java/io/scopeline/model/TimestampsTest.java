package io.scopeline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  @Test
  void parsesRfc3339NanoWithAnyOffsetToTheSameInstant() {
    long utc = Timestamps.parseRfc3339("2016-01-22T11:35:54.004344313Z");
    assertThat(Timestamps.parseRfc3339("2016-01-22T12:35:54.004344313+01:00")).isEqualTo(utc);
    assertThat(Timestamps.parseRfc3339("2016-01-22T06:05:54.004344313-05:30")).isEqualTo(utc);
    assertThat(Timestamps.toInstant(utc)).isEqualTo(Instant.parse("2016-01-22T11:35:54.004344313Z"));
    assertThat(Timestamps.parseRfc3339("2016-01-22T11:35:54Z")).isEqualTo(Timestamps.ofInstant(Instant.parse("2016-01-22T11:35:54Z")));
    assertThat(Timestamps.parseRfc3339("2016-01-22T11:35:54.5Z") % 1_000_000_000L).isEqualTo(500_000_000L);
  }

  @Test
  void goZeroTimeIsItsOwnValue() {
    assertThat(Timestamps.parseRfc3339("0001-01-01T00:00:00Z")).isEqualTo(Timestamps.ZERO);
    assertThat(Timestamps.formatRfc3339Nano(Timestamps.ZERO)).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(Timestamps.fromGoBinary(Timestamps.toGoBinary(Timestamps.ZERO), 0, 15)).isEqualTo(Timestamps.ZERO);
  }

  @Test
  void formatsLikeGoTrimmingTrailingZeros() {
    long t = Timestamps.parseRfc3339("2026-11-22T01:39:28.563606800Z");
    assertThat(Timestamps.formatRfc3339Nano(t)).isEqualTo("2026-11-22T01:39:28.5636068Z");
    assertThat(Timestamps.formatRfc3339Nano(Timestamps.parseRfc3339("2026-11-22T01:39:28Z")))
        .isEqualTo("2026-11-22T01:39:28Z");
  }

  @Test
  void goBinaryTimeRoundTripsAndHonoursTheOffsetFreeInstant() {
    long t = Timestamps.parseRfc3339("2026-11-22T01:39:28.563606842Z");
    byte[] b = Timestamps.toGoBinary(t);
    assertThat(b).hasSize(15);
    assertThat(b[0]).isEqualTo((byte) 1);
    assertThat(Timestamps.fromGoBinary(b, 0, 15)).isEqualTo(t);
    // Version 2 (Go 1.17+) appends an offset-seconds byte; a +01:00 zone changes nothing of the instant.
    byte[] v2 = java.util.Arrays.copyOf(b, 16);
    v2[0] = 2;
    v2[13] = 0;
    v2[14] = 60;
    assertThat(Timestamps.fromGoBinary(v2, 0, 16)).isEqualTo(t);
  }

  @Test
  void rejectsWhatIsNotATime() {
    assertThatThrownBy(() -> Timestamps.parseRfc3339("yesterday")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("yesterday");
    assertThatThrownBy(() -> Timestamps.fromGoBinary(new byte[] {1, 2, 3}, 0, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
