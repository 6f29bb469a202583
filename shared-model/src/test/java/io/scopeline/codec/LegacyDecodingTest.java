package io.scopeline.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.StringSet;
import io.scopeline.model.TopologyType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Fields older Scope probes sent are read the way Scope's back-compat decoder reads them. */
class LegacyDecodingTest {
  private static Report decode(String json) {
    return ReportCodec.decode(json.getBytes(StandardCharsets.UTF_8), ReportFormat.JSON, ReportLimits.DEFAULT);
  }

  @Test
  void latestControlsBecomeActiveControlsWithoutDeadOnes() {
    Report r = decode("""
        {"Container":{"nodes":{"c;<container>":{"id":"c;<container>","topology":"container",
          "latestControls":{
            "docker_stop":{"timestamp":"2016-01-22T11:35:54Z","value":{"dead":false}},
            "docker_pause":{"timestamp":"2016-01-22T11:36:54Z","value":{"dead":false}},
            "docker_start":{"timestamp":"2016-01-22T11:35:54Z","value":{"dead":true}}}}}}}
        """);
    Node c = r.topology(TopologyType.CONTAINER).nodes().get("c;<container>");
    assertThat(c.latest().get(Node.ACTIVE_CONTROLS)).isEqualTo("docker_pause;docker_stop");
    assertThat(c.latest().timestamp(Node.ACTIVE_CONTROLS))
        .isEqualTo(io.scopeline.model.Timestamps.parseRfc3339("2016-01-22T11:36:54Z"));
  }

  @Test
  void countersBecomeCountLatestEntries() {
    Report r = decode("""
        {"Host":{"nodes":{"h;<host>":{"topology":"host","counters":{"container":3},
          "latest":{"os":{"timestamp":"2016-01-22T11:35:54Z","value":"linux"}}}}}}
        """);
    Node h = r.topology(TopologyType.HOST).nodes().get("h;<host>");
    assertThat(h.latest().get("count_container")).isEqualTo("3");
  }

  @Test
  void legacyNodesFieldIsReadAsDnsAndOldFieldsAreIgnored() {
    Report r = decode("""
        {"nodes":{"10.0.0.1":{"forward":["web"]}},
         "Address":{"nodes":{"x":{}}},
         "Endpoint":{"nodes":{";10.0.0.1;80":{"edges":{"a":{}},"controls":{"x":1},"topology":"endpoint"}}},
         "Window":3000000000}
        """);
    assertThat(r.dns().get("10.0.0.1").forward()).isEqualTo(StringSet.of("web"));
    assertThat(r.topology(TopologyType.ENDPOINT).nodes().size()).isEqualTo(1);
    assertThat(r.windowNanos()).isEqualTo(3_000_000_000L);
  }

  @Test
  void nullsAndMissingFieldsAreEmpty() {
    Report r = decode("""
        {"TS":null,"Host":{"nodes":{"h":{"sets":null,"latest":null,"metrics":null,"parents":null,
          "children":null,"adjacency":null}},"controls":null},"Plugins":null,"DNS":null,"Sampling":null}
        """);
    Node h = r.topology(TopologyType.HOST).nodes().get("h");
    assertThat(h.sets().isEmpty()).isTrue();
    assertThat(h.latest().isEmpty()).isTrue();
    assertThat(r.plugins().isEmpty()).isTrue();
  }
}
