package io.scopeline.model;

/** How many of the observed events a probe sampled; merged by summing. */
public record Sampling(long count, long total) {
  public static final Sampling NONE = new Sampling(0, 0);

  public Sampling merge(Sampling other) {
    return new Sampling(count + other.count, total + other.total);
  }
}
