package io.scopeline.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable map of string keys to timestamped string values, sorted by key (Scope's
 * StringLatestMap).
 *
 * <p>Merge keeps, per key, the entry with the later timestamp. On equal timestamps the greater
 * value wins: Scope's own tie-break depends on the two maps' sizes, while this rule is
 * deterministic and makes merge commutative, so quanta rebuilt from the same reports in any order
 * come out identical. For the usual tie (same value) both rules agree.
 */
public final class LatestMap {
  public static final LatestMap EMPTY = new LatestMap(new String[0], new long[0], new String[0]);

  private final String[] keys;
  private final long[] timestamps;
  private final String[] values;

  private LatestMap(String[] keys, long[] timestamps, String[] values) {
    this.keys = keys;
    this.timestamps = timestamps;
    this.values = values;
  }

  public static Builder builder(int expected) {
    return new Builder(expected);
  }

  public int size() {
    return keys.length;
  }

  public boolean isEmpty() {
    return keys.length == 0;
  }

  public String keyAt(int i) {
    return keys[i];
  }

  public long timestampAt(int i) {
    return timestamps[i];
  }

  public String valueAt(int i) {
    return values[i];
  }

  public int indexOf(String key) {
    return Arrays.binarySearch(keys, key);
  }

  /** The value for {@code key}, or null. */
  public String get(String key) {
    int i = indexOf(key);
    return i >= 0 ? values[i] : null;
  }

  /** The timestamp for {@code key}, or {@link Timestamps#ZERO}. */
  public long timestamp(String key) {
    int i = indexOf(key);
    return i >= 0 ? timestamps[i] : Timestamps.ZERO;
  }

  public boolean containsKey(String key) {
    return indexOf(key) >= 0;
  }

  /** A map with {@code key} set, unconditionally (not a merge). */
  public LatestMap with(String key, long timestamp, String value) {
    int i = indexOf(key);
    if (i >= 0) {
      if (timestamps[i] == timestamp && values[i].equals(value)) {
        return this;
      }
      long[] t = timestamps.clone();
      String[] v = values.clone();
      t[i] = timestamp;
      v[i] = value;
      return new LatestMap(keys, t, v);
    }
    int at = -i - 1;
    int n = keys.length;
    String[] k = new String[n + 1];
    long[] t = new long[n + 1];
    String[] v = new String[n + 1];
    System.arraycopy(keys, 0, k, 0, at);
    System.arraycopy(timestamps, 0, t, 0, at);
    System.arraycopy(values, 0, v, 0, at);
    k[at] = key;
    t[at] = timestamp;
    v[at] = value;
    System.arraycopy(keys, at, k, at + 1, n - at);
    System.arraycopy(timestamps, at, t, at + 1, n - at);
    System.arraycopy(values, at, v, at + 1, n - at);
    return new LatestMap(k, t, v);
  }

  public LatestMap without(String key) {
    int i = indexOf(key);
    if (i < 0) {
      return this;
    }
    int n = keys.length;
    String[] k = new String[n - 1];
    long[] t = new long[n - 1];
    String[] v = new String[n - 1];
    System.arraycopy(keys, 0, k, 0, i);
    System.arraycopy(timestamps, 0, t, 0, i);
    System.arraycopy(values, 0, v, 0, i);
    System.arraycopy(keys, i + 1, k, i, n - i - 1);
    System.arraycopy(timestamps, i + 1, t, i, n - i - 1);
    System.arraycopy(values, i + 1, v, i, n - i - 1);
    return new LatestMap(k, t, v);
  }

  /** True when {@code other} wins over this map's entry {@code i}. */
  private static boolean wins(long otherTs, String otherValue, long myTs, String myValue) {
    return otherTs > myTs || otherTs == myTs && otherValue.compareTo(myValue) > 0;
  }

