package io.scopeline.query.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopeline.model.Report;
import io.scopeline.query.read.WindowReader.Window;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
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

  @Test
  void onlyTheFirstRequestOfAViewWaitsForARender() {
    LatestBodies bodies = new LatestBodies(new SimpleMeterRegistry());
    bodies.start(Schedulers.immediate()); // background renders run at once, in order
    AtomicInteger renders = new AtomicInteger();
    assertThat(new String(bodies.body("hosts", version(1), () -> {
      renders.incrementAndGet();
      return body("v1");
    }).orElseThrow())).isEqualTo("v1");
    // Version 2 is not rendered yet: the answer is version 1's, and version 2 renders behind it.
    assertThat(new String(bodies.body("hosts", version(2), () -> {
      renders.incrementAndGet();
      return body("v2");
    }).orElseThrow())).isEqualTo("v1");
    assertThat(new String(bodies.body("hosts", version(2), () -> {
      throw new AssertionError("rendered already");
    }).orElseThrow())).isEqualTo("v2");
    assertThat(renders.get()).isEqualTo(2);
    // Another view, and another tenant's window, have their own bodies.
    assertThat(new String(bodies.body("pods", version(2), () -> body("pods")).orElseThrow())).isEqualTo("pods");
    Window other = new Window(Report.EMPTY, Duration.ZERO, "org-2@abcdef12-2", new java.util.concurrent.ConcurrentHashMap<>());
    assertThat(new String(bodies.body("hosts", other, () -> body("other")).orElseThrow())).isEqualTo("other");
    bodies.close();
  }
}
