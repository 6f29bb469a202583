package io.scopeline.ingest.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopeline.ingest.config.ChangeProperties;
import io.scopeline.keys.ChangeEvent;
import io.scopeline.keys.TenantId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Shutting down delivers what is queued to a slow receiver, and gives up on one that never answers. */
class WebhooksTest {
  private static final TenantId TENANT = TenantId.of("hooks");

  private static ChangeProperties props(int port, String drain) {
    return new Binder(new MapConfigurationPropertySource(Map.of(
        "scopeline.changes.webhook-drain-timeout", drain,
        "scopeline.changes.webhooks[0].url", "http://127.0.0.1:" + port + "/hook",
        "scopeline.changes.webhooks[0].secret", "a-secret-of-some-length")))
        .bindOrCreate("scopeline.changes", ChangeProperties.class);
  }

  private static List<ChangeEvent> event(int i) {
    return List.of(ChangeEvent.of(TENANT, ChangeEvent.NODE_APPEARED, "containers", "c" + i, "c" + i, null, null,
        "2026-12-07T00:00:00Z"));
  }

  /** A receiver taking {@code delayMillis} per delivery; {@code hold} open: it never answers. */
  private static HttpServer receiver(AtomicInteger received, long delayMillis, CountDownLatch hold) throws Exception {
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.setExecutor(Executors.newFixedThreadPool(8));
    hook.createContext("/hook", exchange -> {
      exchange.getRequestBody().readAllBytes();
      try {
        Thread.sleep(delayMillis);
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      received.incrementAndGet();
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    hook.start();
    return hook;
  }

  @Test
  void deliveriesQueuedAtShutdownAreMadeBeforeItEnds() throws Exception {
    AtomicInteger received = new AtomicInteger();
    HttpServer hook = receiver(received, 200, new CountDownLatch(0));
    try {
      Webhooks webhooks = new Webhooks(props(hook.getAddress().getPort(), "30s"), new SimpleMeterRegistry(),
          Duration.ofMillis(100));
      webhooks.start();
      for (int i = 0; i < 12; i++) {
        webhooks.send(TENANT.value(), event(i));
      }
      assertThat(webhooks.pending()).as("a slow receiver: most are still queued").isGreaterThan(4);
      webhooks.close();
      assertThat(received).hasValue(12);
      assertThat(webhooks.pending()).isZero();
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void aReceiverThatNeverAnswersHoldsShutdownOnlyForTheDrainTimeout() throws Exception {
    AtomicInteger received = new AtomicInteger();
    CountDownLatch never = new CountDownLatch(1);
    HttpServer hook = receiver(received, 0, never);
    try {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      Webhooks webhooks = new Webhooks(props(hook.getAddress().getPort(), "1s"), meters, Duration.ofMillis(100));
      webhooks.start();
      for (int i = 0; i < 6; i++) {
        webhooks.send(TENANT.value(), event(i));
      }
      // Returns (after the 1 s drain timeout) rather than waiting on the receiver.
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), webhooks::close);
      assertThat(received).hasValue(0);
      assertThat(meters.counter("scopeline.changes.webhooks.dropped").count()).isEqualTo(6);
      webhooks.send(TENANT.value(), event(7));
      assertThat(meters.counter("scopeline.changes.webhooks.dropped").count()).as("nothing is taken once stopped")
          .isEqualTo(7);
    } finally {
      never.countDown();
      hook.stop(0);
    }
  }
}
