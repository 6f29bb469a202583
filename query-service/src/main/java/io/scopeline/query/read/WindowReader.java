package io.scopeline.query.read;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.keys.Rollups;
import io.scopeline.query.QueryProperties;
import io.scopeline.render.EndpointOwners;
import io.scopeline.render.Views;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The merged report of a tenant's window ending at a time. Live windows come from
 * {@link LiveSource} (kept up to date incrementally, no store read per request); windows in the
 * past (time travel) are an index lookup, a tiered fetch and a merge, once per set of keys.
 */
public final class WindowReader {
  /**
   * A window's report; {@code staleFor} is zero unless the stores failed and this is the last good
   * state. {@code renders} holds the renderings of a live window, keyed by censoring, so they go
   * when the window moves on; null for past windows (cached by identity elsewhere).
   */
  public record Window(Report report, Duration staleFor, String identity, Map<String, Views> renders) {
    public Window(Report report, Duration staleFor, String identity) {
      this(report, staleFor, identity, null);
    }

    public boolean stale() {
      return !staleFor.isZero();
    }
  }

  /** Where live windows come from. */
  public interface LiveSource {
    Mono<Window> live(TenantId tenant);
  }

  private final QuantumIndex index;
  private final TieredReports reports;
  private final LiveSource live;
  private final QueryProperties props;
  private final Cache<String, Report> merged;

  public WindowReader(QuantumIndex index, TieredReports reports, LiveSource live, QueryProperties props) {
    this.index = index;
    this.reports = reports;
    this.live = live;
    this.props = props;
    this.merged = Caffeine.newBuilder().maximumWeight(props.windowCacheMaxNodes())
        .weigher((String k, Report r) -> 1 + r.nodeCount()).expireAfterAccess(Duration.ofMinutes(1)).build();
  }

  /** Scope's merge of every quantum of {@code tenant} starting in [at − window, at]; live ignores {@code at}. */
  public Mono<Window> window(TenantId tenant, long atNanos, boolean isLive) {
    return isLive ? live.live(tenant) : past(tenant, atNanos);
  }

  /**
   * The window ending at {@code atNanos} as indexed: what was durable, read from the stores — the
   * minute (or hour) roll-ups around it once its quanta are past retention.
   */
  public Mono<Window> past(TenantId tenant, long atNanos) {
    long from = atNanos - props.window().toNanos();
    return index.keptKeys(tenant, from, atNanos).flatMap(keys -> read(tenant, keys))
        .onErrorMap(WindowReader::isStoreFailure, WindowReader::unavailable);
  }

  /**
   * The window of length {@code window} ending at {@code atNanos}, read from the coarsest roll-ups
   * that fit in it and the quanta around them ({@link QuantumIndex#coveringKeys}).
   */
  public Mono<Window> past(TenantId tenant, long atNanos, Duration window) {
    return index.coveringKeys(tenant, atNanos - window.toNanos(), atNanos).flatMap(keys -> read(tenant, keys))
        .onErrorMap(WindowReader::isStoreFailure, WindowReader::unavailable);
  }

  /**
   * Completes when the window of length {@code window} ending at {@code atNanos} can be read,
   * errs with {@link WindowTooLargeException} when it needs more objects than allowed.
   */
  public Mono<Void> checkSize(TenantId tenant, long atNanos, Duration window) {
    return index.coveringKeys(tenant, atNanos - window.toNanos(), atNanos).doOnNext(this::requireReadable).then();
  }

  /** Throws {@link WindowTooLargeException} when reading {@code keys} needs more objects than allowed. */
  private void requireReadable(List<String> keys) {
    if (keys.size() > props.maxWindowObjects()) {
      throw new WindowTooLargeException(keys.size(), props.maxWindowObjects());
    }
  }

  /** A failure of the stores (not of the request), which callers see as unavailable. */
  private static boolean isStoreFailure(Throwable e) {
    return !(e instanceof StoreUnavailableException || e instanceof WindowTooLargeException);
  }

