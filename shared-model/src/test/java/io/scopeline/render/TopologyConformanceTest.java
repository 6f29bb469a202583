package io.scopeline.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import io.scopeline.model.Reports;
import io.scopeline.testing.ScopeAnswers;
import io.scopeline.testsupport.SharedFixtures;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every topology response Scope gave for the fixture report, rendered by us and compared semantically. */
class TopologyConformanceTest {

  static List<ScopeAnswers.Answer> cases() {
    return ScopeAnswers.topology(true);
  }

  static Report fixture() {
    Report r = ReportCodec.decode(SharedFixtures.read("fixture/report.msgpack.gz"), ReportFormat.MSGPACK_GZIP,
        ReportLimits.DEFAULT);
    return Reports.merge(List.of(ReportUpgrade.upgrade(r)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void answersAsScopeDid(ScopeAnswers.Answer c) {
    Object actual = ScopeResponses.respond(new Views(fixture()), c.url());
    assertThat(ScopeAnswers.diff(c, JsonOut.bytes(actual))).as(c.url() + "\n" + JsonOut.string(actual)).isEmpty();
  }
}
