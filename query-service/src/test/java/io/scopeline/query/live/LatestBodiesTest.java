package io.scopeline.query.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopeline.model.Report;
import io.scopeline.query.read.WindowReader.Window;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/** A live view answers at once from its previous version while the newest renders once in the background. */
class LatestBodiesTest {
  private static Window version(int n) {
    return new Window(Report.EMPTY, Duration.ZERO, "org-1@abcdef12-" + n, new java.util.concurrent.ConcurrentHashMap<>());
  }

  private static Optional<byte[]> body(String s) {
    return Optional.of(s.getBytes());
  }

  private static String text(Optional<EncodedBody> body) {
    return new String(body.orElseThrow().json());
  }

  private static String gunzip(byte[] gzip) throws Exception {
    try (var in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return new String(in.readAllBytes());
    }
  }

  @Test
  void onceAClientAcceptsGzipTheViewsBodiesAreGzippedOnceInTheBackground() throws Exception {
    LatestBodies bodies = new LatestBodies(new SimpleMeterRegistry(), new BackgroundWork(Schedulers.immediate()));
    String big = "x".repeat(EncodedBody.GZIP_MIN_BYTES);
    // A client without gzip: nothing is compressed.
    EncodedBody first = bodies.body("hosts", version(1), () -> body(big + 1), false).orElseThrow();
    assertThat(first.gzipIfMade()).isNull();
    // A client with gzip: this version's gzip is made (behind the answer), once.
    bodies.body("hosts", version(1), () -> body("unused"), true);
    byte[] gzip = first.gzipIfMade();
    assertThat(gunzip(gzip)).isEqualTo(big + 1);
    bodies.body("hosts", version(1), () -> body("unused"), true);
    assertThat(first.gzipIfMade()).isSameAs(gzip);
    // Later versions are gzipped as they render, before any client asks.
    bodies.body("hosts", version(2), () -> body(big + 2), false);
    EncodedBody second = bodies.body("hosts", version(2), () -> body("unused"), false).orElseThrow();
    assertThat(gunzip(second.gzipIfMade())).isEqualTo(big + 2);
    // A small body is never compressed.
    EncodedBody small = bodies.body("pods", version(2), () -> body("{}"), true).orElseThrow();
    assertThat(small.worthCompressing()).isFalse();
    assertThat(small.gzipIfMade()).isNull();
  }

  @Test
  void onlyTheFirstRequestOfAViewWaitsForARender() {
    // Background renders run at once, in order.
    LatestBodies bodies = new LatestBodies(new SimpleMeterRegistry(), new BackgroundWork(Schedulers.immediate()));
    AtomicInteger renders = new AtomicInteger();
    assertThat(text(bodies.body("hosts", version(1), () -> {
      renders.incrementAndGet();
      return body("v1");
    }, false))).isEqualTo("v1");
    // Version 2 is not rendered yet: the answer is version 1's, and version 2 renders behind it.
    assertThat(text(bodies.body("hosts", version(2), () -> {
      renders.incrementAndGet();
      return body("v2");
    }, false))).isEqualTo("v1");
    assertThat(text(bodies.body("hosts", version(2), () -> {
      throw new AssertionError("rendered already");
    }, false))).isEqualTo("v2");
    assertThat(renders.get()).isEqualTo(2);
    // Another view, and another tenant's window, have their own bodies.
    assertThat(text(bodies.body("pods", version(2), () -> body("pods"), false))).isEqualTo("pods");
    Window other = new Window(Report.EMPTY, Duration.ZERO, "org-2@abcdef12-2", new java.util.concurrent.ConcurrentHashMap<>());
    assertThat(text(bodies.body("hosts", other, () -> body("other"), false))).isEqualTo("other");
  }
}
