package io.scopeline.query.live;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.scopeline.query.read.WindowReader;
import io.scopeline.render.Censor;
import io.scopeline.render.Views;
import java.time.Duration;

/**
 * Renderings shared between requests and WebSocket clients: one {@link Views} per (window,
 * censoring), which itself renders and encodes each (topology, options) once. A live window keeps
 * its renderings itself (they go when it changes); past windows' are cached by identity here.
 */
public final class TopologyViews {
  private final Cache<String, Views> past;

  public TopologyViews(long maxNodes) {
    this.past = Caffeine.newBuilder().maximumWeight(maxNodes)
        .weigher((String k, Views v) -> 1 + v.report().nodeCount())
        .expireAfterAccess(Duration.ofMinutes(1)).build();
  }

  public Views of(WindowReader.Window window, boolean hideArguments, boolean hideEnvironment) {
    String censoring = (hideArguments ? "a" : "") + (hideEnvironment ? "e" : "");
    if (window.renders() != null) {
      return window.renders().computeIfAbsent(censoring,
          k -> new Views(Censor.forViews(window.report(), hideArguments, hideEnvironment)));
    }
    return past.get(window.identity() + "|" + censoring,
        k -> new Views(Censor.forViews(window.report(), hideArguments, hideEnvironment)));
  }
}