  private static StoreUnavailableException unavailable(Throwable e) {
    return new StoreUnavailableException("reports unavailable (" + rootMessage(e) + ")", e);
  }

  /** A piece of a long window: a roll-up, or a minute's quanta, spanning [startNanos, endNanos). */
  public record Piece(long startNanos, long endNanos, Window window) {}

  /**
   * Ingest's default quantum: a minute's quanta end this long after the last one starts (a longer
   * configured quantum makes a piece end early by the difference).
   */
  private static final long QUANTUM_NANOS = 3_000_000_000L;

  /**
   * The window of length {@code window} ending at {@code atNanos} as separate pieces, oldest first
   * (the keys {@link QuantumIndex#coveringKeys} gives, quanta grouped per minute), each merged and
   * cached on its own; at most two are read at once, so memory holds a few pieces, not the window.
   */
  public Flux<Piece> pieces(TenantId tenant, long atNanos, Duration window) {
    record Keys(long start, long end, List<String> keys) {}
    return index.coveringKeys(tenant, atNanos - window.toNanos(), atNanos)
        .flatMapMany(keys -> {
          requireReadable(keys);
          java.util.TreeMap<Long, Keys> byStart = new java.util.TreeMap<>();
          java.util.TreeMap<Long, List<String>> quantaByMinute = new java.util.TreeMap<>();
          for (String key : keys) {
            io.scopeline.keys.Rollups.Level level = io.scopeline.keys.Rollups.levelOf(key);
            if (level != null) {
              long start = io.scopeline.keys.Rollups.startOf(key);
              byStart.put(start, new Keys(start, start + level.spanNanos(), List.of(key)));
            } else {
              long q = io.scopeline.keys.StorageKeys.quantumStartOfObjectKey(
                  io.scopeline.keys.StorageKeys.segmentName(key));
              quantaByMinute.computeIfAbsent(io.scopeline.keys.Rollups.Level.MINUTE.startOf(q),
                  m -> new java.util.ArrayList<>()).add(key);
            }
          }
          quantaByMinute.values().forEach(group -> {
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (String key : group) {
              long q = io.scopeline.keys.StorageKeys.quantumStartOfObjectKey(
                  io.scopeline.keys.StorageKeys.segmentName(key));
              first = Math.min(first, q);
              last = Math.max(last, q);
            }
            // A roll-up and quanta never start at the same instant and cover the same time.
            byStart.merge(first, new Keys(first, last + QUANTUM_NANOS, group),
                (a, b) -> new Keys(a.start(), Math.max(a.end(), b.end()),
                    java.util.stream.Stream.concat(a.keys().stream(), b.keys().stream()).toList()));
          });
          return Flux.fromIterable(byStart.values());
        })
        .flatMapSequential(k -> read(tenant, k.keys()).map(w -> new Piece(k.start(), k.end(), w)), 2)
        .onErrorMap(WindowReader::isStoreFailure, WindowReader::unavailable);
  }

