package io.scopeline.ingest.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.ingest.config.TenantMetricsProperties;

/**
 * Reports and bytes received, per tenant and in all, in a bounded number of series: up to
 * {@code limit} tenants have series of their own, taken first come and given up after
 * {@code idle} without reports; the rest count under tenant {@code other}; the totals are always
 * counted.
 */
public final class TenantMeters {
  static final String OTHER = "other";

  private record Series(Counter reports, Counter bytes) {
    void add(long size) {
      reports.increment();
      bytes.increment(size);
    }
  }

  private final MeterRegistry registry;
  private final int limit;
  private final Cache<String, Series> own;
  private final Series other;
  private final Series all;

  public TenantMeters(MeterRegistry registry, TenantMetricsProperties props) {
    this(registry, props, com.github.benmanes.caffeine.cache.Ticker.systemTicker());
  }

  TenantMeters(MeterRegistry registry, TenantMetricsProperties props, com.github.benmanes.caffeine.cache.Ticker ticker) {
    this.registry = registry;
    this.limit = props.limit();
    this.own = Caffeine.newBuilder().ticker(ticker).executor(Runnable::run).expireAfterAccess(props.idle())
        .<String, Series>removalListener((tenant, s, cause) -> {
          if (s != null) {
            registry.remove(s.reports());
            registry.remove(s.bytes());
          }
        })
        .build();
    this.other = series(OTHER);
    this.all = new Series(Counter.builder("scopeline.ingest.reports.received.all")
        .description("reports accepted, all tenants").register(registry),
        Counter.builder("scopeline.ingest.bytes.received.all")
            .description("bytes of reports accepted, all tenants").register(registry));
  }

  private Series series(String tenant) {
    return new Series(Counter.builder("scopeline.ingest.reports.received").tag("tenant", tenant)
        .description("reports accepted, per tenant (bounded: see scopeline.ingest.tenant-metrics)").register(registry),
        Counter.builder("scopeline.ingest.bytes.received").tag("tenant", tenant)
            .description("bytes of reports accepted, per tenant (bounded)").register(registry));
  }

  /** Counts one accepted report of {@code size} bytes from {@code tenant}. */
  public void received(String tenant, long size) {
    all.add(size);
    Series s = own.getIfPresent(tenant);
    if (s == null && limit > 0 && !OTHER.equals(tenant) && own.estimatedSize() < limit) {
      s = own.get(tenant, this::series);
    }
    (s == null ? other : s).add(size);
  }

  /** Tenants with series of their own now (after expiring the idle ones). */
  public long tracked() {
    own.cleanUp();
    return own.estimatedSize();
  }
}
