package io.scopeline.bench;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The ingest hot path per report, one thread: gunzip floor, decode, decode + merge into a window,
 * and encode. Throughput is reports per second; the runner derives MB/s and ratios to the floor.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
public class CodecBenchmark {
  @Param({BenchmarkInputs.FIXTURE, BenchmarkInputs.REAL_PROBE, BenchmarkInputs.SYNTHETIC})
  public String input;

  /** Deflate level of {@code encode}: -1 = zlib's default (6), 1 = fastest. */
  @Param({"-1"})
  public int gzipLevel;

  private byte[] body;
  private Report decoded;
  private Report window;
  private final byte[] sink = new byte[16 * 1024];

  @Setup
  public void setUp() {
    List<byte[]> bodies = BenchmarkInputs.bodies(input);
    body = bodies.get(0);
    decoded = ReportUpgrade.upgrade(BenchmarkInputs.decode(body));
    // The window a new report lands in: the same probe's other publishes, already merged.
    Report w = Report.withDefaults();
    for (byte[] b : bodies) {
      w = w.merge(ReportUpgrade.upgrade(BenchmarkInputs.decode(b)));
    }
    window = w;
  }

  /** The floor: only gunzip the same bytes into a sink. */
  @Benchmark
  public long gunzipFloor() throws IOException {
    long total = 0;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body), sink.length)) {
      int n;
      while ((n = in.read(sink)) > 0) {
        total += n;
      }
    }
    return total;
  }

  @Benchmark
  public Report decode() {
    return BenchmarkInputs.decode(body);
  }

  /** What ingest does per report: decode, upgrade, merge into the open window. */
  @Benchmark
  public Report decodeAndMerge() {
    return window.merge(ReportUpgrade.upgrade(BenchmarkInputs.decode(body)));
  }

  @Benchmark
  public Report mergeOnly() {
    return window.merge(decoded);
  }

  @Benchmark
  public void encode(Blackhole bh) {
    bh.consume(ReportCodec.encode(decoded, ReportFormat.MSGPACK_GZIP, gzipLevel));
  }
}
