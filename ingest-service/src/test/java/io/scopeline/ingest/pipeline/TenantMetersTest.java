package io.scopeline.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopeline.ingest.config.TenantMetricsProperties;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TenantMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong now = new AtomicLong();
  private final TenantMeters meters = new TenantMeters(registry,
      new TenantMetricsProperties(2, Duration.ofMinutes(10)), now::get);

  private double reports(String tenant) {
    var c = registry.find("scopeline.ingest.reports.received").tag("tenant", tenant).counter();
    return c == null ? -1 : c.count();
  }

  @Test
  void upToTheLimitTenantsHaveTheirOwnSeriesTheRestCountAsOtherAndTheTotalsCountAll() {
    meters.received("a", 100);
    meters.received("b", 10);
    meters.received("c", 1);
    meters.received("a", 100);
    assertThat(reports("a")).isEqualTo(2);
    assertThat(reports("b")).isEqualTo(1);
    assertThat(reports("c")).as("beyond the limit").isEqualTo(-1);
    assertThat(reports("other")).isEqualTo(1);
    assertThat(registry.get("scopeline.ingest.reports.received.all").counter().count()).isEqualTo(4);
    assertThat(registry.get("scopeline.ingest.bytes.received.all").counter().count()).isEqualTo(211);
  }

  @Test
  void anIdleTenantGivesUpItsSeriesAndItsPlace() {
    meters.received("a", 1);
    meters.received("b", 1);
    now.addAndGet(Duration.ofMinutes(11).toNanos());
    assertThat(meters.tracked()).isZero();
    assertThat(reports("a")).as("removed from the registry").isEqualTo(-1);
    meters.received("c", 1);
    assertThat(reports("c")).isEqualTo(1);
  }

  @Test
  void tenThousandTenantsKeepTheSeriesBounded() {
    for (int t = 0; t < 10_000; t++) {
      meters.received("tenant-" + t, 1);
    }
    // 2 tenants' own, "other", and the totals; two meters each.
    assertThat(registry.getMeters()).hasSize(2 * (2 + 1 + 1));
    assertThat(reports("other")).isEqualTo(9_998);
  }
}
