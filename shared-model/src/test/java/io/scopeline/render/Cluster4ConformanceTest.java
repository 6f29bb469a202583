package io.scopeline.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * reports. Answers in {@link #REPRODUCED} must match exactly; the others are the Scope-fidelity
 * work still open (issue 15) and report themselves skipped with their first differences, so the
 * lists can grow as they are fixed.
 */
class Cluster4ConformanceTest {
  /** Answers to cluster4 reproduced exactly; one that regresses fails. */
  private static final Set<String> CLUSTER4 = Set.of(
      "/api/topology/containers/0ead957c82470fd173c24563f5a1eef443958757b2d7b70901dea7c501939be2%3B%3Ccontainer%3E",
      "/api/topology/containers/11bf28ab140f72c5744bf087b843e0426f8b97d21b977334ef878222be65c24d%3B%3Ccontainer%3E",
      "/api/topology/containers-by-hostname/2193edf9ebd0",
      "/api/topology/containers-by-hostname/32105a874b9c",
      "/api/topology/containers-by-image",
      "/api/topology/containers-by-image?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/containers-by-image?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/containers-by-image/fluent%2Ffluent-bit%3B%3Ccontainer_image%3E",
      "/api/topology/hosts",
      "/api/topology/hosts?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/hosts?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/weave",
      "/api/topology/weave?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/weave?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/kube-controllers",
      "/api/topology/kube-controllers?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/kube-controllers?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/kube-controllers/13789e4b-7b62-4bdd-8f2e-6b6905891ec4%3B%3Cdaemonset%3E",
      "/api/topology/services",
      "/api/topology/services?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/services?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/services/3390af5e-acd5-4861-84de-1e9992ff3aa6%3B%3Cservice%3E",
      "/api/topology/processes",
      "/api/topology/processes?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/processes?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/processes/node-a.prod.example%3B1",
      "/api/topology/processes/node-a.prod.example%3B1081",
      "/api/topology/processes-by-name",
      "/api/topology/processes-by-name?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/processes-by-name?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/processes-by-name/%2Fbin%2Fnode_exporter",
      "/api/topology/swarm-services",
      "/api/topology/swarm-services?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/swarm-services?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/ecs-tasks",
      "/api/topology/ecs-tasks?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/ecs-tasks?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/ecs-services",
      "/api/topology/ecs-services?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/ecs-services?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/containers?namespace=shop",
      "/api/topology/processes?hideCommandLineArguments=true",
      "/api/topology/containers-by-image/example%2Fapi%3B%3Ccontainer_image%3E",
      "/api/topology/containers-by-image/in-theinternet",
      "/api/topology/hosts/in-theinternet",
      "/api/topology/hosts/node-a.prod.example%3B%3Chost%3E",
      "/api/topology/hosts/node-b.prod.example%3B%3Chost%3E",
      "/api/topology/kube-controllers/0e9b5f05-6d70-4004-8cd9-1e16c3b5ed2a%3B%3Cdeployment%3E",
      "/api/topology/kube-controllers/in-theinternet",
      "/api/topology/pods/0fa2083b-5911-4958-aac3-03502522a29d%3B%3Cpod%3E",
      "/api/topology/processes-by-name/%2Fapp%2Fbin%2Fapi",
      "/api/topology/processes-by-name/in-theinternet",
      "/api/topology/processes/in-theinternet",
      "/api/topology/services/3f153fe3-2c1b-452a-9181-104081d55cff%3B%3Cservice%3E",
      "/api/topology/services/in-theinternet");

  /** Answers to cluster4-later (the same cluster, then one more report per host) reproduced exactly. */
  private static final Set<String> CLUSTER4_LATER = Set.of(
      "/api/topology/containers-by-hostname/2193edf9ebd0",
      "/api/topology/containers-by-hostname/32105a874b9c",
      "/api/topology/containers-by-image",
      "/api/topology/containers-by-image/fluent%2Ffluent-bit%3B%3Ccontainer_image%3E",
      "/api/topology/containers-by-image?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/containers-by-image?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/containers/0ead957c82470fd173c24563f5a1eef443958757b2d7b70901dea7c501939be2%3B%3Ccontainer%3E",
      "/api/topology/containers/11bf28ab140f72c5744bf087b843e0426f8b97d21b977334ef878222be65c24d%3B%3Ccontainer%3E",
      "/api/topology/ecs-services",
      "/api/topology/ecs-services?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/ecs-services?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/ecs-tasks",
      "/api/topology/ecs-tasks?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/ecs-tasks?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/hosts",
      "/api/topology/hosts?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/hosts?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/kube-controllers",
      "/api/topology/kube-controllers/13789e4b-7b62-4bdd-8f2e-6b6905891ec4%3B%3Cdaemonset%3E",
      "/api/topology/kube-controllers?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/kube-controllers?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/processes",
      "/api/topology/processes-by-name",
      "/api/topology/processes-by-name/%2Fbin%2Fnode_exporter",
      "/api/topology/processes-by-name?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/processes-by-name?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/processes/node-a.prod.example%3B1",
      "/api/topology/processes/node-a.prod.example%3B1081",
      "/api/topology/processes?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/processes?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/services",
      "/api/topology/services/3390af5e-acd5-4861-84de-1e9992ff3aa6%3B%3Cservice%3E",
      "/api/topology/services?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/services?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/swarm-services",
      "/api/topology/swarm-services?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/swarm-services?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/weave",
      "/api/topology/weave?system=all&stopped=both&pseudo=show&unconnected=show",
      "/api/topology/weave?system=application&stopped=running&pseudo=hide&unconnected=hide",
      "/api/topology/containers-by-image/example%2Fapi%3B%3Ccontainer_image%3E",
      "/api/topology/containers-by-image/in-theinternet",
      "/api/topology/hosts/in-theinternet",
      "/api/topology/hosts/node-a.prod.example%3B%3Chost%3E",
      "/api/topology/hosts/node-b.prod.example%3B%3Chost%3E",
      "/api/topology/kube-controllers/0e9b5f05-6d70-4004-8cd9-1e16c3b5ed2a%3B%3Cdeployment%3E",
      "/api/topology/kube-controllers/in-theinternet",
      "/api/topology/pods/0fa2083b-5911-4958-aac3-03502522a29d%3B%3Cpod%3E",
      "/api/topology/processes-by-name/%2Fapp%2Fbin%2Fapi",
      "/api/topology/processes-by-name/in-theinternet",
      "/api/topology/processes/in-theinternet",
      "/api/topology/services/3f153fe3-2c1b-452a-9181-104081d55cff%3B%3Cservice%3E",
      "/api/topology/services/in-theinternet");

  private static final Map<String, Set<String>> REPRODUCED = Map.of("cluster4", CLUSTER4,
      "cluster4-later", CLUSTER4_LATER);

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
    for (String fixture : REPRODUCED.keySet().stream().sorted().toList()) {
      ScopeAnswers.topology(fixture, false).forEach(a -> out.add(new Case(fixture, a)));
    }
    return out;
  }

  /** The fixture's window as the query service sees it for {@code url}: censored as it asks. */
  private static synchronized Views window(String fixture, String url) {
    Report report = reports.computeIfAbsent(fixture, f -> {
      List<Report> inputs = new ArrayList<>();
      for (String name : new String(SharedFixtures.read(f + "/order.txt"), StandardCharsets.UTF_8).split("\\s+")) {
        if (!name.isBlank()) {
          inputs.add(ReportUpgrade.upgrade(ReportCodec.decode(SharedFixtures.read(f + "/inputs/" + name),
              ReportFormat.JSON, ReportLimits.DEFAULT)));
        }
      }
      return Reports.merge(inputs);
    });
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
    if (REPRODUCED.get(c.fixture()).contains(url)) {
      assertThat(diff).as(c.toString()).isEmpty();
    } else {
      assumeTrue(diff.isEmpty(), () -> "not reproduced yet (issue 15): " + diff.subList(0, Math.min(3, diff.size())));
      // Reproduced now but not locked yet: say so, so it can be added to the list above.
      System.out.println("Reproduced, not yet listed: " + c.fixture() + " " + url);
    }
  }
}
