package io.scopeline.query.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.Reports;
import io.scopeline.query.QueryProperties;
import io.scopeline.query.read.QuantumIndex;
import io.scopeline.query.read.RecentHotCopies;
import io.scopeline.query.read.TieredReports;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The merged report of a tenant's window ending at a time: index lookup (plus, for live windows,
 * hot copies not indexed yet and newer shortcut reports), tiered fetch, merge. A window is
 * identified by the keys it is made of, and merged once per identity. When the index or the object
 * store fails, the tenant's last good live window is served instead, marked stale, while it is
 * younger than the configured staleness (the registry-cache pattern).
 */
public final class WindowReader {
  /** A window's report; {@code staleFor} is zero unless it is a fallback from an earlier read. */
  public record Window(Report report, Duration staleFor, String identity) {
    public boolean stale() {
      return !staleFor.isZero();
    }
  }

  private record LastGood(Window window, long readAtMillis) {}

  private final QuantumIndex index;
  private final TieredReports reports;
  private final RecentHotCopies recent;
  private final QueryProperties props;
  private final MeterRegistry meters;
  private final Cache<TenantId, LastGood> lastGood = Caffeine.newBuilder().maximumSize(10_000).build();
  private final Cache<String, Report> merged;

  public WindowReader(QuantumIndex index, TieredReports reports, RecentHotCopies recent, QueryProperties props,
      MeterRegistry meters) {
    this.index = index;
    this.reports = reports;
    this.recent = recent;
    this.props = props;
    this.meters = meters;
    this.merged = Caffeine.newBuilder().maximumWeight(props.windowCacheMaxNodes())
        .weigher((String k, Report r) -> 1 + r.nodeCount()).expireAfterAccess(Duration.ofMinutes(1)).build();
  }

  /** Scope's merge of every quantum of {@code tenant} starting in [at − window, at]. */
  public Mono<Window> window(TenantId tenant, long atNanos, boolean live) {
    long from = atNanos - props.window().toNanos();
    Mono<List<String>> extra = live ? recent.keys(tenant, from, atNanos) : Mono.just(List.of());
    Mono<Window> fresh = Mono.zip(index.objectKeys(tenant, from, atNanos), extra)
        .flatMap(t -> read(tenant, t.getT1(), t.getT2()));
    if (!live) {
      return fresh;
    }
    return fresh
        .doOnNext(w -> lastGood.put(tenant, new LastGood(w, System.currentTimeMillis())))
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
          return Mono.just(new Window(good.window().report(), age.isZero() ? Duration.ofMillis(1) : age,
              good.window().identity()));
        });
  }

  /**
   * Indexed keys must be readable (a failure fails the window); recent hot copies are a bonus:
   * segments not indexed yet, and shortcut reports newer than the newest indexed quantum.
   */
  private Mono<Window> read(TenantId tenant, List<String> indexed, List<String> recentKeys) {
    long newestIndexed = indexed.stream().mapToLong(StorageKeys::quantumStartOfObjectKey).max().orElse(-1);
    Set<String> indexedSet = new LinkedHashSet<>(indexed);
    List<String> bonus = new ArrayList<>();
    for (String k : recentKeys) {
      if (indexedSet.contains(k)) {
        continue;
      }
      if (!StorageKeys.isShortcutKey(k) || shortcutTimeMillis(k) * 1_000_000L > newestIndexed) {
        bonus.add(k);
      }
    }
    String identity = identity(tenant, indexed, bonus);
    Report cached = merged.getIfPresent(identity);
    if (cached != null) {
      return Mono.just(new Window(cached, Duration.ZERO, identity));
    }
    Flux<Report> required = Flux.fromIterable(indexed)
        .flatMapSequential(key -> reports.get(tenant, key), props.fetchConcurrency());
    Flux<Report> optional = Flux.fromIterable(bonus)
        .flatMapSequential(key -> reports.get(tenant, key).onErrorResume(e -> Mono.empty()), props.fetchConcurrency());
    return required.concatWith(optional).collectList().map(list -> {
      Report r = Reports.merge(list);
      merged.put(identity, r);
      return new Window(r, Duration.ZERO, identity);
    });
  }

  private static long shortcutTimeMillis(String key) {
    int at = key.indexOf("/shortcut-") + "/shortcut-".length();
    int dash = key.indexOf('-', at);
    try {
      return Long.parseLong(key.substring(at, dash < 0 ? key.length() : dash)) / 1_000_000L;
    } catch (RuntimeException e) {
      return Long.MAX_VALUE / 1_000_000L;
    }
  }

  private static String identity(TenantId tenant, List<String> indexed, List<String> bonus) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      md.update(tenant.value().getBytes(StandardCharsets.UTF_8));
      for (List<String> keys : List.of(indexed, bonus)) {
        for (String k : keys) {
          md.update((byte) '\n');
          md.update(k.getBytes(StandardCharsets.UTF_8));
        }
        md.update((byte) '|');
      }
      return tenant.value() + "@" + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
