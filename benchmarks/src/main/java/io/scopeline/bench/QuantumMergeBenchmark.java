package io.scopeline.bench;

import io.scopeline.model.Report;
import io.scopeline.model.ReportAccumulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Merging many reports into one, by folding {@link Report#merge} (the baseline) and with
 * {@link ReportAccumulator} (what ingest segments and window reads use). Shape {@code fleet}: one
 * quantum of a tenant, {@code hosts} different hosts' reports (6 containers, 40 processes and
 * endpoints each); shape {@code window}: a 15 s window, five quanta each holding all those hosts.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar QuantumMergeBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
public class QuantumMergeBenchmark {
  @Param({"10", "100", "1000"})
  public int hosts;

  @Param({"fleet", "window"})
  public String shape;

  private final List<Report> reports = new ArrayList<>();

  @Setup
  public void setUp() {
    for (int i = 0; i < hosts; i++) {
      reports.add(BenchmarkInputs.syntheticHost("host-" + i, 6, 40));
    }
    if (shape.equals("window")) {
      // Five equal quanta that share no objects, as five decoded objects would be.
      List<Report> quanta = new ArrayList<>();
      for (int q = 0; q < 5; q++) {
        Report quantum = Report.EMPTY;
        for (int i = 0; i < hosts; i++) {
          quantum = quantum.merge(BenchmarkInputs.syntheticHost("host-" + i, 6, 40));
        }
        quanta.add(quantum.withId("quantum-" + q));
      }
      reports.clear();
      reports.addAll(quanta);
    }
  }

  @Benchmark
  public Report fold() {
    Report merged = Report.EMPTY;
    for (Report r : reports) {
      merged = merged.merge(r);
    }
    return merged;
  }

  @Benchmark
  public Report accumulate() {
    ReportAccumulator merged = new ReportAccumulator();
    for (Report r : reports) {
      merged.add(r);
    }
    return merged.build();
  }
}
