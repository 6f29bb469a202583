package io.scopeline.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Redis we start never outlives the JVM that started it, nor is a left-behind one adopted. */
class RedisLifecycleTest {
  @TempDir
  Path dir;

  /** Run in a child JVM: starts a Redis for {@code args[0]} and waits to be killed. */
  public static void main(String[] args) throws Exception {
    EmbeddedRedis.start(0, Path.of(args[0]));
    Thread.sleep(Long.MAX_VALUE);
  }

  @Test
  void aRedisStartedByAJvmThatIsKilledStopsToo() throws Exception {
    Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), RedisLifecycleTest.class.getName(), dir.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      Path pidFile = dir.resolve("redis.pid");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!Files.exists(pidFile) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(pidFile).as("the child started its Redis").exists();
      ProcessHandle redis = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();
      assertThat(redis.isAlive()).isTrue();
      jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
      jvm.waitFor();
      redis.onExit().get(15, TimeUnit.SECONDS);
      assertThat(redis.isAlive()).isFalse();
    } finally {
      jvm.destroyForcibly();
    }
  }

  @Test
  void theNextStartForTheSameDirectoryStopsARedisALeftBehind() throws Exception {
    String binary = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server").stream()
        .filter(b -> Files.isExecutable(Path.of(b))).findFirst().orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(binary != null || System.getenv("CI") != null,
        "needs redis-server installed (.ci/run installs it)");
    int port = FreePorts.pick();
    Process leftover = new ProcessBuilder(binary, "--port", String.valueOf(port), "--save", "", "--bind", "127.0.0.1")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      Files.writeString(dir.resolve("redis.pid"), Long.toString(leftover.pid()));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!EmbeddedRedis.answersPing(port) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      EmbeddedRedis.stopLeftover(dir);
      assertThat(leftover.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(EmbeddedRedis.answersPing(port)).isFalse();
      assertThat(dir.resolve("redis.pid")).doesNotExist();
      // A pid file naming some other program leaves that program alone.
      Files.writeString(dir.resolve("redis.pid"), Long.toString(ProcessHandle.current().pid()));
      EmbeddedRedis.stopLeftover(dir);
      assertThat(ProcessHandle.current().isAlive()).isTrue();
    } finally {
      leftover.destroyForcibly();
    }
  }
}
