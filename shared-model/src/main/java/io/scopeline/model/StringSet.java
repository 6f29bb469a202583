package io.scopeline.model;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;

/** An immutable sorted set of distinct strings; merge is the sorted union (Scope's StringSet). */
public final class StringSet extends AbstractList<String> implements RandomAccess {
  public static final StringSet EMPTY = new StringSet(new String[0]);

  private final String[] items;

  private StringSet(String[] sortedDistinct) {
    this.items = sortedDistinct;
  }

  public static StringSet of(String... values) {
    return values.length == 0 ? EMPTY : fromArrayOwned(values.clone());
  }

  public static StringSet of(Collection<String> values) {
    return values.isEmpty() ? EMPTY : fromArrayOwned(values.toArray(new String[0]));
  }

  /** Builds a set from an array the caller hands over (it is sorted in place). */
  public static StringSet fromArrayOwned(String[] values) {
    if (values.length == 0) {
      return EMPTY;
    }
    boolean sorted = true;
    for (int i = 1; i < values.length; i++) {
      if (values[i - 1].compareTo(values[i]) >= 0) {
        sorted = false;
        break;
      }
    }
    if (sorted) {
      return new StringSet(values);
    }
    Arrays.sort(values);
    int w = 1;
    for (int r = 1; r < values.length; r++) {
      if (!values[r].equals(values[w - 1])) {
        values[w++] = values[r];
      }
    }
    return new StringSet(w == values.length ? values : Arrays.copyOf(values, w));
  }

  @Override
  public String get(int index) {
    return items[index];
  }

  @Override
  public int size() {
    return items.length;
  }

  @Override
  public boolean contains(Object o) {
    return o instanceof String s && Arrays.binarySearch(items, s) >= 0;
  }

  /** A set with {@code value} added. */
  public StringSet with(String value) {
    int i = Arrays.binarySearch(items, value);
    if (i >= 0) {
      return this;
    }
    int at = -i - 1;
    String[] out = new String[items.length + 1];
    System.arraycopy(items, 0, out, 0, at);
    out[at] = value;
    System.arraycopy(items, at, out, at + 1, items.length - at);
    return new StringSet(out);
  }

  /** Sorted union; returns {@code this} or {@code other} unchanged when one contains the other. */
  public StringSet merge(StringSet other) {
    if (other.items.length == 0 || other == this) {
      return this;
    }
    if (items.length == 0) {
      return other;
    }
    String[] a = items;
    String[] b = other.items;
    String[] out = new String[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length && j < b.length) {
      int c = a[i].compareTo(b[j]);
      if (c < 0) {
        out[k++] = a[i++];
      } else if (c > 0) {
        out[k++] = b[j++];
      } else {
        out[k++] = a[i++];
        j++;
      }
    }
    while (i < a.length) {
      out[k++] = a[i++];
    }
    while (j < b.length) {
      out[k++] = b[j++];
    }
    if (k == a.length) {
      return this;
    }
    if (k == b.length) {
      return other;
    }
    return new StringSet(k == out.length ? out : Arrays.copyOf(out, k));
  }

  @Override
  public boolean equals(Object o) {
    if (o instanceof StringSet s) {
      return Arrays.equals(items, s.items);
    }
    return super.equals(o);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(items);
  }

  /** The elements as a plain list view. */
  public List<String> asList() {
    return this;
  }
}
