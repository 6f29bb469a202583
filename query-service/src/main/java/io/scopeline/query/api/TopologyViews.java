package io.scopeline.query.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.scopeline.render.Censor;
import io.scopeline.render.Views;
import java.time.Duration;

/**
 * Renderings shared between requests and WebSocket clients: one {@link Views} per (window identity,
 * censoring), which itself renders each (topology, options) once. Everyone watching the same window
 * therefore shares one render per tick.
 */
public final class TopologyViews {
  private final Cache<String, Views> cache =
      Caffeine.newBuilder().maximumSize(512).expireAfterAccess(Duration.ofMinutes(1)).build();

  public Views of(WindowReader.Window window, boolean hideArguments, boolean hideEnvironment) {
    String key = window.identity() + (hideArguments ? "|a" : "|") + (hideEnvironment ? "e" : "");
    return cache.get(key, k -> new Views(Censor.apply(window.report(), hideArguments, hideEnvironment)));
  }
}
