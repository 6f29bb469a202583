package io.scopeline.query.live;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.keys.Announcement;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.query.QueryProperties;
import io.scopeline.query.read.QuantumIndex;
import io.scopeline.query.read.RecentHotCopies;
import io.scopeline.query.read.TieredReports;
import io.scopeline.query.read.WindowReader;
import io.scopeline.query.read.WindowReader.StoreUnavailableException;
import io.scopeline.query.read.WindowReader.Window;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The live windows of this replica, one per tenant being read. A window is loaded from the index
 * and the recent hot copies when first asked for; after that it is fed by announcements (one
 * pattern subscription for all tenants) and reconciled with the index now and then, to find what
 * an announcement missed — not read from the stores per request. A tenant not read for a while is
 * forgotten. When reconciling fails, the window is served marked stale (its age is the time since
 * the last good reconcile) until that age passes {@code max-staleness}; then requests get 503.
 */
public final class LiveWindows implements WindowReader.LiveSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveWindows.class);
  private static final long MIN_RETRY_MILLIS = 1_000;
  private static final Duration RECONCILE_TIMEOUT = Duration.ofSeconds(10);
  /** Longest a live answer may wait for its window: twice a reconcile's bound. */
  private static final Duration ANSWER_DEADLINE = RECONCILE_TIMEOUT.multipliedBy(2);

  /** A tenant's window and what is known of its freshness. */
  private final class Entry {
    final LiveWindow window;
    final Mono<Void> firstLoad;
    final Sinks.Many<Long> shortcuts = Sinks.many().multicast().directBestEffort();
    final AtomicReference<Mono<Void>> reconciling = new AtomicReference<>();
    final java.util.concurrent.atomic.AtomicBoolean renewing = new java.util.concurrent.atomic.AtomicBoolean();
    volatile long lastUsedMillis = System.currentTimeMillis();
    volatile long lastGoodMillis;
    volatile long lastAttemptMillis;
    volatile Throwable lastError;

    Entry(TenantId tenant) {
      this.window = new LiveWindow(tenant, props.window().toNanos(), epoch, props.liveMinVersionInterval().toNanos());
      this.firstLoad = Mono.defer(() -> reconcileOnce(this)).onErrorResume(e -> Mono.empty()).cache();
    }
  }

  private final ConcurrentHashMap<TenantId, Entry> entries = new ConcurrentHashMap<>();
  private final QuantumIndex index;
  private final RecentHotCopies recent;
  private final TieredReports reports;
  private final Announcements announcements;
  private final Scheduler cpu;
  /** Where versions are made while requests are answered from the one before; null: in line. */
  private final BackgroundWork work;
  private final QueryProperties props;
  private final MeterRegistry meters;
  /** Distinguishes this replica's window versions from another run's in identities. */
  private final String epoch = UUID.randomUUID().toString().substring(0, 8);
  private Disposable ticker;

  public LiveWindows(QuantumIndex index, RecentHotCopies recent, TieredReports reports, Announcements announcements,
      Scheduler cpu, BackgroundWork work, QueryProperties props, MeterRegistry meters) {
    this.work = work;
    this.index = index;
    this.recent = recent;
    this.reports = reports;
    this.announcements = announcements;
    this.cpu = cpu;
    this.props = props;
    this.meters = meters;
    Gauge.builder("scopeline.query.live.windows", entries, Map::size)
        .description("tenants with a live window on this replica").register(meters);
  }

  /** Starts following announcements and the reconcile ticker. */
  public void start() {
    announcements.start(this::apply, 16);
    // A slow reconcile (a store timing out) must not hold up the others: due windows are taken
    // each second and reconciled up to 16 at a time, each bounded by RECONCILE_TIMEOUT.
    ticker = Flux.interval(Duration.ofSeconds(1), Duration.ofSeconds(1))
        .onBackpressureDrop()
        .concatMapIterable(t -> due())
        .flatMap(e -> reconcileOnce(e).onErrorResume(x -> Mono.empty()), 16)
        .subscribe(v -> { }, e -> log.error("Live window housekeeping stopped", e));
  }

  /**
   * The tenant's live window for an answer: the newest version made, while a newer one (if any) is
   * made in the background — unless that version is older than {@link #servedAgeNanos}, then the
   * newest is made first. A large tenant's version takes a merge of its whole window (~0.1–0.3 s
   * at 1 000 hosts); this keeps it off the path of requests.
   */
  @Override
  public Mono<Window> live(TenantId tenant) {
    return live(tenant, false);
  }

  /** As {@link #live(TenantId)}, but always the newest version (made first if need be): for frame ticks. */
  public Mono<Window> fresh(TenantId tenant) {
    return live(tenant, true);
  }

  private Mono<Window> live(TenantId tenant, boolean fresh) {
    Entry e = entries.computeIfAbsent(tenant, Entry::new);
    e.lastUsedMillis = System.currentTimeMillis();
    Mono<Void> ready = e.firstLoad;
    long sinceAttempt = System.currentTimeMillis() - e.lastAttemptMillis;
    if (e.lastError != null ? sinceAttempt >= MIN_RETRY_MILLIS : sinceAttempt >= 2 * reconcileIntervalMillis()) {
      // Overdue (nobody read it for a while; windows in use are reconciled in the background) or
      // the stores failed last time: reconcile before answering, shared by concurrent requests;
      // after a failure at most once a second.
      ready = ready.then(reconcileOnce(e).onErrorResume(x -> Mono.empty()));
    }
    boolean[] loaded = {false};
    return ready.doOnSuccess(v -> loaded[0] = true)
        .then(Mono.fromCallable(() -> window(e, fresh)).subscribeOn(cpu))
        // Every step above is bounded (a reconcile by RECONCILE_TIMEOUT): one that still has not
        // answered is a fault of this replica; say which step, rather than hold the request.
        .timeout(ANSWER_DEADLINE, Mono.defer(() -> {
          String stage = loaded[0] ? "making its window version" : "loading it from the stores";
          log.warn("Live window of {} not ready within {} s ({}; reconcile in flight: {})", tenant,
              ANSWER_DEADLINE.toSeconds(), stage, e.reconciling.get() != null);
          meters.counter("scopeline.query.window.deadline").increment();
          return Mono.error(new WindowReader.StoreUnavailableException("the live window was not ready within "
              + ANSWER_DEADLINE.toSeconds() + " s (" + stage + ")", null));
        }));
  }

  /**
   * Emits when a shortcut report of {@code tenant} has joined its window and a new version of it
   * can be had (after {@code live-min-version-interval}; a burst is one signal), so watchers
   * re-render at once rather than at their next tick.
   */
  public Flux<Long> shortcuts(TenantId tenant) {
    Duration settle = props.liveMinVersionInterval();
    return entries.computeIfAbsent(tenant, Entry::new).shortcuts.asFlux()
        .onBackpressureLatest()
        .concatMap(at -> Mono.just(at).delayElement(settle), 1);
  }

  /** How old a version may be and still answer while its successor is made: a few version intervals. */
  private long servedAgeNanos() {
    return 3 * props.liveMinVersionInterval().toNanos();
  }

  private Window window(Entry e, boolean fresh) {
    long now = System.currentTimeMillis();
    Throwable error = e.lastError;
    Duration staleFor = Duration.ZERO;
    if (error != null) {
      if (e.lastGoodMillis == 0) {
        meters.counter("scopeline.query.window.unavailable").increment();
        throw new StoreUnavailableException("reports unavailable (" + WindowReader.rootMessage(error) + ")", error);
      }
      Duration age = Duration.ofMillis(Math.max(1, now - e.lastGoodMillis));
      if (age.compareTo(props.maxStaleness()) > 0) {
        meters.counter("scopeline.query.window.unavailable").increment();
        throw new StoreUnavailableException("reports unavailable (" + WindowReader.rootMessage(error)
            + "); the last good window is " + age.toSeconds() + " s old, beyond " + props.maxStaleness().toSeconds()
            + " s", error);
      }
      meters.counter("scopeline.query.window.stale").increment();
      staleFor = age;
    }
    long nowNanos = nowNanos();
    LiveWindow live = e.window;
    LiveWindow.Version v = live.latest();
    if (v == null || live.outdated(nowNanos)
        && (fresh || work == null || nowNanos - live.latestMadeAtNanos() > servedAgeNanos())) {
      v = live.current(nowNanos);
    } else if (live.outdated(nowNanos) && live.mayRenew(nowNanos) && e.renewing.compareAndSet(false, true)) {
      boolean queued = work.submit(() -> {
        try {
          live.current(nowNanos());
        } finally {
          e.renewing.set(false);
        }
      });
      if (!queued) {
        e.renewing.set(false);
      }
    }
    return new Window(v.report(), staleFor, v.identity(), v.renders());
  }

  private Mono<Void> reconcileOnce(Entry e) {
    Mono<Void> running = e.reconciling.get();
    if (running != null) {
      return running;
    }
    Mono<Void> attempt = Mono.defer(() -> reconcile(e)).doFinally(s -> e.reconciling.set(null)).cache();
    if (e.reconciling.compareAndSet(null, attempt)) {
      return attempt;
    }
    Mono<Void> other = e.reconciling.get();
    return other == null ? Mono.empty() : other;
  }

  /**
   * Reads the index and the recent hot copies for the window and loads what is missing. Indexed
   * quanta must load (else the reconcile fails and the window turns stale); recent hot copies are
   * a bonus.
   */
  private Mono<Void> reconcile(Entry e) {
    TenantId tenant = e.window.tenant();
    long now = nowNanos();
    long from = now - props.window().toNanos();
    e.lastAttemptMillis = System.currentTimeMillis();
    return Mono.zip(index.objectKeys(tenant, from, now), recent.keys(tenant, from, now))
        .flatMap(keys -> Flux.fromIterable(keys.getT1())
            .flatMap(k -> load(e, k, atOf(k), true), props.fetchConcurrency())
            .thenMany(Flux.fromIterable(keys.getT2())
                .flatMap(k -> load(e, k, atOf(k), false), props.fetchConcurrency()))
            .then())
        .timeout(RECONCILE_TIMEOUT)
        .doOnSuccess(v -> {
          e.lastGoodMillis = System.currentTimeMillis();
          if (e.lastError != null) {
            log.info("Live window of {} is fresh again", tenant);
          }
          e.lastError = null;
        })
        .doOnError(x -> {
          if (e.lastError == null) {
            log.warn("Live window of {} could not be reconciled, serving it stale: {}", tenant,
                WindowReader.rootMessage(x));
          }
          e.lastError = x;
        });
  }

  private static long atOf(String objectKey) {
    return StorageKeys.isShortcutKey(objectKey) ? StorageKeys.shortcutTimeOfObjectKey(objectKey)
        : StorageKeys.quantumStartOfObjectKey(objectKey);
  }

  /** Loads one object into the window unless it is there already (or being loaded). */
  private Mono<Void> load(Entry e, String objectKey, long atNanos, boolean required) {
    if (atNanos < 0 || !e.window.claim(objectKey, atNanos, nowNanos())) {
      return Mono.empty();
    }
    boolean shortcut = StorageKeys.isShortcutKey(objectKey);
    Mono<Void> loaded = reports.get(e.window.tenant(), objectKey)
        .publishOn(cpu)
        .doOnNext(r -> {
          if (shortcut) {
            e.window.addShortcut(objectKey, atNanos, r);
            // One emitter at a time: loads finish on several CPU threads, and a push lost to
            // FAIL_NON_SERIALIZED would wait for the next tick.
            synchronized (e.shortcuts) {
              e.shortcuts.tryEmitNext(atNanos);
            }
          } else {
            e.window.addSegment(objectKey, atNanos, r);
          }
        })
        .doOnError(x -> e.window.release(objectKey))
        .then();
    return required ? loaded : loaded.onErrorResume(x -> Mono.empty());
  }

  /** Applies an announcement to the tenant's window, if this replica has one. */
  private Mono<Void> apply(TenantId tenant, Announcement a) {
    Entry e = entries.get(tenant);
    if (e == null) {
      return Mono.empty();
    }
    meters.counter("scopeline.query.live.announcements", "type", a.type()).increment();
    return load(e, a.objectKey(), a.atNanos(), false);
  }

  /**
   * Once a second: forget idle tenants, and reconcile the windows in use that are due — every
   * {@code reconcile-interval}, every quantum while announcements are not arriving, every second
   * while the stores fail.
   */
  private List<Entry> due() {
    long now = System.currentTimeMillis();
    long idle = props.liveIdleTimeout().toMillis();
    entries.values().removeIf(e -> now - e.lastUsedMillis > idle && e.shortcuts.currentSubscriberCount() == 0);
    long interval = reconcileIntervalMillis();
    // Only windows in use: one read again after a pause is reconciled on that read.
    return entries.values().stream()
        .filter(e -> e.reconciling.get() == null)
        .filter(e -> now - e.lastUsedMillis < interval || e.shortcuts.currentSubscriberCount() > 0)
        .filter(e -> now - e.lastAttemptMillis >= (e.lastError != null ? MIN_RETRY_MILLIS : interval))
        .toList();
  }

  private long reconcileIntervalMillis() {
    long interval = props.reconcileInterval().toMillis();
    return announcements.connected() ? interval : Math.min(interval, 3_000);
  }

  private static long nowNanos() {
    return System.currentTimeMillis() * 1_000_000L;
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.dispose();
    }
    announcements.close();
  }
}
