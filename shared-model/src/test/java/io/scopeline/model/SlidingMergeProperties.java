package io.scopeline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scopeline.testing.ReportArbitraries;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** A sliding merge equals merging from scratch what it holds, in order, after any pushes and drops. */
class SlidingMergeProperties {

  /** Positive: push a value that many keys ahead; zero or negative: drop that many of the oldest. */
  @Provide
  Arbitrary<List<Integer>> steps() {
    return Arbitraries.integers().between(-3, 3).list().ofMaxSize(60);
  }

  @Provide
  Arbitrary<List<Report>> reports() {
    return ReportArbitraries.reports().list().ofMinSize(1).ofMaxSize(12);
  }

  @Property(tries = 500)
  void valueIsTheInOrderMergeOfWhatIsHeld(@ForAll("steps") List<Integer> steps) {
    // String concatenation is associative and not commutative: any reordering shows.
    SlidingMerge<String> window = new SlidingMerge<>(String::concat, "");
    List<Long> keys = new ArrayList<>();
    List<String> values = new ArrayList<>();
    long next = 0;
    for (int step : steps) {
      if (step > 0) {
        next += step;
        window.push(next, "[" + next + "]");
        keys.add(next);
        values.add("[" + next + "]");
      } else if (!keys.isEmpty()) {
        long cut = keys.get(Math.min(keys.size() - 1, -step));
        window.dropBefore(cut);
        while (!keys.isEmpty() && keys.get(0) < cut) {
          keys.remove(0);
          values.remove(0);
        }
      }
      assertThat(window.value()).isEqualTo(String.join("", values));
      assertThat(window.keys()).isEqualTo(keys);
    }
  }

  @Property(tries = 200)
  void aSlidingWindowOfReportsEqualsTheirMergeFromScratch(@ForAll("reports") List<Report> quanta) {
    int width = 5;
    SlidingMerge<Report> window = new SlidingMerge<>(Report::merge, Report.EMPTY);
    for (int i = 0; i < quanta.size(); i++) {
      window.push(i, quanta.get(i));
      window.dropBefore(i - width + 1);
      Report scratch = Report.EMPTY;
      // Apart from the receiver's id and shortcut flag, which merge keeps from its left side.
      for (int j = Math.max(0, i - width + 1); j <= i; j++) {
        scratch = scratch.merge(quanta.get(j));
      }
      assertThat(window.value().withId("").withShortcut(false)).isEqualTo(scratch.withId("").withShortcut(false));
    }
  }

  @Test
  void slidingCostsAtMostThreeMergesPerStepWhateverTheWidth() {
    SlidingMerge<String> window = new SlidingMerge<>((a, b) -> "x", "");
    int steps = 10_000;
    for (int i = 0; i < steps; i++) {
      window.push(i, "v");
      window.dropBefore(i - 99);
      window.value();
    }
    assertThat(window.size()).isEqualTo(100);
    // From scratch would be 99 merges per step.
    assertThat(window.merges()).isLessThanOrEqualTo(3L * steps);
  }

  @Test
  void keysMustIncrease() {
    SlidingMerge<String> window = new SlidingMerge<>(String::concat, "");
    window.push(5, "a");
    assertThat(window.canPush(5)).isFalse();
    assertThatThrownBy(() -> window.push(4, "b")).isInstanceOf(IllegalArgumentException.class);
    assertThat(window.value()).isEqualTo("a");
  }
}
