package io.scopeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Downsampling as roll-ups use it: repeatable, and indifferent to merging before or after. */
class MetricDownsampleProperties {
  private static final long SECOND = 1_000_000_000L;

  /** A metric of samples at distinct whole seconds in [from, from + 600 s), in time order. */
  private static Arbitrary<Metric> metrics(long from) {
    return Arbitraries.longs().between(0, 599).set().ofMaxSize(80).map(seconds -> {
      long[] dates = seconds.stream().sorted().mapToLong(s -> from + s * SECOND).toArray();
      double[] values = new double[dates.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = (dates[i] / SECOND) % 97;
      }
      return Metric.of(dates, values, 0, 100);
    });
  }

  @Provide
  Arbitrary<Metric> early() {
    return metrics(0);
  }

  @Provide
  Arbitrary<Metric> later() {
    return metrics(600 * SECOND);
  }

  private static List<Long> dates(Metric m) {
    return java.util.stream.IntStream.range(0, m.sampleCount()).mapToObj(m::dateAt).toList();
  }

  private static boolean same(Metric a, Metric b) {
    if (a.sampleCount() != b.sampleCount() || a.min() != b.min() || a.max() != b.max()) {
      return false;
    }
    for (int i = 0; i < a.sampleCount(); i++) {
      if (a.dateAt(i) != b.dateAt(i) || a.valueAt(i) != b.valueAt(i)) {
        return false;
      }
    }
    return true;
  }

  @Property(tries = 300)
  void atMostOneSamplePerBucketTheLastOfIt(@ForAll("early") Metric m) {
    Metric d = m.downsampled(15 * SECOND);
    List<Long> buckets = dates(d).stream().map(t -> t / (15 * SECOND)).toList();
    assertThat(buckets).doesNotHaveDuplicates();
    assertThat(buckets).containsExactlyElementsOf(dates(m).stream().map(t -> t / (15 * SECOND)).distinct().toList());
    for (int i = 0; i < d.sampleCount(); i++) {
      long bucket = d.dateAt(i) / (15 * SECOND);
      assertThat(d.dateAt(i)).isEqualTo(dates(m).stream().filter(t -> t / (15 * SECOND) == bucket).mapToLong(t -> t)
          .max().orElseThrow());
    }
  }

  @Property(tries = 300)
  void againOrThroughADividingBucketGivesTheSame(@ForAll("early") Metric m) {
    Metric minute = m.downsampled(60 * SECOND);
    assertThat(same(minute.downsampled(60 * SECOND), minute)).isTrue();
    assertThat(same(m.downsampled(15 * SECOND).downsampled(60 * SECOND), minute)).isTrue();
  }

  @Property(tries = 300)
  void mergingDisjointSpansBeforeOrAfterGivesTheSame(@ForAll("early") Metric a, @ForAll("later") Metric b) {
    assertThat(same(a.merge(b).downsampled(60 * SECOND),
        a.downsampled(60 * SECOND).merge(b.downsampled(60 * SECOND)))).isTrue();
  }
}
