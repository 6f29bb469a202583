package io.scopeline.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis for standalone mode and tests: the machine's {@code redis-server} started as a
 * child process when installed, else the redis binary bundled in the embedded-redis jar. Data is
 * not persisted (Redis only ever holds copies in Scopeline).
 *
 * <p>A started {@code redis-server} dies with the JVM that started it, even when that JVM is
 * killed (a watchdog shell waits for the JVM and then stops it); started for a data directory, its
 * pid is kept there, so that a Redis a killed run left behind is stopped by the next start rather
 * than adopted with the old run's state.
 */
public final class EmbeddedRedis implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);

  /** Where the Redis serving us comes from. */
  public enum Source { EXTERNAL, REDIS_SERVER_PROCESS, EMBEDDED_JAR }

  private static final String PID_FILE = "redis.pid";

  private final int port;
  private final String uri;
  private final Source source;
  private final Process process;
  private final redis.embedded.RedisServer embedded;
  private final Path pidFile;

  private EmbeddedRedis(int port, String uri, Source source, Process process, redis.embedded.RedisServer embedded,
      Path pidFile) {
    this.port = port;
    this.uri = uri;
    this.source = source;
    this.process = process;
    this.embedded = embedded;
    this.pidFile = pidFile;
  }

  /** Uses the Redis at {@code uri}; nothing is started or stopped. */
  public static EmbeddedRedis external(String uri) {
    return new EmbeddedRedis(-1, uri, Source.EXTERNAL, null, null, null);
  }

  /** Starts a private Redis on {@code port} (0 picks a free one). */
  public static EmbeddedRedis start(int port) {
    return start(port, null);
  }

  /**
   * Starts a private Redis on {@code port} (0 picks a free one) for {@code dataDir} (null: none),
   * whose pid file it keeps there; call {@link #stopLeftover} first, before checking the port.
   */
  public static EmbeddedRedis start(int port, Path dataDir) {
    int p = FreePorts.orPick(port);
    String binary = findOnPath("redis-server");
    try {
      if (binary != null) {
        List<String> cmd = new ArrayList<>(List.of(binary, "--bind", "127.0.0.1", "--port", String.valueOf(p),
            "--save", "", "--appendonly", "no", "--protected-mode", "no"));
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Path pidFile = null;
        if (dataDir != null) {
          Files.createDirectories(dataDir);
          pidFile = dataDir.resolve(PID_FILE);
          Files.writeString(pidFile, Long.toString(proc.pid()));
        }
        watchdog(proc);
        EmbeddedRedis r = new EmbeddedRedis(p, "redis://127.0.0.1:" + p, Source.REDIS_SERVER_PROCESS, proc, null,
            pidFile);
        r.awaitPing();
        log.info("Redis: started {} on 127.0.0.1:{} (pid {})", binary, p, proc.pid());
        return r;
      }
      redis.embedded.RedisServer server = redis.embedded.RedisServer.newRedisServer().port(p).bind("127.0.0.1")
          .setting("save \"\"").setting("appendonly no").build();
      server.start();
      EmbeddedRedis r = new EmbeddedRedis(p, "redis://127.0.0.1:" + p, Source.EMBEDDED_JAR, null, server, null);
      r.awaitPing();
      log.info("Redis: no redis-server installed, started the embedded-redis binary on 127.0.0.1:{}", p);
      return r;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start Redis: " + e.getMessage(), e);
    }
  }

  /**
   * Stops the {@code redis-server} that an earlier run for {@code dataDir} started and left running
   * (its JVM was killed before it could stop it); a no-op when there is none. A pid that now
   * belongs to another program is left alone.
   */
  public static void stopLeftover(Path dataDir) {
    Path pidFile = dataDir.resolve(PID_FILE);
    if (!Files.exists(pidFile)) {
      return;
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          // Debian's redis-server is a link to redis-check-rdb, and Redis rewrites its command line.
          .filter(h -> h.info().command().map(c -> c.contains("redis")).orElse(false)
              || h.info().commandLine().map(c -> c.contains("redis-server")).orElse(false))
          .ifPresent(h -> {
            log.info("Redis: stopping redis-server (pid {}) that an earlier run for {} left behind", pid, dataDir);
            h.destroy();
            try {
              h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
              h.destroyForcibly();
            }
          });
      Files.deleteIfExists(pidFile);
    } catch (IOException | NumberFormatException e) {
      log.warn("Redis: cannot read {} ({}); an earlier run's Redis may still be running", pidFile, e.toString());
    }
  }

  /**
   * A shell that waits for this JVM to end and then stops {@code redis}, so that a JVM killed with
   * SIGKILL (no shutdown hooks run) leaves no Redis behind. It ends on its own when Redis does.
   */
  private static void watchdog(Process redis) {
    if (!Files.isExecutable(Path.of("/bin/sh"))) {
      return;
    }
    try {
      new ProcessBuilder("/bin/sh", "-c",
          "while kill -0 \"$0\" 2>/dev/null && kill -0 \"$1\" 2>/dev/null; do sleep 1; done; kill \"$1\" 2>/dev/null",
          Long.toString(ProcessHandle.current().pid()), Long.toString(redis.pid()))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      log.warn("Redis: no watchdog ({}); a killed JVM would leave redis-server (pid {}) running", e.toString(),
          redis.pid());
    }
  }

  private static String findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    for (String dir : new String[] {"/usr/bin", "/usr/local/bin", "/usr/sbin"}) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  /** True when a Redis on 127.0.0.1:{@code port} answers PING. */
  public static boolean answersPing(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = new byte[7];
      int n = in.read(reply);
      return n >= 5 && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Makes Redis hold every client's commands for {@code duration} with their connections open
   * ({@code CLIENT PAUSE ... ALL}): to its clients it looks like a blackholed network, not a refusal.
   */
  public void pauseClients(java.time.Duration duration) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(2_000);
      OutputStream out = s.getOutputStream();
      out.write(("CLIENT PAUSE " + duration.toMillis() + " ALL\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] reply = new byte[64];
      int n = s.getInputStream().read(reply);
      String answer = n <= 0 ? "" : new String(reply, 0, n, StandardCharsets.US_ASCII).trim();
      if (!answer.equals("+OK")) {
        throw new IllegalStateException("CLIENT PAUSE refused: " + answer);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Redis on port " + port + " not reachable to pause", e);
    }
  }

  private void awaitPing() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!answersPing(port)) {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException("redis-server exited with status " + process.exitValue());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Redis did not answer PING on port " + port + " within 20 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Redis", e);
      }
    }
  }

  public int port() {
    return port;
  }

  public Source source() {
    return source;
  }

  public String uri() {
    return uri;
  }

  /** Stops the Redis we started (a no-op for an external one). Idempotent. */
  public void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (embedded != null) {
      try {
        embedded.stop();
      } catch (IOException e) {
        log.warn("embedded Redis did not stop cleanly: {}", e.toString());
      }
    }
    if (pidFile != null) {
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        log.debug("pid file {} not removed: {}", pidFile, e.toString());
      }
    }
  }

  /** Starts our Redis again on the same port after {@link #stop()} (tests of Redis outages). */
  public EmbeddedRedis restart() {
    stop();
    return start(port, pidFile == null ? null : pidFile.getParent());
  }

  @Override
  public void close() {
    stop();
  }
}
