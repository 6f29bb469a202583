package io.scopeline.query.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.scopeline.render.Censor;
import io.scopeline.render.Views;
import io.scopeline.render.JsonOut;
import io.scopeline.render.TopologyDiff;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Renderings shared between requests and WebSocket clients: one {@link Views} per (window identity,
 * censoring), which itself renders each (topology, options) once. Everyone watching the same window
 * therefore shares one render per tick.
 */
public final class TopologyViews {
  private final Cache<String, Views> cache;

  public TopologyViews(long maxNodes) {
    this.cache = Caffeine.newBuilder().maximumWeight(maxNodes)
        .weigher((String k, Views v) -> 1 + v.report().nodeCount())
        .expireAfterAccess(Duration.ofMinutes(1)).build();
  }

  /** Diffs by the rendering they lead to (weak, by identity), then by the rendering they start from. */
  private final Cache<Object, Map<Object, String>> diffs = Caffeine.newBuilder().weakKeys().build();
  private static final Object RESET = new Object();

  /**
   * The JSON diff message from {@code before} to {@code after}. Watchers of one view hold the same
   * rendering objects, so a tick's diff is computed once and shared by all of them.
   */
  public String diff(Map<String, Map<String, Object>> before, Map<String, Map<String, Object>> after, boolean reset) {
    Map<Object, String> byBefore = diffs.get(after, k -> Collections.synchronizedMap(new IdentityHashMap<>()));
    return byBefore.computeIfAbsent(reset ? RESET : before,
        b -> JsonOut.string(TopologyDiff.of(reset ? Map.of() : before, after, reset)));
  }

  public Views of(WindowReader.Window window, boolean hideArguments, boolean hideEnvironment) {
    String key = window.identity() + (hideArguments ? "|a" : "|") + (hideEnvironment ? "e" : "");
    return cache.get(key, k -> new Views(Censor.apply(window.report(), hideArguments, hideEnvironment)));
  }
}
