package io.scopeline.query.live;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.query.read.WindowReader.Window;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Stale-while-revalidate for live topology answers: while the newest version of a window has not
 * been rendered for a view yet, requests get that view's last rendered body at once (one version
 * behind, a few hundred milliseconds) and the newest is rendered once, in the background. Only a
 * view's very first request waits for its render. On a large tenant a render takes longer than a
 * window version lasts, so without this nearly every request would wait for one.
 */
public final class LatestBodies {
  private record Rendered(String identity, Optional<EncodedBody> body) {}

  /** A view's newest body and the version being rendered for it, if any. */
  private static final class View {
    final AtomicReference<Rendered> latest = new AtomicReference<>();
    final AtomicReference<String> rendering = new AtomicReference<>();
    /** Whether any client of this view accepted gzip: its next versions are gzipped as they render. */
    volatile boolean gzipWanted;
  }

  private final Cache<String, View> views = Caffeine.newBuilder().maximumSize(50_000)
      .expireAfterAccess(Duration.ofMinutes(2)).build();
  private final Counter stale;
  private final Counter background;
  /** Where newer versions render; null: every version renders in line. */
  private final BackgroundWork work;

  public LatestBodies(MeterRegistry meters, BackgroundWork work) {
    this.work = work;
    this.stale = Counter.builder("scopeline.query.render.stale")
        .description("live answers given from the previous version while the newest renders").register(meters);
    this.background = Counter.builder("scopeline.query.render.background")
        .description("live view renders done in the background").register(meters);
  }

  /**
   * The body of {@code view} (topology, options, censoring) of live window {@code w}: rendered now
   * if the view has no body yet, else the newest rendered one (and the render of {@code w} is
   * queued if it is newer). With {@code gzip} (the client accepts it) the body's gzip is made in
   * the background if it is not made yet, and so are those of the view's later versions.
   */
  public Optional<EncodedBody> body(String view, Window w, Supplier<Optional<byte[]>> render, boolean gzip) {
    return body(views.get(LiveWindow.lineage(w.identity()) + "\n" + view, k -> new View()), w, render, gzip);
  }

  private Optional<EncodedBody> body(View view, Window w, Supplier<Optional<byte[]>> render, boolean gzip) {
    if (gzip) {
      view.gzipWanted = true;
    }
    Rendered r = view.latest.get();
    if (r != null && r.identity().equals(w.identity())) {
      return gzipLater(r.body(), gzip);
    }
    if (r == null || work == null) {
      Optional<EncodedBody> body = render.get().map(EncodedBody::new);
      view.latest.set(new Rendered(w.identity(), body));
      return gzipLater(body, gzip);
    }
    String identity = w.identity();
    String pending = view.rendering.get();
    if (!identity.equals(pending) && view.rendering.compareAndSet(pending, identity)) {
      boolean queued = work.submit(() -> {
        if (!identity.equals(view.rendering.get())) {
          return; // a newer version is queued behind this one
        }
        background.increment();
        Optional<EncodedBody> body = render.get().map(EncodedBody::new);
        if (view.gzipWanted) {
          body.filter(EncodedBody::claimGzip).ifPresent(EncodedBody::makeGzip);
        }
        view.latest.set(new Rendered(identity, body));
        view.rendering.compareAndSet(identity, null);
      });
      if (!queued) {
        view.rendering.compareAndSet(identity, null);
      }
    }
    stale.increment();
    return gzipLater(r.body(), gzip);
  }

  private Optional<EncodedBody> gzipLater(Optional<EncodedBody> body, boolean gzip) {
    if (gzip && body.isPresent() && body.get().claimGzip()) {
      EncodedBody b = body.get();
      if (work == null || !work.submit(b::makeGzip)) {
        b.makeGzip();
      }
    }
    return body;
  }

}
