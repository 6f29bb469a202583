package io.scopeline.ingest.config;

import io.scopeline.ingest.store.HotCopies;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/** Health of the ingest service's dependencies other than storage (see StorageBootstrap). */
public final class DependencyHealth {
  private DependencyHealth() {}

  /** Kafka is reachable when the cluster can be described within a few seconds. */
  public static final class KafkaHealth implements ReactiveHealthIndicator, AutoCloseable {
    private final Admin admin;
    private final String bootstrap;

    public KafkaHealth(KafkaProperties kafka) {
      this.bootstrap = kafka.bootstrapServers();
      Map<String, Object> c = kafka.clientConfig();
      c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
      c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
      this.admin = Admin.create(c);
    }

    @Override
    public Mono<Health> health() {
      return Mono.fromFuture(() -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes()
              .toCompletionStage().toCompletableFuture())
          .map(nodes -> Health.up().withDetail("brokers", nodes.size()).withDetail("bootstrap", bootstrap).build())
          .timeout(Duration.ofSeconds(4))
          .onErrorResume(e -> Mono.just(Health.down().withDetail("bootstrap", bootstrap)
              .withDetail("reason", "Kafka unreachable: " + e.getMessage()).build()));
    }

    @Override
    public void close() {
      admin.close(Duration.ofSeconds(2));
    }
  }

  /** Redis is optional for ingest (a copy, never the only one): its absence is reported, not fatal. */
  public static final class RedisHealth implements ReactiveHealthIndicator {
    private final HotCopies redis;

    public RedisHealth(HotCopies redis) {
      this.redis = redis;
    }

    @Override
    public Mono<Health> health() {
      return redis.ping().map(ok -> ok ? Health.up().build()
          : Health.status("DEGRADED").withDetail("reason", "Redis unreachable: hot copies and notifications are"
              + " skipped (persistence is unaffected)").build());
    }
  }

}
