package io.scopeline.query.live;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.scopeline.query.read.WindowReader;
import io.scopeline.render.Censoring;
import io.scopeline.render.Views;
import java.time.Duration;

/**
 * Renderings shared between requests and WebSocket clients: one {@link Views} per (window,
 * {@link Censoring}), which itself renders and encodes each (topology, options) once. A live window keeps
 * its renderings itself (they go when it changes); past windows' are cached by identity here.
 */
public final class TopologyViews {
  private final Cache<String, Views> past;

  public TopologyViews(long maxNodes) {
    this.past = Caffeine.newBuilder().maximumWeight(maxNodes)
        .weigher((String k, Views v) -> 1 + v.report().nodeCount())
        .expireAfterAccess(Duration.ofMinutes(1)).build();
  }

  public Views of(WindowReader.Window window, Censoring censoring) {
    if (window.renders() != null) {
      return window.renders().computeIfAbsent(censoring.key(), k -> new Views(censoring.forViews(window.report())));
    }
    return past.get(window.identity() + "|" + censoring.key(), k -> new Views(censoring.forViews(window.report())));
  }
}
