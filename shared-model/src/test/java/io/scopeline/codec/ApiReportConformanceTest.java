package io.scopeline.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import io.scopeline.model.Reports;
import io.scopeline.testing.JsonCompare;
import io.scopeline.testsupport.SharedFixtures;
import io.scopeline.testing.Unstable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our window merge of the fixture answers what Scope's /api/report answered, in JSON and msgpack. */
class ApiReportConformanceTest {

  private static List<String> diffAgainstApiReport(Report report) {
    byte[] json = ReportCodec.encode(report, ReportFormat.JSON);
    return JsonCompare.diff(JsonCompare.parse(SharedFixtures.read("fixture/expected/api_report.json")),
        JsonCompare.parse(json), Unstable.pathsFor("api_report.json"));
  }

  @Test
  void mergedFixtureEqualsScopesApiReport() {
    Report fixture = ReportCodec.decode(SharedFixtures.read("fixture/report.msgpack.gz"), ReportFormat.MSGPACK_GZIP,
        ReportLimits.DEFAULT);
    Report merged = Reports.merge(List.of(ReportUpgrade.upgrade(fixture)));
    assertThat(diffAgainstApiReport(merged)).isEmpty();
  }

  @Test
  void scopesOwnMsgpackOfApiReportConvertsToTheSameJson() {
    Report fromApp = ReportCodec.decode(SharedFixtures.read("fixture/expected/api_report.accept-msgpack.msgpack"),
        ReportFormat.MSGPACK, ReportLimits.DEFAULT);
    assertThat(diffAgainstApiReport(fromApp)).isEmpty();
  }
}
