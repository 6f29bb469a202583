package io.scopeline.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * The merge of a sliding run of values in key order, kept up to date as values join at the new end
 * and leave at the old end, with O(1) amortised merges per change.
 *
 * <p>Merge is associative but has no inverse, so a value cannot be "subtracted" when it leaves.
 * Two stacks avoid that: new values go on the back stack with a running merge; the front stack
 * holds, for each of its values, the merge of it and every newer front value. Dropping the oldest
 * pops the front; when the front is empty the back is moved over once, merging each value once.
 * The window is the front's merge followed by the back's, so the order of merging is kept.
 *
 * <p>Not thread-safe: the owner serialises access.
 *
 * @param <T> an associative merge's values (reports)
 */
public final class SlidingMerge<T> {
  private final BinaryOperator<T> merge;
  private final T empty;

  // Front, newest at index 0 and oldest at the end (the top); frontMerged[i] = front[i] merged
  // with every newer front value, in time order.
  private final List<Long> frontKeys = new ArrayList<>();
  private final List<T> front = new ArrayList<>();
  private final List<T> frontMerged = new ArrayList<>();
  // Back, oldest first, with the merge of all of them.
  private final List<Long> backKeys = new ArrayList<>();
  private final List<T> back = new ArrayList<>();
  private T backMerged;
  private T value;
  private long merges;

  /** {@code empty} is the value of a window with nothing in it. */
  public SlidingMerge(BinaryOperator<T> merge, T empty) {
    this.merge = merge;
    this.empty = empty;
  }

  /** Whether a value with this key can be pushed (keys must increase). */
  public boolean canPush(long key) {
    return isEmpty() || key > newestKey();
  }

  /** Adds the newest value; its key must be greater than every key held. */
  public void push(long key, T v) {
    if (!canPush(key)) {
      throw new IllegalArgumentException("key " + key + " is not newer than " + newestKey());
    }
    backKeys.add(key);
    back.add(v);
    backMerged = backMerged == null ? v : apply(backMerged, v);
    value = null;
  }

  /** Drops every value whose key is below {@code key}; returns how many left. */
  public int dropBefore(long key) {
    int dropped = 0;
    while (!isEmpty() && oldestKey() < key) {
      if (front.isEmpty()) {
        flip();
      }
      int top = front.size() - 1;
      frontKeys.remove(top);
      front.remove(top);
      frontMerged.remove(top);
      dropped++;
    }
    if (dropped > 0) {
      value = null;
    }
    return dropped;
  }

  /** The merge of every value held, oldest first; {@code empty} when there are none. */
  public T value() {
    if (value == null) {
      if (front.isEmpty()) {
        value = backMerged == null ? empty : backMerged;
      } else {
        T f = frontMerged.get(frontMerged.size() - 1);
        value = backMerged == null ? f : apply(f, backMerged);
      }
    }
    return value;
  }

  public boolean isEmpty() {
    return front.isEmpty() && back.isEmpty();
  }

  public int size() {
    return front.size() + back.size();
  }

  /** Keys held, oldest first. */
  public List<Long> keys() {
    List<Long> out = new ArrayList<>(size());
    for (int i = frontKeys.size() - 1; i >= 0; i--) {
      out.add(frontKeys.get(i));
    }
    out.addAll(backKeys);
    return out;
  }

  /** Merges performed so far (what the amortised bound is about). */
  public long merges() {
    return merges;
  }

  private long oldestKey() {
    return front.isEmpty() ? backKeys.get(0) : frontKeys.get(frontKeys.size() - 1);
  }

  private long newestKey() {
    return back.isEmpty() ? frontKeys.get(0) : backKeys.get(backKeys.size() - 1);
  }

  /** Moves the whole back over to the front, newest first, merging each value once. */
  private void flip() {
    for (int i = back.size() - 1; i >= 0; i--) {
      T v = back.get(i);
      frontKeys.add(backKeys.get(i));
      front.add(v);
      frontMerged.add(frontMerged.isEmpty() ? v : apply(v, frontMerged.get(frontMerged.size() - 1)));
    }
    back.clear();
    backKeys.clear();
    backMerged = null;
  }

  private T apply(T a, T b) {
    merges++;
    return merge.apply(a, b);
  }
}
