package io.scopeline.ingest.store;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs an outage of one store once at each end: a WARN at its first failure and an INFO when an
 * operation succeeds again, with how long it lasted and how many attempts failed — not a line
 * per retried write, which would flood the log for as long as the store is away.
 */
public final class FailureStreak {
  private static final Logger log = LoggerFactory.getLogger(FailureStreak.class);

  private final String store;
  private final String consequence;
  private final AtomicLong since = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  /** {@code consequence}: what happens meanwhile, for the operator reading the WARN. */
  public FailureStreak(String store, String consequence) {
    this.store = store;
    this.consequence = consequence;
  }

  public void failure(Throwable error) {
    failures.incrementAndGet();
    if (since.compareAndSet(0, System.nanoTime())) {
      log.warn("{} failing ({}); {}", store, describe(error), consequence);
    }
  }

  public void success() {
    long start = since.getAndSet(0);
    if (start != 0) {
      log.info("{} working again after {} s and {} failed attempts", store,
          Duration.ofNanos(System.nanoTime() - start).toSeconds(), failures.getAndSet(0));
    }
  }

  /** The innermost cause's class and message. */
  static String describe(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
