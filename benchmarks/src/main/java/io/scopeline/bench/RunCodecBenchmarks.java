package io.scopeline.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link CodecBenchmark} with the allocation profiler and prints a Markdown table for
 * RESULTS.md: reports/s, µs per report, MB/s of gzip and of msgpack, allocation per report, and
 * each figure as a ratio to the gunzip floor measured in the same run.
 */
public final class RunCodecBenchmarks {
  private RunCodecBenchmarks() {}

  public static void main(String[] args) throws RunnerException {
    String shared = System.getProperty("scopeline.shared.dir", "../shared");
    Options opts = new OptionsBuilder().include(CodecBenchmark.class.getName() + "\\.")
        .addProfiler(GCProfiler.class).jvmArgsAppend("-Dscopeline.shared.dir=" + shared).build();
    Collection<RunResult> results = new Runner(opts).run();

    Map<String, Map<String, double[]>> byInput = new TreeMap<>();
    for (RunResult r : results) {
      String input = r.getParams().getParam("input");
      String bench = r.getParams().getBenchmark().replaceAll(".*\\.", "");
      Result<?> primary = r.getPrimaryResult();
      Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      byInput.computeIfAbsent(input, k -> new HashMap<>()).put(bench,
          new double[] {primary.getScore(), primary.getScoreError(), alloc == null ? Double.NaN : alloc.getScore()});
    }
    StringBuilder md = new StringBuilder();
    for (var e : byInput.entrySet()) {
      String input = e.getKey();
      var body = BenchmarkInputs.bodies(input).get(0);
      int gz = body.length;
      int plain = io.scopeline.codec.ReportCodec.encode(BenchmarkInputs.decode(body),
          io.scopeline.codec.ReportFormat.MSGPACK).length;
      double floor = e.getValue().get("gunzipFloor")[0];
      md.append(String.format(Locale.ROOT, "%n### input `%s` (%.1f KB gzip, %.1f KB msgpack)%n%n", input, gz / 1024.0,
          plain / 1024.0));
      md.append("| benchmark | reports/s (±99.9%) | µs/report | MB/s gzip | MB/s msgpack | B allocated/report |"
          + " time vs gunzip floor |\n|---|---|---|---|---|---|---|\n");
      for (String bench : new String[] {"gunzipFloor", "decode", "mergeOnly", "decodeAndMerge", "encode"}) {
        double[] v = e.getValue().get(bench);
        if (v == null) {
          continue;
        }
        md.append(String.format(Locale.ROOT, "| %s | %,.0f (±%,.0f) | %.1f | %.1f | %.1f | %,.0f | %.2f× |%n", bench,
            v[0], v[1], 1e6 / v[0], v[0] * gz / 1e6, v[0] * plain / 1e6, v[2], floor / v[0]));
      }
    }
    System.out.println(md);
  }
}
