package io.scopeline.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.model.Report;
import io.scopeline.testing.ReportArbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Every format round-trips any report losslessly. */
class CodecRoundTripProperties {
  @Provide
  Arbitrary<Report> reports() {
    return ReportArbitraries.reports();
  }

  @Property(tries = 200)
  void everyFormatRoundTrips(@ForAll("reports") Report report) {
    for (ReportFormat format : ReportFormat.values()) {
      assertThat(ReportCodec.decode(ReportCodec.encode(report, format), format, ReportLimits.DEFAULT))
          .as(format.name()).isEqualTo(report);
    }
  }
}
