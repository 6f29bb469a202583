package io.scopeline.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import reactor.core.Disposable;
import reactor.netty.http.websocket.WebsocketInbound;

/**
 * The live path through the real endpoints, with a live fleet: the standalone jar (embedded Kafka,
 * S3, DynamoDB, Redis, ingest and query, a simulated fleet re-posting every 3 s) runs as a child
 * process, so its CPU and memory are measured apart from the clients'.
 *
 * <ul>
 *   <li>{@code GET /api/topology/{view}} latency per view with 1 and 8 clients, plain and (with
 *       {@code encodings=identity,gzip}) gzipped; the same-run floor is the same server serving a
 *       static file of the same bytes (pre-encoded body).
 *   <li>Time to the first WebSocket frame per view, of a new stream and of one already watched.
 *   <li>WebSocket fan-out: N watchers of one view (or spread over many views), the server's CPU
 *       above its idle (fleet running, no watchers), share of frames delivered, largest gap, RSS.
 * </ul>
 *
 * <p>Run (after {@code ./mvnw -q -pl standalone -am -DskipTests install}):
 * {@code ./mvnw -q -pl benchmarks exec:java -Dbench.main=io.scopeline.bench.LiveViewLoad
 * -Dexec.args="hosts=10,100 clients=1,8 seconds=10 wsHosts=30 watchers=100,1000 spread=1000/100"}.
 * {@code -DserverXmx=6g} sets the server's heap; {@code -DserverJvmArgs="..."} (space-separated)
 * adds JVM flags to it, e.g. {@code -XX:StartFlightRecording=filename=/tmp/server.jfr} to profile it.
 */
public final class LiveViewLoad {
  private static List<String> VIEWS = List.of("hosts", "processes", "processes-by-name", "containers",
      "containers-by-hostname", "containers-by-image", "pods", "services");
  private static final long TICKS = Long.parseLong(System.getProperty("ticks", "30"));

