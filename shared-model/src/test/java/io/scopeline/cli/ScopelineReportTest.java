package io.scopeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import io.scopeline.testing.JsonCompare;
import io.scopeline.testsupport.SharedFixtures;
import io.scopeline.testing.Unstable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line tool, run in-process with captured output. */
class ScopelineReportTest {
  @TempDir
  Path dir;

  private String stdout;
  private String stderr;

  private int run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new ScopelineReport(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    stdout = out.toString(StandardCharsets.UTF_8);
    stderr = err.toString(StandardCharsets.UTF_8);
    return code;
  }

  private Path writeReport(String name, Report r) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, ReportCodec.encode(r, ReportFormat.fromFileName(name)));
    return p;
  }

  private static Report hostReport(String host) {
    Node n = Node.of(host + ";<host>", "host").withLatest("host_name", 1_000_000_000L, host);
    return Report.builder().id(host).windowNanos(3_000_000_000L)
        .topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(n)).build();
  }

  @Test
  void convertsBetweenEveryPairOfFormats() throws IOException {
    Path in = writeReport("in.json", hostReport("a"));
    for (ReportFormat format : ReportFormat.values()) {
      Path out = dir.resolve("out" + format.extension());
      assertThat(run("convert", in.toString(), out.toString())).isZero();
      assertThat(stdout).isEmpty();
      Report back = ReportCodec.decode(Files.readAllBytes(out), format, ReportLimits.DEFAULT);
      assertThat(back).isEqualTo(hostReport("a"));
    }
  }

  @Test
  void theOutputFormatComesFromTheLastExtension() throws IOException {
    Path in = writeReport("a.msgpack.gz", hostReport("a"));
    Path out = dir.resolve("a.msgpack.gz.json");
    assertThat(run("convert", in.toString(), out.toString())).isZero();
    byte[] written = Files.readAllBytes(out);
    assertThat(written[0]).as("plain JSON, not gzip").isEqualTo((byte) '{');
    assertThat(ReportCodec.decode(written, ReportFormat.JSON, ReportLimits.DEFAULT)).isEqualTo(hostReport("a"));
  }

  @Test
  void summaryPrintsEveryTopologyInCanonicalOrderWithCounts() throws IOException {
    Path a = writeReport("a.msgpack.gz", hostReport("a"));
    Path b = writeReport("b.msgpack", hostReport("b"));
    assertThat(run("summary", a.toString(), b.toString())).isZero();
    String[] lines = stdout.split("\n");
    assertThat(lines).hasSize(23);
    assertThat(lines[0]).isEqualTo("Endpoint\t0");
    assertThat(lines[1]).isEqualTo("Process\t0");
    assertThat(lines[12]).isEqualTo("Host\t2");
    assertThat(lines[22]).isEqualTo("Job\t0");
    assertThat(stderr).isEmpty();
  }

  @Test
  void mergeSumsWindowsLikeScopesApiReport() throws IOException {
    Path a = writeReport("a.json", hostReport("a"));
    Path b = writeReport("b.json.gz", hostReport("b"));
    Path out = dir.resolve("merged.json");
    assertThat(run("merge", out.toString(), a.toString(), b.toString())).isZero();
    Report merged = ReportCodec.decode(Files.readAllBytes(out), ReportFormat.JSON, ReportLimits.DEFAULT);
    assertThat(merged.windowNanos()).isEqualTo(6_000_000_000L);
    assertThat(merged.topology(TopologyType.HOST).nodes().size()).isEqualTo(2);
    assertThat(merged.topology(TopologyType.PROCESS).shape()).isEqualTo("square");
  }

  @Test
  void mergeOfTheFixtureMatchesScopesApiReport() throws IOException {
    Path in = SharedFixtures.fixture("fixture/report.msgpack.gz");
    Path out = dir.resolve("api_report.json");
    assertThat(run("merge", out.toString(), in.toString())).isZero();
    assertThat(JsonCompare.diff(JsonCompare.parse(SharedFixtures.read("fixture/expected/api_report.json")),
        JsonCompare.parse(Files.readAllBytes(out)), Unstable.pathsFor("api_report.json"))).isEmpty();
  }

  @Test
  void summaryOfRealProbeFullAndDelta() {
    assertThat(run("summary", SharedFixtures.fixture("realprobe/inputs/post-full.gz.msgpack").toString(),
        SharedFixtures.fixture("realprobe/inputs/post-delta.gz.msgpack").toString())).isZero();
    assertThat(stdout).contains("Process\t18\n").contains("Host\t1\n");
  }

  private void assertBadInput(int code) {
    assertThat(code).isEqualTo(2);
    assertThat(stdout).isEmpty();
    assertThat(stderr.strip().lines().count()).as("one line on stderr: %s", stderr).isEqualTo(1);
    assertThat(stderr).startsWith("scopeline-report: ");
  }

  @Test
  void badInputsExitTwoWithOneLineAndNoOutput() throws IOException {
    Path junk = dir.resolve("junk.msgpack.gz");
    Files.write(junk, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
    Path out = dir.resolve("out.json");
    assertBadInput(run("convert", junk.toString(), out.toString()));
    assertThat(stderr).contains("junk.msgpack.gz").contains("gzip");
    assertThat(out).doesNotExist();

    assertBadInput(run("summary", dir.resolve("missing.json").toString()));
    assertThat(stderr).contains("no such file");

    Path good = writeReport("good.json", hostReport("a"));
    assertBadInput(run("convert", good.toString(), dir.resolve("out.txt").toString()));
    assertThat(stderr).contains(".msgpack.gz");

    Path wrong = dir.resolve("wrong.json");
    Files.writeString(wrong, "{\"Window\":\"soon\"}");
    assertBadInput(run("summary", wrong.toString()));
    assertThat(stderr).contains("Window");

    assertBadInput(run("frobnicate"));
    assertBadInput(run("merge", "only-out.json"));
    assertBadInput(run());
  }

  @Test
  void aNodeNamingAnotherTopologyIsBadInputBeforeAnyMerge() throws IOException {
    Node asHost = Node.of("x", "host");
    Node asProcess = Node.of("x", "process");
    Path a = writeReport("a.json", Report.builder()
        .topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(asHost)).build());
    Path b = writeReport("b.json", Report.builder()
        .topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(asProcess)).build());
    assertBadInput(run("summary", a.toString(), b.toString()));
    assertThat(stderr).contains("b.json").contains("node 'x' of Host names topology 'process', not 'host'");
  }

  @Test
  void helpGoesToStdout() {
    assertThat(run("--help")).isZero();
    assertThat(stdout).contains("convert").contains("merge").contains("summary");
  }
}
