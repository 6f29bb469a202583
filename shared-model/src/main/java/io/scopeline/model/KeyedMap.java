package io.scopeline.model;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * An immutable map from string keys to values, kept as arrays sorted by key.
 *
 * <p>Sorted arrays make merge a linear walk, iteration deterministic (so encodings and hashes are
 * stable), and the footprint small. Lookup is a binary search.
 */
public final class KeyedMap<V> implements Iterable<Map.Entry<String, V>> {
  private static final KeyedMap<?> EMPTY = new KeyedMap<>(new String[0], new Object[0]);

  private final String[] keys;
  private final Object[] values;

  private KeyedMap(String[] keys, Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  @SuppressWarnings("unchecked")
  public static <V> KeyedMap<V> empty() {
    return (KeyedMap<V>) EMPTY;
  }

  public static <V> KeyedMap<V> of(String key, V value) {
    return new KeyedMap<>(new String[] {key}, new Object[] {value});
  }

  public static <V> KeyedMap<V> copyOf(Map<String, ? extends V> map) {
    Builder<V> b = builder(map.size());
    map.forEach(b::put);
    return b.build();
  }

  public static <V> Builder<V> builder(int expectedSize) {
    return new Builder<>(expectedSize);
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

  @SuppressWarnings("unchecked")
  public V valueAt(int i) {
    return (V) values[i];
  }

  public int indexOf(String key) {
    return Arrays.binarySearch(keys, key);
  }

  public V get(String key) {
    int i = indexOf(key);
    return i >= 0 ? valueAt(i) : null;
  }

  public V getOrDefault(String key, V fallback) {
    int i = indexOf(key);
    return i >= 0 ? valueAt(i) : fallback;
  }

  public boolean containsKey(String key) {
    return indexOf(key) >= 0;
  }

  /** A map with {@code key} set to {@code value} (replacing any existing value). */
  public KeyedMap<V> with(String key, V value) {
    int i = indexOf(key);
    if (i >= 0) {
      if (values[i] == value) {
        return this;
      }
      Object[] v = values.clone();
      v[i] = value;
      return new KeyedMap<>(keys, v);
    }
    int at = -i - 1;
    String[] k = new String[keys.length + 1];
    Object[] v = new Object[keys.length + 1];
    System.arraycopy(keys, 0, k, 0, at);
    System.arraycopy(values, 0, v, 0, at);
    k[at] = key;
    v[at] = value;
    System.arraycopy(keys, at, k, at + 1, keys.length - at);
    System.arraycopy(values, at, v, at + 1, keys.length - at);
    return new KeyedMap<>(k, v);
  }

  public KeyedMap<V> without(String key) {
    int i = indexOf(key);
    if (i < 0) {
      return this;
    }
    if (keys.length == 1) {
      return empty();
    }
    String[] k = new String[keys.length - 1];
    Object[] v = new Object[keys.length - 1];
    System.arraycopy(keys, 0, k, 0, i);
    System.arraycopy(values, 0, v, 0, i);
    System.arraycopy(keys, i + 1, k, i, keys.length - i - 1);
    System.arraycopy(values, i + 1, v, i, keys.length - i - 1);
    return new KeyedMap<>(k, v);
  }

  /**
   * Union of both maps; for a key on both sides the value is {@code onBoth.apply(mine, theirs)}.
   * Returns {@code this} when the result would be equal to it (by identity of every value).
   */
  @SuppressWarnings("unchecked")
  public KeyedMap<V> merge(KeyedMap<V> other, BinaryOperator<V> onBoth) {
    if (other.keys.length == 0) {
      return this;
    }
    if (keys.length == 0) {
      return other;
    }
    String[] a = keys;
    String[] b = other.keys;
    String[] outK = new String[a.length + b.length];
    Object[] outV = new Object[a.length + b.length];
    boolean changed = false;
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length && j < b.length) {
      int c = a[i].compareTo(b[j]);
      if (c < 0) {
        outK[k] = a[i];
        outV[k++] = values[i++];
      } else if (c > 0) {
        outK[k] = b[j];
        outV[k++] = other.values[j++];
        changed = true;
      } else {
        V merged = onBoth.apply((V) values[i], (V) other.values[j]);
        changed |= merged != values[i];
        outK[k] = a[i];
        outV[k++] = merged;
        i++;
        j++;
      }
    }
    while (i < a.length) {
      outK[k] = a[i];
      outV[k++] = values[i++];
    }
    while (j < b.length) {
      outK[k] = b[j];
      outV[k++] = other.values[j++];
      changed = true;
    }
    if (!changed) {
      return this;
    }
    return new KeyedMap<>(k == outK.length ? outK : Arrays.copyOf(outK, k), k == outV.length ? outV : Arrays.copyOf(outV, k));
  }

  /** Entries for which {@code keep} holds; {@code this} when all are kept. */
  @SuppressWarnings("unchecked")
  public KeyedMap<V> filter(BiPredicate<String, ? super V> keep) {
    String[] outK = null;
    Object[] outV = null;
    int k = 0;
    for (int i = 0; i < keys.length; i++) {
      boolean kept = keep.test(keys[i], (V) values[i]);
      if (!kept && outK == null) {
        outK = new String[keys.length];
        outV = new Object[keys.length];
        System.arraycopy(keys, 0, outK, 0, i);
        System.arraycopy(values, 0, outV, 0, i);
        k = i;
      } else if (kept && outK != null) {
        outK[k] = keys[i];
        outV[k++] = values[i];
      }
    }
    if (outK == null) {
      return this;
    }
    return k == 0 ? empty() : new KeyedMap<>(Arrays.copyOf(outK, k), Arrays.copyOf(outV, k));
  }

  /** Same keys, values transformed; {@code this} when every value maps to itself. */
  @SuppressWarnings("unchecked")
  public <W> KeyedMap<W> mapValues(BiFunction<String, ? super V, ? extends W> f) {
    Object[] out = null;
    for (int i = 0; i < keys.length; i++) {
      W w = f.apply(keys[i], (V) values[i]);
      if (out == null && w != values[i]) {
        out = values.clone();
      }
      if (out != null) {
        out[i] = w;
      }
    }
    return out == null ? (KeyedMap<W>) this : new KeyedMap<>(keys, out);
  }

  public <W> KeyedMap<W> mapValues(Function<? super V, ? extends W> f) {
    return mapValues((k, v) -> f.apply(v));
  }

  @Override
  public Iterator<Map.Entry<String, V>> iterator() {
    return new Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return i < keys.length;
      }

      @Override
      public Map.Entry<String, V> next() {
        if (i >= keys.length) {
          throw new NoSuchElementException();
        }
        Map.Entry<String, V> e = new AbstractMap.SimpleImmutableEntry<>(keys[i], valueAt(i));
        i++;
        return e;
      }
    };
  }

  /** Calls {@code action} for each entry in key order. */
  public void forEach(java.util.function.BiConsumer<String, ? super V> action) {
    for (int i = 0; i < keys.length; i++) {
      action.accept(keys[i], valueAt(i));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyedMap<?> m && Arrays.equals(keys, m.keys) && Arrays.equals(values, m.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(keys) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < keys.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(keys[i]).append('=').append(values[i]);
    }
    return sb.append('}').toString();
  }

  /** Collects entries in any order; a repeated key keeps the last value (as Scope's decoder does). */
  public static final class Builder<V> {
    private String[] keys;
    private Object[] values;
    private int size;

    private Builder(int expected) {
      keys = new String[Math.max(expected, 4)];
      values = new Object[keys.length];
    }

    public Builder<V> put(String key, V value) {
      Objects.requireNonNull(key, "key");
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size++] = value;
      return this;
    }

    public int size() {
      return size;
    }

    public KeyedMap<V> build() {
      if (size == 0) {
        return empty();
      }
      boolean sorted = true;
      for (int i = 1; i < size; i++) {
        if (keys[i - 1].compareTo(keys[i]) >= 0) {
          sorted = false;
          break;
        }
      }
      String[] k = size == keys.length ? keys : Arrays.copyOf(keys, size);
      Object[] v = size == values.length ? values : Arrays.copyOf(values, size);
      keys = null;
      values = null;
      if (sorted) {
        return new KeyedMap<>(k, v);
      }
      int[] order = KeyOrder.stableOrder(k, k.length);
      String[] outK = new String[k.length];
      Object[] outV = new Object[k.length];
      int w = 0;
      for (int r = 0; r < order.length; r++) {
        String key = k[order[r]];
        if (w > 0 && outK[w - 1].equals(key)) {
          outV[w - 1] = v[order[r]];
        } else {
          outK[w] = key;
          outV[w++] = v[order[r]];
        }
      }
      return new KeyedMap<>(w == outK.length ? outK : Arrays.copyOf(outK, w), w == outV.length ? outV : Arrays.copyOf(outV, w));
    }
  }
}