  private LiveViewLoad() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    Path jar = Path.of(a.getOrDefault("jar", "standalone/target/scopeline-standalone.jar")).toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: ./mvnw -q -pl standalone -am -DskipTests install");
    }
    int seconds = Integer.parseInt(a.getOrDefault("seconds", "10"));
    if (a.containsKey("views")) {
      VIEWS = List.of(a.get("views").split(","));
    }
    for (String h : a.getOrDefault("hosts", "10,100").split(",")) {
      if (h.isBlank()) {
        continue;
      }
      try (Server server = Server.start(jar, Integer.parseInt(h))) {
        int[] clients = Arrays.stream(a.getOrDefault("clients", "1,8").split(",")).mapToInt(Integer::parseInt)
            .toArray();
        for (String encoding : a.getOrDefault("encodings", "identity").split(",")) {
          requests(server, clients, seconds, encoding.equals("gzip"));
        }
        if (Boolean.parseBoolean(a.getOrDefault("firstFrames", "true"))) {
          firstFrames(server);
        }
      }
    }
    String wsHosts = a.getOrDefault("wsHosts", "30");
    if (!wsHosts.isBlank() && !a.getOrDefault("watchers", "").isBlank() || a.containsKey("spread")) {
      try (Server server = Server.start(jar, Integer.parseInt(wsHosts))) {
        double idle = server.cores(Duration.ofSeconds(10));
        System.out.printf(Locale.ROOT, "%nWebSocket fan-out, %s hosts, containers view, t=1s, %d ticks; idle server"
            + " (fleet running, no watchers): %.2f cores, RSS %d MB%n", wsHosts, TICKS, idle, server.rssMb());
        System.out.println("watchers  views   cores  above-idle  core-ms/watcher-frame  frames  min    largest-gap-ms"
            + "  RSS-MB   (frames: share of what the view's best-served watcher got, at least one per tick;"
            + " min: fewest frames of one watcher)");
        for (String w : a.getOrDefault("watchers", "100,1000").split(",")) {
          if (!w.isBlank()) {
            fanOut(server, Integer.parseInt(w), 1, idle);
          }
        }
        for (String s : a.getOrDefault("spread", "").split(",")) {
          if (!s.isBlank()) {
            String[] wv = s.split("/");
            fanOut(server, Integer.parseInt(wv[0]), Integer.parseInt(wv[1]), idle);
          }
        }
      }
    }
  }

  // ---- requests -----------------------------------------------------------------------------

  private static void requests(Server server, int[] clientCounts, int seconds, boolean gzip) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Map<String, Integer> sizes = new HashMap<>();
    for (String view : VIEWS) {
      byte[] body = get(http, server.url("/api/topology/" + view), gzip);
      if (gzip) {
        // The first gzip request of a version may get JSON while its gzip is made.
        for (int i = 0; i < 50 && !isGzip(body); i++) {
          Thread.sleep(100);
          body = get(http, server.url("/api/topology/" + view), true);
        }
      }
      sizes.put(view, body.length);
      // The floor: the same bytes as a static file of the same server (no window, no render).
      Files.write(server.floorDir.resolve(floorFile(view, gzip)), body);
    }
    String counts = get(http, server.url("/api/topology"), false).length > 0 ? countNodes(http, server) : "";
    System.out.printf(Locale.ROOT, "%n%d hosts (%s), GET /api/topology/{view}%s, %d s per view and client count,"
        + " after 10 s of warm-up%n", server.hosts, counts, gzip ? " with Accept-Encoding: gzip" : "", seconds);
    load(http, server, 4, Duration.ofSeconds(10), VIEWS.get(1), false, gzip);
    System.out.println("clients  view                      bytes     p50 ms   p99 ms   floor p50   floor p99   req/s"
        + "  failed  smallest");
    for (int clients : clientCounts) {
      for (String view : VIEWS) {
        double[] live = load(http, server, clients, Duration.ofSeconds(seconds), view, false, gzip);
        double[] floor = load(http, server, clients, Duration.ofSeconds(Math.max(2, seconds / 2)), view, true, gzip);
        System.out.printf(Locale.ROOT, "%7d  %-24s %7d  %8.2f %8.2f  %10.2f  %10.2f  %6.0f  %6.0f  %8.0f%n", clients,
            view, sizes.get(view), live[0], live[1], floor[0], floor[1], live[2], live[3] + floor[3], live[4]);
      }
    }
  }

  private static String floorFile(String view, boolean gzip) {
    return "floor-" + view + (gzip ? ".json.gz" : ".json");
  }

  private static boolean isGzip(byte[] body) {
    return body.length > 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b;
  }

  private static String countNodes(HttpClient http, Server server) throws Exception {
    String processes = new String(get(http, server.url("/api/topology/processes"), false));
    String containers = new String(get(http, server.url("/api/topology/containers"), false));
    return count(processes) + " processes, " + count(containers) + " containers";
  }

  private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
      .build();

  /** Nodes in a {@code GET /api/topology/{view}} answer. */
  private static int count(String topologyJson) {
    var nodes = JSON.readTree(topologyJson).get("nodes");
    return nodes == null ? 0 : nodes.size();
  }

  /** p50, p99 (ms), requests per second, failed requests and the smallest body of {@code clients} looping GETs for {@code d}. */
  private static double[] load(HttpClient http, Server server, int clients, Duration d, String view, boolean floor,
      boolean gzip) throws Exception {
    URI uri = server.url(floor ? "/" + floorFile(view, gzip) : "/api/topology/" + view);
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong smallest = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long end = System.nanoTime() + d.toNanos();
    for (int c = 0; c < clients; c++) {
      pool.submit(() -> {
        while (System.nanoTime() < end) {
          long t0 = System.nanoTime();
          try {
            smallest.accumulateAndGet(get(http, uri, gzip).length, Math::min);
            latencies.add(System.nanoTime() - t0);
          } catch (Exception e) {
            // Counted and shown, never folded into the latencies: a fast error is not a fast answer.
            if (failed.getAndIncrement() == 0) {
              System.out.println("  first failure of " + uri + ": " + e.getMessage());
            }
          }
        }
        return null;
      });
    }
    pool.shutdown();
    pool.awaitTermination(d.toSeconds() + 60, TimeUnit.SECONDS);
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return new double[] {Double.NaN, Double.NaN, 0, failed.get(), 0};
    }
    return new double[] {sorted[sorted.length / 2] / 1e6, sorted[(int) Math.min(sorted.length - 1,
        Math.ceil(sorted.length * 0.99) - 1)] / 1e6, sorted.length / (double) d.toSeconds(), failed.get(),
        smallest.get()};
  }

  /** The body as sent (a gzip body is not unpacked: that is the client's cost, not the server's). */
  private static byte[] get(HttpClient http, URI uri, boolean gzip) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (gzip) {
      request.header("Accept-Encoding", "gzip");
    }
    HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + new String(r.body()));
    }
    return r.body();
  }

  // ---- first frames -------------------------------------------------------------------------

  /**
   * Time from opening a WebSocket to its first frame, per view: of a view no one watches yet (a new
   * frame stream: the view is rendered for it) and of a view already watched (the stream's latest
   * frame is replayed).
   */
  private static void firstFrames(Server server) throws Exception {
    reactor.netty.http.client.HttpClient client = reactor.netty.http.client.HttpClient.newConnection();
    System.out.printf(Locale.ROOT, "%n%d hosts, time to the first WebSocket frame (t=1s), 5 sockets per row%n",
        server.hosts);
    // The very first WebSocket of both JVMs loads and compiles the WebSocket code of client and
    // server alike: timed apart (a small view), so the rows below time what each view costs.
    List<Disposable> warm = new ArrayList<>();
    long cold = firstFrame(client, server.url("/api/topology/processes-by-name/ws?t=1s&first=cold"), warm)[0];
    warm.forEach(Disposable::dispose);
    System.out.printf(Locale.ROOT, "first WebSocket of client and server (processes-by-name, cold): %.1f ms%n",
        cold / 1e6);
    System.out.println("view                      new stream p50 ms   max ms   joining p50 ms   max ms   frame bytes");
    int round = 0;
    for (String view : VIEWS) {
      double[] fresh = new double[5];
      double[] joining = new double[5];
      long bytes = 0;
      for (int i = 0; i < 5; i++) {
        // A parameter the server ignores but keys streams by: each socket a view no one watches.
        String path = "/api/topology/" + view + "/ws?t=1s&first=" + (round++);
        List<Disposable> open = new ArrayList<>();
        long[] first = firstFrame(client, server.url(path), open);
        fresh[i] = first[0] / 1e6;
        bytes = Math.max(bytes, first[1]);
        joining[i] = firstFrame(client, server.url(path), open)[0] / 1e6;
        open.forEach(Disposable::dispose);
      }
      Arrays.sort(fresh);
      Arrays.sort(joining);
      System.out.printf(Locale.ROOT, "%-24s  %18.1f  %7.1f  %15.1f  %7.1f  %12d%n", view, fresh[2], fresh[4],
          joining[2], joining[4], bytes);
    }
  }

  /** Nanoseconds from connecting to the first frame, and its size; the socket stays open in {@code open}. */
  private static long[] firstFrame(reactor.netty.http.client.HttpClient client, URI uri, List<Disposable> open)
      throws Exception {
    java.util.concurrent.CompletableFuture<long[]> got = new java.util.concurrent.CompletableFuture<>();
    long t0 = System.nanoTime();
    open.add(client.websocket(reactor.netty.http.client.WebsocketClientSpec.builder().maxFramePayloadLength(1 << 30)
            .build()).uri(uri.toString())
        .handle((WebsocketInbound in, Object out) -> in.aggregateFrames(1 << 30).receiveFrames().doOnNext(f -> {
          got.complete(new long[] {System.nanoTime() - t0, f.content().readableBytes()});
        }).then())
        .subscribe(v -> { }, got::completeExceptionally));
    return got.get(60, TimeUnit.SECONDS);
  }

  // ---- WebSocket fan-out --------------------------------------------------------------------

  private static void fanOut(Server server, int watchers, int views, double idleCores) throws Exception {
    AtomicLongArray frames = new AtomicLongArray(watchers);
    AtomicLongArray lastAt = new AtomicLongArray(watchers);
    AtomicLongArray maxGap = new AtomicLongArray(watchers);
    AtomicLong measuring = new AtomicLong(Long.MAX_VALUE);
    CountDownLatch first = new CountDownLatch(watchers);
    // No pool: every watcher its own connection (the pool would cap them at 500).
    reactor.netty.http.client.HttpClient client = reactor.netty.http.client.HttpClient.newConnection();
    List<Disposable> sockets = new ArrayList<>();
    for (int i = 0; i < watchers; i++) {
      int w = i;
      String path = "/api/topology/containers/ws?t=1s" + (views > 1 ? "&bench=" + (i % views) : "");
      sockets.add(client.websocket().uri(server.url(path).toString())
          .handle((WebsocketInbound in, Object out) -> in.receiveFrames().doOnNext(f -> {
            long now = System.nanoTime();
            if (lastAt.get(w) == 0) {
              first.countDown();
            }
            if (now >= measuring.get()) {
              frames.incrementAndGet(w);
              long prev = Math.max(lastAt.get(w), measuring.get());
              maxGap.accumulateAndGet(w, now - prev, Math::max);
            }
            lastAt.set(w, now);
          }).then())
          .subscribe(v -> { }, e -> { }));
      if (i % 100 == 99) {
        Thread.sleep(50);
      }
    }
    if (!first.await(120, TimeUnit.SECONDS)) {
      System.out.printf("only %d of %d watchers got a first frame%n", watchers - first.getCount(), watchers);
    }
    Thread.sleep(3_000);
    measuring.set(System.nanoTime());
    double cores = server.cores(Duration.ofSeconds(TICKS));
    long stop = System.nanoTime();
    long[] counts = new long[watchers];
    long gap = 0;
    long total = 0;
    // Frames sent to a view = ticks plus shortcut pushes; the watcher of a view that got the most
    // is the reference for that view's share.
    long[] mostOfView = new long[views];
    for (int i = 0; i < watchers; i++) {
      mostOfView[i % views] = Math.max(mostOfView[i % views], frames.get(i));
    }
    long expected = 0;
    for (int i = 0; i < watchers; i++) {
      counts[i] = frames.get(i);
      total += counts[i];
      expected += Math.max(mostOfView[i % views], TICKS);
      gap = Math.max(gap, Math.max(maxGap.get(i), stop - Math.max(lastAt.get(i), measuring.get())));
    }
    Arrays.sort(counts);
    long rss = server.rssMb();
    sockets.forEach(Disposable::dispose);
    double above = cores - idleCores;
    System.out.printf(Locale.ROOT, "%8d  %5d  %6.2f  %10.2f  %21.4f  %5.1f%%  %4d  %14.0f  %6d%n", watchers, views, cores,
        above, total == 0 ? Double.NaN : above * TICKS * 1000 / total,
        100.0 * total / expected, counts[0], gap / 1e6, rss);
    Thread.sleep(5_000);
  }

  // ---- the server under test ----------------------------------------------------------------

  /** The standalone jar as a child process on free ports, with a fleet of {@code hosts}. */
  private static final class Server implements AutoCloseable {
    final Process process;
    final int port;
    final int hosts;
    final Path floorDir;
    final Path dataDir;

    private Server(Process process, int port, int hosts, Path floorDir, Path dataDir) {
      this.process = process;
      this.port = port;
      this.hosts = hosts;
      this.floorDir = floorDir;
      this.dataDir = dataDir;
    }

    static Server start(Path jar, int hosts) throws Exception {
      Path data = Files.createTempDirectory("scopeline-bench-data");
      Path floor = Files.createTempDirectory("scopeline-bench-floor");
      int port = free();
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx" + System.getProperty("serverXmx", "3g")));
      // e.g. -DserverJvmArgs="-XX:StartFlightRecording=filename=/tmp/s.jfr" to profile the server.
      for (String extra : System.getProperty("serverJvmArgs", "").split(" ")) {
        if (!extra.isBlank()) {
          cmd.add(extra);
        }
      }
      cmd.addAll(List.of("-jar", jar.toString(), "--data", data.toString(), "--demo-hosts",
          Integer.toString(hosts), "--http-port", Integer.toString(port),
          "--kafka-port", Integer.toString(free()), "--s3-port", Integer.toString(free()),
          "--dynamodb-port", Integer.toString(free()), "--redis-port", Integer.toString(free())));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(data.resolve("server.log").toFile());
      pb.environment().put("SPRING_WEB_RESOURCES_STATIC_LOCATIONS", "classpath:/static/,file:" + floor + "/");
      Server s = new Server(pb.start(), port, hosts, floor, data);
      s.awaitFleet();
      return s;
    }

    URI url(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Until every simulated host is in the window (the fleet has posted and ingest persisted). */
    void awaitFleet() throws Exception {
      HttpClient http = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the server exited; see " + dataDir.resolve("server.log"));
        }
        try {
          String body = new String(get(http, url("/api/topology/hosts"), false));
          if (count(body) >= hosts) {
            Thread.sleep(15_000); // a full window of quanta, and the JIT's first pass
            return;
          }
        } catch (IOException | IllegalStateException e) {
          // not up yet
        }
        Thread.sleep(1_000);
      }
      throw new IllegalStateException("the fleet did not show within 4 minutes; see " + dataDir.resolve("server.log"));
    }

    /** The server process's CPU use over {@code d}, in cores. */
    double cores(Duration d) throws Exception {
      return ProcessCpu.cores(process.pid(), d);
    }

    long rssMb() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
        }
      }
      return -1;
    }

    private static int free() throws IOException {
      try (ServerSocket s = new ServerSocket(0)) {
        return s.getLocalPort();
      }
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