  /** Union of keys; per key the later timestamp wins (greater value on a tie). */
  public LatestMap merge(LatestMap other) {
    if (other.keys.length == 0 || other == this) {
      return this;
    }
    if (keys.length == 0) {
      return other;
    }
    int n = keys.length + other.keys.length;
    String[] k = new String[n];
    long[] t = new long[n];
    String[] v = new String[n];
    boolean fromThis = true;
    boolean fromOther = true;
    int i = 0;
    int j = 0;
    int w = 0;
    while (i < keys.length && j < other.keys.length) {
      int c = keys[i].compareTo(other.keys[j]);
      if (c < 0) {
        k[w] = keys[i];
        t[w] = timestamps[i];
        v[w++] = values[i++];
        fromOther = false;
      } else if (c > 0) {
        k[w] = other.keys[j];
        t[w] = other.timestamps[j];
        v[w++] = other.values[j++];
        fromThis = false;
      } else {
        k[w] = keys[i];
        if (wins(other.timestamps[j], other.values[j], timestamps[i], values[i])) {
          t[w] = other.timestamps[j];
          v[w++] = other.values[j];
          fromThis = false;
        } else {
          t[w] = timestamps[i];
          v[w++] = values[i];
          if (timestamps[i] != other.timestamps[j] || !values[i].equals(other.values[j])) {
            fromOther = false;
          }
        }
        i++;
        j++;
      }
    }
    if (i < keys.length) {
      fromOther = false;
    }
    if (j < other.keys.length) {
      fromThis = false;
    }
    if (fromThis) {
      return this;
    }
    if (fromOther) {
      return other;
    }
    while (i < keys.length) {
      k[w] = keys[i];
      t[w] = timestamps[i];
      v[w++] = values[i++];
    }
    while (j < other.keys.length) {
      k[w] = other.keys[j];
      t[w] = other.timestamps[j];
      v[w++] = other.values[j++];
    }
    return w == n ? new LatestMap(k, t, v) : new LatestMap(Arrays.copyOf(k, w), Arrays.copyOf(t, w), Arrays.copyOf(v, w));
  }

  /** True when both maps hold the same keys and values, whatever their timestamps. */
  public boolean equalsIgnoringTimestamps(LatestMap other) {
    return Arrays.equals(keys, other.keys) && Arrays.equals(values, other.values);
  }

  /** The newest timestamp of any entry, or {@link Timestamps#ZERO}. */
  public long newestTimestamp() {
    long max = Timestamps.ZERO;
    for (long ts : timestamps) {
      max = Math.max(max, ts);
    }
    return max;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LatestMap m && Arrays.equals(keys, m.keys) && Arrays.equals(timestamps, m.timestamps)
        && Arrays.equals(values, m.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(keys), Arrays.hashCode(timestamps), Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < keys.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(keys[i]).append('=').append(values[i]).append('@').append(Timestamps.formatRfc3339Nano(timestamps[i]));
    }
    return sb.append('}').toString();
  }

  /** Collects entries in any order; a repeated key keeps the last one (as Scope's decoder does). */
  public static final class Builder {
    private String[] keys;
    private long[] timestamps;
    private String[] values;
    private int size;

    private Builder(int expected) {
      int cap = Math.max(expected, 4);
      keys = new String[cap];
      timestamps = new long[cap];
      values = new String[cap];
    }

    public Builder put(String key, long timestamp, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        timestamps = Arrays.copyOf(timestamps, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      timestamps[size] = timestamp;
      values[size++] = value;
      return this;
    }

    public LatestMap build() {
      if (size == 0) {
        return EMPTY;
      }
      boolean sorted = true;
      for (int i = 1; i < size; i++) {
        if (keys[i - 1].compareTo(keys[i]) >= 0) {
          sorted = false;
          break;
        }
      }
      if (sorted) {
        return size == keys.length ? new LatestMap(keys, timestamps, values)
            : new LatestMap(Arrays.copyOf(keys, size), Arrays.copyOf(timestamps, size), Arrays.copyOf(values, size));
      }
      int[] order = KeyOrder.stableOrder(keys, size);
      String[] k = new String[size];
      long[] t = new long[size];
      String[] v = new String[size];
      int w = 0;
      for (int r = 0; r < size; r++) {
        int src = order[r];
        if (w > 0 && k[w - 1].equals(keys[src])) {
          w--;
        }
        k[w] = keys[src];
        t[w] = timestamps[src];
        v[w++] = values[src];
      }
      return w == size ? new LatestMap(k, t, v) : new LatestMap(Arrays.copyOf(k, w), Arrays.copyOf(t, w), Arrays.copyOf(v, w));
    }
  }
}
