package io.scopeline.query.live;

import io.scopeline.keys.SegmentRange;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.ReportAccumulator;
import io.scopeline.model.SlidingMerge;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One tenant's live window on this replica, kept up to date incrementally: segments and shortcut
 * reports are added as they are announced (or found by a reconcile), quanta leave when they fall
 * out of the window, and the merged report is updated with a {@link SlidingMerge} instead of being
 * merged again from all its quanta. Each change makes a new {@link Version}; renders are cached
 * per version. Thread-safe (every method synchronises on the window; merges are short).
 */
final class LiveWindow {
  /**
   * A state of the window: its number, merged report, identity (for caches) and its renderings by
   * censoring, which are dropped with it.
   */
  record Version(long number, Report report, String identity, Map<String, io.scopeline.render.Views> renders) {}

  private record Shortcut(long atNanos, Report report) {}

  private final TenantId tenant;
  private final long windowNanos;
  private final String epoch;
  private final long minVersionNanos;
  /** Segment reports by quantum start, then by object key. */
  private final TreeMap<Long, Map<String, Report>> quanta = new TreeMap<>();
  private final Map<String, Shortcut> shortcuts = new java.util.HashMap<>();
  /** Keys held or being fetched, so an announcement and a reconcile do not both load one key. */
  private final Set<String> known = new HashSet<>();
  private SlidingMerge<Report> sliding = new SlidingMerge<>(Report::merge, Report.EMPTY);
  private boolean rebuild;
  /** Volatile so that {@link #outdated} can be asked without the lock. */
  private volatile long changes;
  /** After this, the first quantum or shortcut report of {@link #version} has left the window. */
  private volatile long nextExpiryNanos = Long.MAX_VALUE;
  /** The newest version made; read without the lock by {@link #latest}. */
  private volatile Version version;
  private volatile long versionMadeAtNanos;

  /**
   * {@code minVersionNanos}: changes closer together than this are shown together in the next
   * version, so a burst of shortcut reports costs one render of each view, not one per report.
   */
  LiveWindow(TenantId tenant, long windowNanos, String epoch, long minVersionNanos) {
    this.tenant = tenant;
    this.windowNanos = windowNanos;
    this.epoch = epoch;
    this.minVersionNanos = minVersionNanos;
  }

  TenantId tenant() {
    return tenant;
  }

  /** Claims a key for loading; false when it is already held or being loaded, or too old to matter. */
  synchronized boolean claim(String objectKey, long atNanos, long nowNanos) {
    if (atNanos < nowNanos - windowNanos) {
      return false;
    }
    return known.add(objectKey);
  }

  /** Gives up a claimed key whose load failed, so the next reconcile tries again. */
  synchronized void release(String objectKey) {
    if (!quanta.values().stream().anyMatch(m -> m.containsKey(objectKey)) && !shortcuts.containsKey(objectKey)) {
      known.remove(objectKey);
    }
  }

  /** Adds a loaded segment of the quantum starting at {@code quantumStart}. */
  synchronized void addSegment(String objectKey, long quantumStart, Report report) {
    Map<String, Report> segments = quanta.computeIfAbsent(quantumStart, q -> new java.util.LinkedHashMap<>());
    if (segments.containsKey(objectKey)) {
      return;
    }
    known.add(objectKey);
    SegmentRange range = SegmentRange.of(objectKey);
    if (range != null) {
      // Two cuts of the same records (a replay after a crash): only the one holding more counts.
      for (String other : segments.keySet()) {
        SegmentRange o = SegmentRange.of(other);
        if (o != null && range.within(o)) {
          return;
        }
      }
      if (segments.keySet().removeIf(other -> {
        SegmentRange o = SegmentRange.of(other);
        return o != null && o.within(range);
      })) {
        rebuild = true;
      }
    }
    segments.put(objectKey, report);
    if (segments.size() == 1 && !rebuild && sliding.canPush(quantumStart)) {
      sliding.push(quantumStart, report);
    } else {
      // A second segment of a quantum, or one older than the newest: rare, so merge again.
      rebuild = true;
    }
    changes++;
  }

  /** Adds a loaded shortcut report that arrived at {@code atNanos}. */
  synchronized void addShortcut(String objectKey, long atNanos, Report report) {
    if (shortcuts.putIfAbsent(objectKey, new Shortcut(atNanos, report)) == null) {
      known.add(objectKey);
      changes++;
    }
  }

