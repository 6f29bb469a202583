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
 */
public final class EmbeddedRedis implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);

  /** Where the Redis serving us comes from. */
  public enum Source { EXTERNAL, REDIS_SERVER_PROCESS, EMBEDDED_JAR }

  private final int port;
  private final Source source;
  private final Process process;
  private final redis.embedded.RedisServer embedded;

  private EmbeddedRedis(int port, Source source, Process process, redis.embedded.RedisServer embedded) {
    this.port = port;
    this.source = source;
    this.process = process;
    this.embedded = embedded;
  }

  /** Uses a Redis already answering on {@code port}; the caller keeps no ownership of it. */
  public static EmbeddedRedis external(int port) {
    return new EmbeddedRedis(port, Source.EXTERNAL, null, null);
  }

  /** Starts a private Redis on {@code port} (0 picks a free one). */
  public static EmbeddedRedis start(int port) {
    int p = FreePorts.orPick(port);
    String binary = findOnPath("redis-server");
    try {
      if (binary != null) {
        List<String> cmd = new ArrayList<>(List.of(binary, "--bind", "127.0.0.1", "--port", String.valueOf(p),
            "--save", "", "--appendonly", "no", "--protected-mode", "no"));
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        EmbeddedRedis r = new EmbeddedRedis(p, Source.REDIS_SERVER_PROCESS, proc, null);
        r.awaitPing();
        log.info("Redis: started {} on 127.0.0.1:{} (pid {})", binary, p, proc.pid());
        return r;
      }
      redis.embedded.RedisServer server = redis.embedded.RedisServer.newRedisServer().port(p).bind("127.0.0.1")
          .setting("save \"\"").setting("appendonly no").build();
      server.start();
      EmbeddedRedis r = new EmbeddedRedis(p, Source.EMBEDDED_JAR, null, server);
      r.awaitPing();
      log.info("Redis: no redis-server installed, started the embedded-redis binary on 127.0.0.1:{}", p);
      return r;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start Redis: " + e.getMessage(), e);
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
    return "redis://127.0.0.1:" + port;
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
  }

  /** Starts our Redis again on the same port after {@link #stop()} (tests of Redis outages). */
  public EmbeddedRedis restart() {
    stop();
    return start(port);
  }

  @Override
  public void close() {
    stop();
  }
}
