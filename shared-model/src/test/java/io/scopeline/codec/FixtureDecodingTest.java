package io.scopeline.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.Topology;
import io.scopeline.model.TopologyType;
import io.scopeline.testsupport.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Real Scope inputs decode, agree across formats, and survive our encoders unchanged. */
class FixtureDecodingTest {

  static Stream<Arguments> inputs() {
    return SharedFixtures.allReportInputs().stream()
        .map(p -> Arguments.of(SharedFixtures.require().relativize(p).toString(), p));
  }

  static Report decodeFile(Path p) throws IOException {
    return ReportCodec.decode(Files.readAllBytes(p), ReportFormat.fromFileName(p.getFileName().toString()),
        ReportLimits.DEFAULT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void everyFixtureInputDecodesAndRoundTrips(String name, Path file) throws IOException {
    Report report = decodeFile(file);
    assertThat(report.nodeCount()).as("nodes in " + name).isPositive();
    for (ReportFormat format : ReportFormat.values()) {
      Report again = ReportCodec.decode(ReportCodec.encode(report, format), format, ReportLimits.DEFAULT);
      assertThat(again).as("%s round trip through %s", name, format).isEqualTo(report);
    }
  }

  @Test
  void jsonMsgpackAndGzipFormsOfTheFixtureAreTheSameReport() throws IOException {
    Report gz = decodeFile(SharedFixtures.fixture("fixture/report.msgpack.gz"));
    Report plain = decodeFile(SharedFixtures.fixture("fixture/report.msgpack"));
    Report json = decodeFile(SharedFixtures.fixture("fixture/report.json"));
    Report pretty = decodeFile(SharedFixtures.fixture("fixture/report.pretty.json"));
    assertThat(plain).isEqualTo(gz);
    assertThat(json).isEqualTo(gz);
    assertThat(pretty).isEqualTo(gz);
    assertThat(gz.id()).isEqualTo("test-report");
    assertThat(gz.windowNanos()).isEqualTo(2_000_000_000L);
    assertThat(gz.topology(TopologyType.HOST).nodes().size()).isEqualTo(2);
  }

  @Test
  void realProbeReportHasGoTimesProcessesAndDeltaNodes() throws IOException {
    Report full = decodeFile(SharedFixtures.fixture("realprobe/inputs/post-full.gz.msgpack"));
    Report delta = decodeFile(SharedFixtures.fixture("realprobe/inputs/post-delta.gz.msgpack"));
    Node host = full.topology(TopologyType.HOST).nodes().get("web-01;<host>");
    assertThat(host).isNotNull();
    assertThat(host.latest().get("host_name")).isEqualTo("web-01");
    assertThat(host.latest().timestamp("host_name")).isGreaterThan(0);
    assertThat(full.windowNanos()).isEqualTo(3_001_261_123L);
    assertThat(full.topology(TopologyType.PROCESS).nodes().size()).isEqualTo(15);
    assertThat(full.topology(TopologyType.HOST).controls().get("host_exec").human()).isEqualTo("Exec shell");
    long blank = Stream.of(delta.topology(TopologyType.PROCESS), delta.topology(TopologyType.ENDPOINT))
        .map(Topology::nodes).flatMap(m -> {
          List<Node> nodes = new java.util.ArrayList<>();
          m.forEach((id, n) -> nodes.add(n));
          return nodes.stream();
        }).filter(Node::isPartMerged).count();
    assertThat(blank).as("delta nodes with blank topology").isPositive();
  }

  @Test
  void msgpackWeWriteUsesScopesOldSpecEncoding() throws IOException {
    Report report = decodeFile(SharedFixtures.fixture("realprobe/inputs/post-full.gz.msgpack"));
    byte[] ours = ReportCodec.encode(report, ReportFormat.MSGPACK);
    MsgpackFormats.assertOldSpec(ours);
    assertThat(ReportCodec.decode(ours, ReportFormat.MSGPACK, ReportLimits.DEFAULT)).isEqualTo(report);
  }
}
