package io.scopeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.testing.ReportArbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The algebra of report merge, over generated reports. */
class MergeLawsProperties {

  @Provide
  Arbitrary<Report> reports() {
    return ReportArbitraries.reports();
  }

  private static Report withoutSideFields(Report r) {
    return r.withId("").withShortcut(false);
  }

  @Property(tries = 300)
  void mergeIsAssociative(@ForAll("reports") Report a, @ForAll("reports") Report b, @ForAll("reports") Report c) {
    assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
  }

  @Property(tries = 300)
  void mergeIsCommutativeApartFromTheReceiversIdAndShortcutFlag(@ForAll("reports") Report a,
      @ForAll("reports") Report b) {
    assertThat(withoutSideFields(a.merge(b))).isEqualTo(withoutSideFields(b.merge(a)));
    assertThat(a.merge(b).id()).isEqualTo(a.id());
  }

  @Property(tries = 300)
  void mergeWithAnEqualCopyOnlyDoublesTheSummedFields(@ForAll("reports") Report a) {
    // A decoded copy is equal but shares no objects, so merge cannot short-cut on identity.
    Report copy = ReportCodec.decode(ReportCodec.encode(a, ReportFormat.MSGPACK), ReportFormat.MSGPACK,
        ReportLimits.DEFAULT);
    Report twice = a.merge(copy);
    assertThat(twice.windowNanos()).isEqualTo(2 * a.windowNanos());
    assertThat(twice.sampling()).isEqualTo(new Sampling(2 * a.sampling().count(), 2 * a.sampling().total()));
    Report.Builder normalised = twice.toBuilder().windowNanos(a.windowNanos()).sampling(a.sampling());
    assertThat(normalised.build()).isEqualTo(a);
  }

  @Property(tries = 200)
  void emptyReportIsTheIdentity(@ForAll("reports") Report a) {
    assertThat(a.merge(Report.EMPTY)).isEqualTo(a);
    assertThat(Report.EMPTY.merge(a)).isEqualTo(a.withId("").withShortcut(false));
  }

  @Property(tries = 200)
  void mergedNodesHoldEverySidesKeys(@ForAll("reports") Report a, @ForAll("reports") Report b) {
    Report m = a.merge(b);
    for (TopologyType type : TopologyType.all()) {
      for (Report side : new Report[] {a, b}) {
        side.topology(type).nodes().forEach((id, node) -> {
          Node merged = m.topology(type).nodes().get(id);
          assertThat(merged).isNotNull();
          for (int i = 0; i < node.latest().size(); i++) {
            assertThat(merged.latest().timestamp(node.latest().keyAt(i))).isGreaterThanOrEqualTo(node.latest().timestampAt(i));
          }
          assertThat(merged.adjacency()).containsAll(node.adjacency());
        });
      }
    }
  }
}