  /**
   * The window ending at {@code nowNanos}: quanta starting in [now − window, now], plus shortcut
   * reports newer than the newest quantum. The same object is returned while nothing changed, and
   * for {@code minVersionNanos} after it was made.
   */
  synchronized Version current(long nowNanos) {
    if (version != null && nowNanos - versionMadeAtNanos < minVersionNanos) {
      return version;
    }
    expire(nowNanos - windowNanos);
    if (rebuild) {
      sliding = new SlidingMerge<>(Report::merge, Report.EMPTY);
      quanta.forEach((q, segments) -> sliding.push(q, mergeInOrder(segments.values())));
      rebuild = false;
    }
    if (version == null || version.number() != changes) {
      version = new Version(changes, merged(), tenant.value() + "@" + epoch + "-" + changes,
          new java.util.concurrent.ConcurrentHashMap<>());
      versionMadeAtNanos = nowNanos;
      long first = quanta.isEmpty() ? Long.MAX_VALUE : quanta.firstKey();
      for (Shortcut sc : shortcuts.values()) {
        first = Math.min(first, sc.atNanos());
      }
      nextExpiryNanos = first == Long.MAX_VALUE ? Long.MAX_VALUE : first + windowNanos;
    }
    return version;
  }

  /**
   * Whether {@link #current} at {@code nowNanos} would make a new version: something was added, or
   * something leaves the window. Asked without the lock, so it may lag a change by a moment.
   */
  boolean outdated(long nowNanos) {
    Version v = version;
    return v == null || v.number() != changes || nowNanos > nextExpiryNanos;
  }

  /** Whether a new version may be made at {@code nowNanos} ({@code live-min-version-interval} has passed). */
  boolean mayRenew(long nowNanos) {
    return nowNanos - versionMadeAtNanos >= minVersionNanos;
  }

  /** The newest version made so far (null before the first), without waiting for a newer one. */
  Version latest() {
    return version;
  }

  /** When {@link #latest} was made (the wall-clock nanoseconds {@link #current} was given). */
  long latestMadeAtNanos() {
    return versionMadeAtNanos;
  }

  /** What the identities of one window's versions share: everything but the version number. */
  static String lineage(String identity) {
    int dash = identity.lastIndexOf('-');
    return dash < 0 ? identity : identity.substring(0, dash);
  }

  /** Quanta and shortcut reports held (for tests and metrics). */
  synchronized int size() {
    return sliding.size() + shortcuts.size();
  }

  private void expire(long from) {
    boolean dropped = false;
    while (!quanta.isEmpty() && quanta.firstKey() < from) {
      known.removeAll(quanta.pollFirstEntry().getValue().keySet());
      dropped = true;
    }
    if (sliding.dropBefore(from) > 0) {
      dropped = true;
    }
    for (Iterator<Map.Entry<String, Shortcut>> it = shortcuts.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Shortcut> e = it.next();
      if (e.getValue().atNanos() < from) {
        known.remove(e.getKey());
        it.remove();
        dropped = true;
      }
    }
    if (dropped) {
      changes++;
    }
  }

  private Report merged() {
    // Shortcut reports are small and, on a big tenant, many (every container start or stop);
    // folding each into the window would copy the whole window per report.
    ReportAccumulator window = new ReportAccumulator(Report.withDefaults());
    window.add(sliding.value());
    long newestQuantum = quanta.isEmpty() ? -1 : quanta.lastKey();
    List<Shortcut> newer = new ArrayList<>();
    for (Shortcut s : shortcuts.values()) {
      if (s.atNanos() > newestQuantum) {
        newer.add(s);
      }
    }
    newer.sort(java.util.Comparator.comparingLong(Shortcut::atNanos));
    for (Shortcut s : newer) {
      window.add(s.report());
    }
    return window.build().withId(Long.toHexString(mix(epoch.hashCode() * 31L + changes)));
  }

  private static Report mergeInOrder(java.util.Collection<Report> reports) {
    Report out = null;
    for (Report r : reports) {
      out = out == null ? r : out.merge(r);
    }
    return out == null ? Report.EMPTY : out;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    return z ^ (z >>> 33);
  }
}
