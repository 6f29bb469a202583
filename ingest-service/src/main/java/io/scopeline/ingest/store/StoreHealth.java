package io.scopeline.ingest.store;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether writes to S3 and DynamoDB are going through now. While one keeps failing, persistence
 * waits (and with it offset commits and consumption), which is safe but worth seeing: health
 * turns DEGRADED with the store, for how long, and the last error. Not part of readiness — the
 * probe bridge still accepts reports into Kafka, where nothing is lost.
 */
public final class StoreHealth implements HealthIndicator {
  private static final class State {
    volatile long lastSuccessNanos;
    volatile long failingSinceNanos;
    volatile String lastError = "";
    volatile long failures;
    final FailureStreak streak;

    State(String store) {
      streak = new FailureStreak(Map.of("s3", "S3", "dynamodb", "DynamoDB").getOrDefault(store, store) + " writes",
          "persistence waits and retries, offset commits and consumption pause, nothing is lost");
    }
  }

  private final Map<String, State> stores = new ConcurrentHashMap<>();
  private final Duration tolerance;

  /** {@code tolerance}: failing for less than this (a retried blip) still counts as healthy. */
  public StoreHealth(Duration tolerance) {
    this.tolerance = tolerance;
  }

  private State state(String store) {
    return stores.computeIfAbsent(store, State::new);
  }

  public void success(String store) {
    State s = state(store);
    s.lastSuccessNanos = System.nanoTime();
    s.failingSinceNanos = 0;
    s.streak.success();
  }

  public void failure(String store, Throwable error) {
    State s = state(store);
    if (s.failingSinceNanos == 0) {
      s.failingSinceNanos = System.nanoTime();
    }
    s.failures++;
    s.lastError = FailureStreak.describe(error);
    s.streak.failure(error);
  }

  @Override
  public Health health() {
    long now = System.nanoTime();
    Map<String, Object> details = new LinkedHashMap<>();
    boolean degraded = false;
    for (Map.Entry<String, State> e : new java.util.TreeMap<>(stores).entrySet()) {
      State s = e.getValue();
      long since = s.failingSinceNanos;
      if (since != 0 && now - since >= tolerance.toNanos()) {
        degraded = true;
        details.put(e.getKey(), "writes failing for " + Duration.ofNanos(now - since).toSeconds() + " s ("
            + s.failures + " failed attempts; last: " + s.lastError + "); persistence waits and consumption pauses,"
            + " nothing is lost");
      } else {
        details.put(e.getKey(), s.lastSuccessNanos == 0 ? "no writes yet" : "ok");
      }
    }
    return (degraded ? Health.status("DEGRADED") : Health.up()).withDetails(details).build();
  }
}
