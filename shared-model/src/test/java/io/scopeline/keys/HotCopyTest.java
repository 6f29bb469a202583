package io.scopeline.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HotCopyTest {
  private static final TenantId A = TenantId.of("tenant-a");
  private static final TenantId B = TenantId.of("tenant-b");
  private static final byte[] REPORT = "gzip msgpack bytes".getBytes(StandardCharsets.UTF_8);

  @Test
  void aHotCopyOpensOnlyForTheTenantAndKeyItWasSealedFor() {
    byte[] sealed = HotCopy.seal(A, "ab/1-0-0", REPORT);
    assertThat(HotCopy.open(A, "ab/1-0-0", sealed)).isEqualTo(REPORT);
    assertThat(HotCopy.open(B, "ab/1-0-0", sealed)).as("copied into another tenant's keys").isNull();
    assertThat(HotCopy.open(A, "ab/2-0-0", sealed)).as("copied under another segment's key").isNull();
    sealed[sealed.length - 1] ^= 1;
    assertThat(HotCopy.open(A, "ab/1-0-0", sealed)).as("altered").isNull();
    assertThat(HotCopy.open(A, "ab/1-0-0", REPORT)).as("never sealed").isNull();
    assertThat(HotCopy.open(A, "ab/1-0-0", new byte[0])).isNull();
  }
}
