package io.scopeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.testing.ScopeAnswers;
import io.scopeline.testsupport.SharedFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code scopeline-report render|topologies|node} print what Scope answered for the fixture. */
class CliRenderConformanceTest {
  static List<ScopeAnswers.Answer> cases() {
    return ScopeAnswers.topology(false);
  }

  private String stdout;
  private String stderr;

  private int run(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new ScopelineReport(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(args.toArray(String[]::new));
    stdout = out.toString(StandardCharsets.UTF_8);
    stderr = err.toString(StandardCharsets.UTF_8);
    return code;
  }

  /** The command line that asks what {@code url} asked. */
  static List<String> commandFor(String url, String input) {
    int q = url.indexOf('?');
    String path = q < 0 ? url : url.substring(0, q);
    List<String> args = new ArrayList<>();
    String[] parts = path.substring("/api/topology".length()).split("/", 3);
    if (parts.length <= 1) {
      args.add("topologies");
    } else if (parts.length == 2) {
      args.addAll(List.of("render", parts[1]));
    } else {
      args.addAll(List.of("node", parts[1], URLDecoder.decode(parts[2], StandardCharsets.UTF_8)));
    }
    if (q >= 0) {
      args.add(url.substring(q + 1));
    }
    args.add(input);
    return args;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void printsWhatScopeAnswered(ScopeAnswers.Answer c) {
    String input = SharedFixtures.fixture("fixture/report.msgpack.gz").toString();
    assertThat(run(commandFor(c.url(), input))).as(stderr).isZero();
    assertThat(ScopeAnswers.diff(c, stdout.getBytes(StandardCharsets.UTF_8))).isEmpty();
  }

  @Test
  void unknownTopologiesAndNodesAreBadInputWithOneLine() {
    String input = SharedFixtures.fixture("fixture/report.msgpack.gz").toString();
    assertThat(run(List.of("render", "nope", input))).isEqualTo(2);
    assertThat(stderr).contains("unknown topology 'nope'").contains("hosts");
    assertThat(stdout).isEmpty();
    assertThat(run(List.of("node", "hosts", "missing;<host>", input))).isEqualTo(2);
    assertThat(stderr.lines().count()).isEqualTo(1);
  }
}
