package io.scopeline.model;

/** Stable sorting of string keys by index, without boxing (decoded Go maps arrive unordered). */
final class KeyOrder {
  private KeyOrder() {}

  /** Indices 0..n-1 ordered by {@code keys[i]}; equal keys keep their input order. */
  static int[] stableOrder(String[] keys, int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    if (n <= 24) {
      insertionSort(keys, idx, 0, n);
      return idx;
    }
    int[] tmp = new int[n];
    mergeSort(keys, idx, tmp, 0, n);
    return idx;
  }

  private static void insertionSort(String[] keys, int[] idx, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      int v = idx[i];
      String k = keys[v];
      int j = i - 1;
      while (j >= from && keys[idx[j]].compareTo(k) > 0) {
        idx[j + 1] = idx[j];
        j--;
      }
      idx[j + 1] = v;
    }
  }

  private static void mergeSort(String[] keys, int[] idx, int[] tmp, int from, int to) {
    if (to - from <= 24) {
      insertionSort(keys, idx, from, to);
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(keys, idx, tmp, from, mid);
    mergeSort(keys, idx, tmp, mid, to);
    if (keys[idx[mid - 1]].compareTo(keys[idx[mid]]) <= 0) {
      return;
    }
    System.arraycopy(idx, from, tmp, from, to - from);
    int i = from;
    int j = mid;
    int k = from;
    while (i < mid && j < to) {
      idx[k++] = keys[tmp[j]].compareTo(keys[tmp[i]]) < 0 ? tmp[j++] : tmp[i++];
    }
    while (i < mid) {
      idx[k++] = tmp[i++];
    }
    while (j < to) {
      idx[k++] = tmp[j++];
    }
  }
}
