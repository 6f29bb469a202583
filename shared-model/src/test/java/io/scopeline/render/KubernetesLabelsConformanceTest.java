package io.scopeline.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import io.scopeline.model.Reports;
import io.scopeline.testsupport.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The labels of Kubernetes controllers on the cluster4 fixture (Scope's answer to the four
 * reports of a Kubernetes + Docker cluster): every node's label and minor label as Scope's app.
 */
class KubernetesLabelsConformanceTest {
  @Test
  void controllersAreLabelledAsScopeLabelsThem() {
    List<Report> reports = new ArrayList<>();
    for (String name : new String(SharedFixtures.read("cluster4/order.txt"), StandardCharsets.UTF_8).split("\\s+")) {
      if (!name.isBlank()) {
        reports.add(ReportUpgrade.upgrade(ReportCodec.decode(SharedFixtures.read("cluster4/inputs/" + name),
            ReportFormat.JSON, ReportLimits.DEFAULT)));
      }
    }
    Map<String, String> ours = new TreeMap<>();
    new Views(Reports.merge(reports)).summaries("kube-controllers", Map.of()).orElseThrow()
        .forEach((id, n) -> ours.put(id, n.get("label") + " | " + n.get("labelMinor")));
    Map<String, String> scopes = new TreeMap<>();
    JsonMapper.builder().build().readTree(SharedFixtures.read("cluster4/expected/api_topology_kube-controllers.json"))
        .get("nodes").properties().forEach(e -> scopes.put(e.getKey(),
            e.getValue().get("label").asString() + " | " + e.getValue().get("labelMinor").asString()));
    assertThat(ours).isEqualTo(scopes);
  }
}
