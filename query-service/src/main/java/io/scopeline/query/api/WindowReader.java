package io.scopeline.query.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.Reports;
import io.scopeline.query.QueryProperties;
import io.scopeline.query.read.QuantumIndex;
import io.scopeline.query.read.TieredReports;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The merged report of a tenant's window ending at a time: index lookup, tiered fetch, merge. When
 * the index or the object store fails, the tenant's last good live window is served instead,
 * marked stale, while it is younger than the configured staleness (the registry-cache pattern).
 */
public final class WindowReader {
  /** A window's report; {@code staleFor} is zero unless it is a fallback from an earlier read. */
  public record Window(Report report, Duration staleFor) {
    public boolean stale() {
      return !staleFor.isZero();
    }
  }

  private record LastGood(Report report, long readAtMillis) {}

  private final QuantumIndex index;
  private final TieredReports reports;
  private final QueryProperties props;
  private final MeterRegistry meters;
  private final Cache<TenantId, LastGood> lastGood = Caffeine.newBuilder().maximumSize(10_000).build();

  public WindowReader(QuantumIndex index, TieredReports reports, QueryProperties props, MeterRegistry meters) {
    this.index = index;
    this.reports = reports;
    this.props = props;
    this.meters = meters;
  }

  /** Scope's merge of every quantum of {@code tenant} starting in [at − window, at]. */
  public Mono<Window> window(TenantId tenant, long atNanos, boolean live) {
    long from = atNanos - props.window().toNanos();
    Mono<Report> fresh = index.objectKeys(tenant, from, atNanos)
        .flatMap(keys -> Flux.fromIterable(keys)
            .flatMapSequential(key -> reports.get(tenant, key), props.fetchConcurrency())
            .collectList())
        .map(Reports::merge);
    if (!live) {
      return fresh.map(r -> new Window(r, Duration.ZERO));
    }
    return fresh
        .doOnNext(r -> lastGood.put(tenant, new LastGood(r, System.currentTimeMillis())))
        .map(r -> new Window(r, Duration.ZERO))
        .onErrorResume(e -> {
          LastGood good = lastGood.getIfPresent(tenant);
          Duration age = good == null ? null : Duration.ofMillis(System.currentTimeMillis() - good.readAtMillis());
          if (good == null || age.compareTo(props.maxStaleness()) > 0) {
            meters.counter("scopeline.query.window.unavailable").increment();
            return Mono.error(new StoreUnavailableException("reports unavailable (" + rootMessage(e) + ")"
                + (good == null ? "" : "; the last good window is " + age.toSeconds() + " s old, beyond "
                    + props.maxStaleness().toSeconds() + " s"), e));
          }
          meters.counter("scopeline.query.window.stale").increment();
          return Mono.just(new Window(good.report(), age.isZero() ? Duration.ofMillis(1) : age));
        });
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** Neither fresh data nor a recent enough fallback is available. */
  public static final class StoreUnavailableException extends RuntimeException {
    StoreUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
