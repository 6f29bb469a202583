package io.scopeline.simulator;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a simulated fleet: every publish interval each probe sends its report (and any shortcut
 * reports), with a progress line every few seconds. Usable from code ({@link #run}) and as a
 * command:
 *
 * <pre>
 * java -cp … io.scopeline.simulator.Simulator --kafka=localhost:9092 [--topic=scope.reports]
 *     | --http=http://localhost:4040
 *     [--tenants=1] [--probes=5] [--containers=4] [--processes=2] [--churn=0.05]
 *     [--interval=3s] [--duration=0 (forever)] [--seed=1] [--rate=0 (reports/s, 0 = no cap)]
 *     [--kubernetes=false (pods, services, deployments, namespaces)]
 *     [--tenant-prefix=tenant- (tenants are prefix0, prefix1…; with one tenant, a prefix not ending
 *     in '-' is the tenant's whole name)]
 * </pre>
 */
public final class Simulator {
  /** Counts of what was sent. */
  public record Progress(long reports, long bytes, long errors) {}

  private final AtomicLong reports = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean stopped;
  private volatile double maxReportsPerSecond;

  /** Caps the send rate (reports per second over all probes); 0 = no cap, a tick's reports go at once. */
  public Simulator withRateLimit(double reportsPerSecond) {
    this.maxReportsPerSecond = reportsPerSecond;
    return this;
  }

  /** Sends the fleet's reports every interval until {@code duration} has passed (zero: until stopped). */
  public Progress run(ProbeFleet fleet, Publisher publisher, Duration duration, boolean printProgress)
      throws InterruptedException {
    long interval = fleet.spec().publishInterval().toNanos();
    long start = System.nanoTime();
    long next = start;
    long lastPrint = start;
    while (!stopped && (duration.isZero() || System.nanoTime() - start < duration.toNanos())) {
      List<ProbeFleet.Outgoing> batch = fleet.tick(System.currentTimeMillis() * 1_000_000L);
      CompletableFuture<?>[] sends = new CompletableFuture<?>[batch.size()];
      long paceStart = System.nanoTime();
      for (int i = 0; i < batch.size() && !stopped; i++) {
        pace(paceStart, i);
        sends[i] = publisher.send(batch.get(i)).handle((n, e) -> {
          if (e != null) {
            errors.incrementAndGet();
          } else {
            reports.incrementAndGet();
            bytes.addAndGet(n);
          }
          return null;
        });
      }
      for (int i = 0; i < sends.length; i++) {
        if (sends[i] == null) {
          sends[i] = CompletableFuture.completedFuture(null);
        }
      }
      CompletableFuture.allOf(sends).join();
      if (printProgress && System.nanoTime() - lastPrint >= 5_000_000_000L) {
        System.out.printf(Locale.ROOT, "simulator: %d probes, %d reports sent, %.1f MB, %d errors%n", fleet.size(),
            reports.get(), bytes.get() / 1e6, errors.get());
        lastPrint = System.nanoTime();
      }
      next += interval;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
      }
    }
    return progress();
  }

  /** With a rate limit, waits until the {@code sent}-th report of this tick is due. */
  private void pace(long startNanos, int sent) throws InterruptedException {
    double rate = maxReportsPerSecond;
    if (rate <= 0) {
      return;
    }
    long due = startNanos + (long) (sent * 1e9 / rate);
    long wait = due - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
    }
  }

  public Progress progress() {
    return new Progress(reports.get(), bytes.get(), errors.get());
  }

  public void stop() {
    stopped = true;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        System.err.println("simulator: arguments are --name=value (got '" + a + "')");
        System.exit(2);
      }
      opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    ProbeFleet.Spec spec = new ProbeFleet.Spec(Integer.parseInt(opts.getOrDefault("tenants", "1")),
        Integer.parseInt(opts.getOrDefault("probes", "5")), Integer.parseInt(opts.getOrDefault("containers", "4")),
        Integer.parseInt(opts.getOrDefault("processes", "2")), Double.parseDouble(opts.getOrDefault("churn", "0.05")),
        Duration.parse("PT" + opts.getOrDefault("interval", "3s").toUpperCase(Locale.ROOT)),
        Long.parseLong(opts.getOrDefault("seed", "1")), Boolean.parseBoolean(opts.getOrDefault("kubernetes", "false")));
    Duration duration = Duration.parse("PT" + opts.getOrDefault("duration", "0s").toUpperCase(Locale.ROOT));
    Publisher publisher;
    if (opts.containsKey("kafka")) {
      publisher = Publisher.kafka(opts.get("kafka"), opts.getOrDefault("topic", "scope.reports"));
    } else if (opts.containsKey("http")) {
      publisher = Publisher.http(opts.get("http"));
    } else {
      System.err.println("simulator: say where to send: --kafka=host:9092 or --http=http://host:4040");
      System.exit(2);
      return;
    }
    Simulator simulator = new Simulator().withRateLimit(Double.parseDouble(opts.getOrDefault("rate", "0")));
    Runtime.getRuntime().addShutdownHook(new Thread(simulator::stop));
    try (publisher) {
      Progress p = simulator.run(new ProbeFleet(spec, System.currentTimeMillis() * 1_000_000L,
          opts.getOrDefault("tenant-prefix", "tenant-")), publisher, duration, true);
      System.out.printf(Locale.ROOT, "simulator: done, %d reports sent, %.1f MB, %d errors%n", p.reports(),
          p.bytes() / 1e6, p.errors());
    }
  }
}
