package io.scopeline.render;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Which edges of a node passed through a Scope map step survive, given that Scope rewrites the
 * node's adjacency list into the very array it is reading.
 *
 * <p>Scope's container view maps the process view's nodes; a pseudo node (the Internet) passes
 * through with its adjacency slice, and the rewrite inserts each mapped id into that same slice
 * while ranging over it. While the slice has spare capacity the insertions shift the unread part
 * to the right, so the range sees some entries twice and never reaches the last ones; the first
 * insertion beyond the capacity copies the slice and ends the effect. The capacity is the one Go
 * gives a slice grown by one append at a time from nothing (powers of two), which is how that list
 * was built. The cluster4 fixtures show it: the Internet's edge to node-d's exporter, last of seven
 * process edges, is missing from every container-derived view in Scope's answers.
 */
final class InPlaceAdjacency {
  private InPlaceAdjacency() {}

  /**
   * What the rewrite does to {@code sorted}: the entries it visits and maps, in visiting order, and
   * what the input node's list reads afterwards (Scope's cached process view sees that list).
   */
  record Rewrite(List<String> visited, List<String> inputAfterwards) {
    boolean changedInput(List<String> before) {
      return !inputAfterwards.equals(before);
    }
  }

  /**
   * Replays the rewrite of {@code sorted}, the node's adjacency as Scope keeps it (sorted).
   *
   * @param mapped what an entry maps to (empty when nothing)
   */
  static Rewrite rewrite(List<String> sorted, Function<String, Collection<String>> mapped) {
    int length = sorted.size();
    String[] shared = Arrays.copyOf(sorted.toArray(new String[0]), goCapacity(length));
    int sharedLength = length;
    boolean aliased = true;
    List<String> visited = new ArrayList<>();
    for (int k = 0; k < length; k++) {
      String a = shared[k];
      Collection<String> to = mapped.apply(a);
      if (to.isEmpty()) {
        continue;
      }
      visited.add(a);
      for (String dst : to) {
        if (!aliased) {
          continue; // the copy no longer touches what the loop reads
        }
        int i = Arrays.binarySearch(shared, 0, sharedLength, dst);
        if (i >= 0) {
          continue;
        }
        if (sharedLength == shared.length) {
          aliased = false;
          continue;
        }
        int at = -i - 1;
        System.arraycopy(shared, at, shared, at + 1, sharedLength - at);
        shared[at] = dst;
        sharedLength++;
      }
    }
    return new Rewrite(visited, List.of(Arrays.copyOf(shared, length)));
  }

  /** The capacity of a Go slice grown from nil by {@code length} single appends. */
  static int goCapacity(int length) {
    int cap = 0;
    while (cap < length) {
      cap = cap == 0 ? 1 : cap * 2;
    }
    return cap;
  }
}
