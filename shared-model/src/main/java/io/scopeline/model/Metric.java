package io.scopeline.model;

import java.util.Arrays;

/**
 * A time series of samples with a min and max (Scope's Metric).
 *
 * <p>{@code max} may be a capacity the probe declares (host memory total), not the largest sample,
 * so min and max are carried as given and merged as min-of-mins and max-of-maxes.
 */
public final class Metric {
  public static final Metric EMPTY = new Metric(new long[0], new double[0], 0, 0);

  private final long[] dates;
  private final double[] values;
  private final double min;
  private final double max;

  private Metric(long[] dates, double[] values, double min, double max) {
    this.dates = dates;
    this.values = values;
    this.min = min;
    this.max = max;
  }

  /** A metric from samples in time order (dates in epoch nanos). */
  public static Metric of(long[] dates, double[] values, double min, double max) {
    if (dates.length != values.length) {
      throw new IllegalArgumentException("dates and values differ in length");
    }
    return new Metric(dates.clone(), values.clone(), min, max);
  }

  /** Like {@link #of} but takes ownership of the arrays, which the caller must not change again. */
  public static Metric ofOwned(long[] dates, double[] values, double min, double max) {
    if (dates.length != values.length) {
      throw new IllegalArgumentException("dates and values differ in length");
    }
    return new Metric(dates, values, min, max);
  }

  public int sampleCount() {
    return dates.length;
  }

  public long dateAt(int i) {
    return dates[i];
  }

  public double valueAt(int i) {
    return values[i];
  }

  public double min() {
    return min;
  }

  public double max() {
    return max;
  }

  /**
   * At most one sample per {@code bucketNanos} of time (the last of each bucket, a value the
   * probe really saw), min and max as they were. Doing it twice, or first with a bucket that
   * divides this one, gives the same; so does merging metrics of disjoint buckets before or after.
   */
  public Metric downsampled(long bucketNanos) {
    int kept = 0;
    for (int i = 0; i < dates.length; i++) {
      if (i == dates.length - 1 || Math.floorDiv(dates[i], bucketNanos) != Math.floorDiv(dates[i + 1], bucketNanos)) {
        kept++;
      }
    }
    if (kept == dates.length) {
      return this;
    }
    long[] d = new long[kept];
    double[] v = new double[kept];
    int k = 0;
    for (int i = 0; i < dates.length; i++) {
      if (i == dates.length - 1 || Math.floorDiv(dates[i], bucketNanos) != Math.floorDiv(dates[i + 1], bucketNanos)) {
        d[k] = dates[i];
        v[k++] = values[i];
      }
    }
    return new Metric(d, v, min, max);
  }

  /** The last sample, or null when there is none. */
  public Double lastValue() {
    return values.length == 0 ? null : values[values.length - 1];
  }

  /**
   * Scope's metric merge: a side without samples yields the other unchanged; disjoint ranges concatenate in time
   * order; overlapping ranges interleave with equal dates de-duplicated (this side's sample kept).
   */
  public Metric merge(Metric other) {
    if (other == this || other.dates.length == 0) {
      return this;
    }
    if (dates.length == 0) {
      return other;
    }
    double mn = Math.min(min, other.min);
    double mx = Math.max(max, other.max);
    long[] a = dates;
    long[] b = other.dates;
    if (a[a.length - 1] < b[0]) {
      return concat(this, other, mn, mx);
    }
    if (b[b.length - 1] < a[0]) {
      return concat(other, this, mn, mx);
    }
    long[] d = new long[a.length + b.length];
    double[] v = new double[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) {
        d[k] = a[i];
        v[k++] = values[i++];
      } else if (a[i] > b[j]) {
        d[k] = b[j];
        v[k++] = other.values[j++];
      } else {
        d[k] = a[i];
        v[k++] = values[i++];
        j++;
      }
    }
    while (i < a.length) {
      d[k] = a[i];
      v[k++] = values[i++];
    }
    while (j < b.length) {
      d[k] = b[j];
      v[k++] = other.values[j++];
    }
    if (k == a.length && mn == min && mx == max) {
      return this;
    }
    return new Metric(k == d.length ? d : Arrays.copyOf(d, k), k == v.length ? v : Arrays.copyOf(v, k), mn, mx);
  }

  private static Metric concat(Metric first, Metric second, double mn, double mx) {
    int n = first.dates.length + second.dates.length;
    long[] d = Arrays.copyOf(first.dates, n);
    double[] v = Arrays.copyOf(first.values, n);
    System.arraycopy(second.dates, 0, d, first.dates.length, second.dates.length);
    System.arraycopy(second.values, 0, v, first.values.length, second.values.length);
    return new Metric(d, v, mn, mx);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Metric m && Arrays.equals(dates, m.dates) && Arrays.equals(values, m.values)
        && Double.compare(min, m.min) == 0 && Double.compare(max, m.max) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(dates) + Arrays.hashCode(values)) + Double.hashCode(min) * 7 + Double.hashCode(max);
  }

  @Override
  public String toString() {
    return "Metric{samples=" + dates.length + ", min=" + min + ", max=" + max + "}";
  }
}
