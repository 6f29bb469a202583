package io.scopeline.ingest.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopeline.embedded.EmbeddedRedis;
import io.scopeline.service.storage.StorageProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Hot copies against a real Redis that stops answering without dropping the connection. */
class HotCopiesTest {
  @Test
  void commandsTimingOutOnAPausedRedisDoNotLeaveConnectionsBehind() throws Exception {
    try (EmbeddedRedis server = EmbeddedRedis.start(0)) {
      RedisClient admin = RedisClient.create(server.uri());
      try (var adminConnection = admin.connect()) {
        var redis = adminConnection.sync();
        StorageProperties props = new StorageProperties("us-east-1", null, null, Duration.ofSeconds(5), false,
            new StorageProperties.S3(null, "b", true), new StorageProperties.DynamoDb(null, "t"),
            new StorageProperties.Redis(server.uri(), Duration.ofMillis(200)));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (HotCopies hot = new HotCopies(props, meters)) {
          hot.put("k", new byte[] {1}, Duration.ofMinutes(1)).block();
          long before = clients(redis.clientList());
          for (int i = 0; i < 8; i++) {
            // Writes wait while paused (reads such as CLIENT LIST still answer): each put times
            // out with its TCP connection still open, as on a blackholed network.
            client(redis, "PAUSE", "1000", "WRITE");
            hot.put("k", new byte[] {1}, Duration.ofMinutes(1)).block();
            client(redis, "UNPAUSE");
          }
          hot.put("k", new byte[] {2}, Duration.ofMinutes(1)).block();
          assertThat(meters.counter("scopeline.ingest.redis.failures").count()).isGreaterThanOrEqualTo(8);
          // Closing is asynchronous: give the closes a moment to reach the server.
          long after = before;
          for (int i = 0; i < 50; i++) {
            after = clients(redis.clientList());
            if (after <= before) {
              break;
            }
            Thread.sleep(100);
          }
          assertThat(after).as("connections open after 8 timeouts (before: %d)", before).isLessThanOrEqualTo(before);
        }
      } finally {
        admin.shutdown();
      }
    }
  }

  private static void client(io.lettuce.core.api.sync.RedisCommands<String, String> redis, String... args) {
    var codec = io.lettuce.core.codec.StringCodec.UTF8;
    var commandArgs = new io.lettuce.core.protocol.CommandArgs<>(codec);
    for (String a : args) {
      commandArgs.add(a);
    }
    redis.dispatch(io.lettuce.core.protocol.CommandType.CLIENT, new io.lettuce.core.output.StatusOutput<>(codec),
        commandArgs);
  }

  private static long clients(String clientList) {
    return clientList.lines().filter(l -> !l.isBlank()).count();
  }
}
