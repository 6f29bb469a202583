package io.scopeline.bench;

import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import io.scopeline.model.Reports;
import io.scopeline.render.EndpointOwners;
import io.scopeline.simulator.ProbeFleet;
import java.time.Duration;
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
 * What keeping endpoints apart by owner costs when a long window's pieces are merged: a minute of
 * quanta (20) of a simulated Kubernetes fleet of {@code hosts} hosts (4 containers of 2 processes
 * each, 1% churn a publish), merged plainly ({@link Reports#merge}, the baseline) and by
 * {@link EndpointOwners#merge} (what window reads and roll-ups use).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar WindowMergeBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-XX:+UseParallelGC"})
public class WindowMergeBenchmark {
  @Param({"10", "100"})
  public int hosts;

  private final List<Report> quanta = new ArrayList<>();

  @Setup
  public void setUp() {
    long start = 1_800_000_000_000_000_000L;
    ProbeFleet fleet = new ProbeFleet(new ProbeFleet.Spec(1, hosts, 4, 2, 0.01, Duration.ofSeconds(3), 7, true),
        start);
    for (int q = 0; q < 20; q++) {
      List<Report> reports = new ArrayList<>();
      fleet.tick(start + q * 3_000_000_000L + 1_000_000_000L).forEach(o -> reports.add(o.report()));
      quanta.add(ReportUpgrade.upgrade(Reports.merge(reports)));
    }
  }

  @Benchmark
  public Report plain() {
    return Reports.merge(quanta);
  }

  @Benchmark
  public Report byOwner() {
    return EndpointOwners.merge(quanta);
  }
}