  /**
   * The pieces under {@code keys} merged, an address's connections kept on whoever held it at the
   * time ({@link EndpointOwners}): fetched newest first and merged as they come, so memory holds
   * the merges and the pieces being fetched, not the window's pieces (a day of quanta is 28 800).
   * Keys spanning more than a minute are merged as roll-ups would be ({@link #rolledUp}).
   */
  private Mono<Window> read(TenantId tenant, List<String> unordered) {
    requireReadable(unordered);
    // Ties (segments of one quantum) by key, as the compactor orders them.
    List<String> keys = unordered.stream()
        .sorted(Comparator.comparingLong(Rollups::dataStartOf).thenComparing(Comparator.naturalOrder())).toList();
    String identity = identity(tenant, keys);
    Report cached = merged.getIfPresent(identity);
    if (cached != null) {
      return Mono.just(new Window(cached, Duration.ZERO, identity));
    }
    List<String> newestFirst = new java.util.ArrayList<>(keys);
    java.util.Collections.reverse(newestFirst);
    long span = keys.isEmpty() ? 0 : Rollups.dataStartOf(keys.get(keys.size() - 1)) - Rollups.dataStartOf(keys.get(0));
    Flux<Timed> pieces = Flux.fromIterable(newestFirst)
        .flatMapSequential(key -> reports.get(tenant, key).map(r -> new Timed(Rollups.dataStartOf(key), r, key)),
            props.fetchConcurrency());
    if (span >= Rollups.Level.MINUTE.spanNanos()) {
      pieces = rolledUp(pieces, Rollups.Level.MINUTE);
    }
    if (span >= Rollups.Level.HOUR.spanNanos()) {
      pieces = rolledUp(pieces, Rollups.Level.HOUR);
    }
    return pieces.map(Timed::report)
        .reduceWith(EndpointOwners.Merger::new, EndpointOwners.Merger::addOlder)
        .map(m -> {
          Report r = m.build();
          merged.put(identity, r);
          return new Window(r, Duration.ZERO, identity);
        });
  }

  /** A fetched piece, the start of the time it holds, and its key (null once merged with others). */
  private record Timed(long startNanos, Report report, String key) {}

  /**
   * Newest-first pieces merged per {@code level} period and thinned to the level's metric samples,
   * as the ingest side's roll-ups are: a long window of raw quanta then costs what compacting them
   * costs. Merged flat, every sample of every quantum would be kept, each merge copying the growing
   * sample arrays again (a raw day did not finish in 33 minutes). Each period is merged as its
   * pieces arrive, so memory holds one merge per level, not a period's pieces.
   */
  private static Flux<Timed> rolledUp(Flux<Timed> newestFirst, Rollups.Level level) {
    return newestFirst.windowUntilChanged(t -> level.startOf(t.startNanos()))
        .concatMap(period -> period.reduceWith(() -> new Period(level), Period::add).map(Period::result));
  }

  /** One period's pieces merged as they come; a roll-up alone in its period passes through. */
  private static final class Period {
    private final Rollups.Level level;
    private Timed first;
    private EndpointOwners.Merger merger;

    Period(Rollups.Level level) {
      this.level = level;
    }

    Period add(Timed t) {
      if (first == null) {
        first = t;
        return this;
      }
      if (merger == null) {
        merger = new EndpointOwners.Merger().addOlder(first.report());
      }
      merger.addOlder(t.report());
      return this;
    }

    Timed result() {
      Rollups.Level stored = first.key() == null ? null : Rollups.levelOf(first.key());
      if (merger == null && stored != null && stored.spanNanos() >= level.spanNanos()) {
        return first;
      }
      Report merged = merger == null ? new EndpointOwners.Merger().addOlder(first.report()).build() : merger.build();
      return new Timed(level.startOf(first.startNanos()), merged.withMetricsDownsampled(level.sampleNanos()), null);
    }
  }

  private static String identity(TenantId tenant, List<String> keys) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      md.update(tenant.value().getBytes(StandardCharsets.UTF_8));
      for (String k : keys) {
        md.update((byte) '\n');
        md.update(k.getBytes(StandardCharsets.UTF_8));
      }
      return tenant.value() + "@" + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The innermost cause's message: what an operator can act on. */
  public static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** A window whose read would need more stored objects than allowed: the caller asked too much. */
  public static final class WindowTooLargeException extends RuntimeException {
    private final String brief;

    WindowTooLargeException(int objects, int allowed) {
      super("this window needs " + objects + " stored objects, more than scopeline.query.max-window-objects ("
          + allowed + "): roll-ups do not cover this time (compaction off or behind); ask a shorter window", null,
          false, false);
      this.brief = "window needs " + objects + " objects, max-window-objects is " + allowed + "; ask a shorter one";
    }

    /** The reason in fewer than 123 bytes, as a WebSocket close frame takes it. */
    public String brief() {
      return brief;
    }
  }

  /** Neither fresh data nor a recent enough fallback is available. */
  public static final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
