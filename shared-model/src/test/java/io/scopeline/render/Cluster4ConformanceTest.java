package io.scopeline.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import io.scopeline.model.Reports;
import io.scopeline.testing.JsonCompare;
import io.scopeline.testing.ScopeAnswers;
import io.scopeline.testsupport.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scope's answers on the cluster4 fixtures (a Kubernetes + Docker cluster of 4 hosts; and the same
 * after one more report per host with changes, cluster4-later), rendered by us from the same
 * reports: every answer must match.
 */
class Cluster4ConformanceTest {
  private static final List<String> FIXTURES = List.of("cluster4", "cluster4-later");

  /** One of Scope's answers on one of the fixtures. */
  record Case(String fixture, ScopeAnswers.Answer answer) {
    @Override
    public String toString() {
      return fixture + " " + answer.url();
    }
  }

  private static final Map<String, Report> reports = new java.util.HashMap<>();

  static List<Case> answers() {
    List<Case> out = new ArrayList<>();
    for (String fixture : FIXTURES) {
      ScopeAnswers.topology(fixture, false).forEach(a -> out.add(new Case(fixture, a)));
    }
    return out;
  }

  /** The fixture's inputs merged as the Scope app merged them for its answers. */
  static synchronized Report window(String fixture) {
    return reports.computeIfAbsent(fixture, f -> {
      List<Report> inputs = new ArrayList<>();
      for (String name : new String(SharedFixtures.read(f + "/order.txt"), StandardCharsets.UTF_8).split("\\s+")) {
        if (!name.isBlank()) {
          inputs.add(ReportUpgrade.upgrade(ReportCodec.decode(SharedFixtures.read(f + "/inputs/" + name),
              ReportFormat.JSON, ReportLimits.DEFAULT)));
        }
      }
      return Reports.merge(inputs);
    });
  }

  /** The fixture's window as the query service sees it for {@code url}: censored as it asks. */
  private static Views window(String fixture, String url) {
    Report report = window(fixture);
    return new Views(Censor.forViews(report, url.contains("hideCommandLineArguments=true"),
        url.contains("hideEnvironmentVariables=true")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answers")
  void answersAsScopeDid(Case c) {
    String url = c.answer().url();
    List<String> diff = JsonCompare.diff(
        JsonCompare.parse(SharedFixtures.read(c.fixture() + "/expected/" + c.answer().file())),
        JsonCompare.parse(JsonOut.bytes(ScopeResponses.respond(window(c.fixture(), url), url))), Set.of());
    assertThat(diff).as(c.toString()).isEmpty();
  }
}
