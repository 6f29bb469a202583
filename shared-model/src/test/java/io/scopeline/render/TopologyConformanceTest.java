package io.scopeline.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import io.scopeline.model.Reports;
import io.scopeline.testing.JsonCompare;
import io.scopeline.testing.Unstable;
import io.scopeline.testsupport.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every topology response Scope gave for the fixture report, rendered by us and compared semantically. */
class TopologyConformanceTest {

  record Case(String file, String url, String note) {
    @Override
    public String toString() {
      return url;
    }
  }

  static Stream<Case> cases() {
    List<Case> cases = new ArrayList<>();
    String index = new String(SharedFixtures.read("fixture/expected/index.tsv"), StandardCharsets.UTF_8);
    for (String line : index.split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length < 4 || !f[1].equals("GET") || !f[2].startsWith("/api/topology")) {
        continue;
      }
      cases.add(new Case(f[0], f[2], f.length > 8 ? f[8] : ""));
    }
    return cases.stream();
  }

  static Report fixture() {
    Report r = ReportCodec.decode(SharedFixtures.read("fixture/report.msgpack.gz"), ReportFormat.MSGPACK_GZIP,
        ReportLimits.DEFAULT);
    return Reports.merge(List.of(ReportUpgrade.upgrade(r)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void answersAsScopeDid(Case c) {
    Object actual = ScopeResponses.respond(new Views(fixture()), c.url());
    List<String> diff = JsonCompare.diff(JsonCompare.parse(SharedFixtures.read("fixture/expected/" + c.file())),
        JsonCompare.parse(JsonOut.bytes(actual)), Unstable.pathsFor(c.file()));
    if (!diff.isEmpty()) {
      String alt = c.file().replace(".json", ".alt1.json");
      if (java.nio.file.Files.exists(SharedFixtures.fixture("fixture/expected/alternatives/" + alt))) {
        List<String> altDiff = JsonCompare.diff(
            JsonCompare.parse(SharedFixtures.read("fixture/expected/alternatives/" + alt)),
            JsonCompare.parse(JsonOut.bytes(actual)), Unstable.pathsFor(c.file()));
        if (altDiff.isEmpty()) {
          return;
        }
      }
    }
    assertThat(diff).as(c.url() + "\n" + JsonOut.string(actual)).isEmpty();
  }
}
