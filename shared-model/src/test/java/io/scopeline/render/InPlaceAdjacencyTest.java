package io.scopeline.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InPlaceAdjacencyTest {
  private static List<String> processes(int n) {
    return IntStream.range(0, n).mapToObj(i -> "p" + i).toList();
  }

  /** Every process maps to its own container, whose id sorts before every process id. */
  private static InPlaceAdjacency.Rewrite rewrite(List<String> adjacency) {
    return InPlaceAdjacency.rewrite(adjacency, a -> a.startsWith("p") ? List.of("c" + a) : List.of());
  }

  @Test
  void withSpareCapacityTheFirstInsertionHidesTheLastEntry() {
    // Seven entries sit in a slice of capacity eight: one insertion shifts them in place.
    InPlaceAdjacency.Rewrite rw = rewrite(processes(7));

    assertThat(rw.visited()).containsExactly("p0", "p0", "p1", "p2", "p3", "p4", "p5");
    assertThat(rw.inputAfterwards()).containsExactly("cp0", "p0", "p1", "p2", "p3", "p4", "p5");
  }

  @Test
  void aFullSliceIsCopiedSoEveryEntryIsVisited() {
    InPlaceAdjacency.Rewrite rw = rewrite(processes(8));

    assertThat(rw.visited()).isEqualTo(processes(8));
    assertThat(rw.inputAfterwards()).isEqualTo(processes(8));
  }

  @Test
  void moreSpareCapacityHidesMoreEntries() {
    // Five entries, capacity eight: three insertions happen in place before the copy.
    InPlaceAdjacency.Rewrite rw = rewrite(processes(5));

    assertThat(rw.visited()).doesNotContain("p3", "p4");
    assertThat(rw.inputAfterwards()).hasSize(5).doesNotContain("p3", "p4");
  }

  @Test
  void idsMappedToThemselvesChangeNothing() {
    List<String> pseudo = List.of("a", "b", "c");
    Map<String, String> self = Map.of("a", "a", "b", "b", "c", "c");
    InPlaceAdjacency.Rewrite rw = InPlaceAdjacency.rewrite(pseudo, a -> List.of(self.get(a)));

    assertThat(rw.visited()).isEqualTo(pseudo);
    assertThat(rw.inputAfterwards()).isEqualTo(pseudo);
  }

  @Test
  void capacityGrowsAsGoGrowsASliceOneAppendAtATime() {
    assertThat(IntStream.of(0, 1, 2, 3, 5, 8, 9).map(InPlaceAdjacency::goCapacity).toArray())
        .containsExactly(0, 1, 2, 4, 8, 8, 16);
  }
}
