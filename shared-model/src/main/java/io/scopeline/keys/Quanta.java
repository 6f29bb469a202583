package io.scopeline.keys;

import java.time.Duration;

/** Fixed time quanta aligned to multiples of their length since the Unix epoch (Scope uses 3 s). */
public record Quanta(long lengthNanos) {
  public static final Quanta SCOPE_DEFAULT = of(Duration.ofSeconds(3));

  public Quanta {
    if (lengthNanos <= 0) {
      throw new IllegalArgumentException("quantum length must be positive");
    }
  }

  public static Quanta of(Duration length) {
    return new Quanta(length.toNanos());
  }

  /** Start of the quantum holding {@code epochNanos}. */
  public long startOf(long epochNanos) {
    return Math.floorDiv(epochNanos, lengthNanos) * lengthNanos;
  }

  /** End (exclusive) of the quantum holding {@code epochNanos}. */
  public long endOf(long epochNanos) {
    return startOf(epochNanos) + lengthNanos;
  }
}
