package io.scopeline.scaleout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A Scopeline service in its own JVM (as a replica on another machine would be), killable with SIGKILL. */
final class ServiceProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final int port;
  private final Process process;

  private ServiceProcess(String name, int port, Process process) {
    this.name = name;
    this.port = port;
    this.process = process;
  }

  static ServiceProcess start(String name, String mainClass, int port, Map<String, String> properties)
      throws IOException {
    Path logs = Files.createDirectories(Path.of("target", "scaleout-logs"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        mainClass, "--server.port=" + port));
    properties.forEach((k, v) -> cmd.add("--" + k + "=" + v));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(logs.resolve(name + ".log").toFile()).start();
    return new ServiceProcess(name, port, p);
  }

  /** Waits until {@code path} answers 200, failing early if the process died. */
  ServiceProcess awaitReady(String path, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + "; see target/scaleout-logs/" + name
            + ".log");
      }
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError(name + " not ready within " + within + "; see target/scaleout-logs/" + name + ".log");
  }

  /** Saves a thread dump beside the log (for diagnosing a failed run). */
  void threadDump(String label) {
    try {
      Path out = Path.of("target", "scaleout-logs", name + "-" + label + ".threads");
      new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).redirectOutput(out.toFile())
          .start().waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      // best effort
    }
  }

  /** What the process has logged so far. */
  String log() throws IOException {
    return Files.readString(Path.of("target", "scaleout-logs", name + ".log"));
  }

  /** SIGKILL: no shutdown hooks, no flush, no commit — a crashed machine. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
