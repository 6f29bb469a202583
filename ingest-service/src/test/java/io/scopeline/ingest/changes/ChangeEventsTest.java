package io.scopeline.ingest.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopeline.ingest.config.ChangeProperties;
import io.scopeline.ingest.store.HotCopies;
import io.scopeline.keys.ChangeEvent;
import io.scopeline.keys.TenantId;
import io.scopeline.service.storage.StorageProperties;
import io.scopeline.testsupport.SharedInfrastructure;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import reactor.core.scheduler.Schedulers;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderOptions;

/** Change events through a real Kafka topic, real Redis and a webhook that fails once, across a restart. */
class ChangeEventsTest {
  private static final String SECRET = "a-secret-of-some-length";

  private record Hooked(String signature, String body) {}

  @Test
  void changesReachTheTopicAndASignedWebhookOnceThroughARestart() throws Exception {
    var servers = SharedInfrastructure.get();
    String topic = "changes-" + System.nanoTime();
    servers.kafka().createTopics(1, topic);
    TenantId tenant = TenantId.of("changes-" + System.nanoTime());

    List<Hooked> hooked = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/hook", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      // The first delivery fails: it is retried.
      int status = calls.getAndIncrement() == 0 ? 503 : 204;
      if (status == 204) {
        hooked.add(new Hooked(exchange.getRequestHeaders().getFirst(Webhooks.SIGNATURE),
            new String(body, StandardCharsets.UTF_8)));
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    hook.start();

    Map<String, String> settings = new HashMap<>(Map.of("scopeline.changes.topic", topic,
        "scopeline.changes.interval", "0s", "scopeline.changes.disappear-after", "2s",
        "scopeline.changes.webhooks[0].url", "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook",
        "scopeline.changes.webhooks[0].secret", SECRET));
    ChangeProperties props = new Binder(new MapConfigurationPropertySource(settings))
        .bindOrCreate("scopeline.changes", ChangeProperties.class);
    StorageProperties storage = new StorageProperties("us-east-1", null, null, Duration.ofSeconds(5), false,
        new StorageProperties.S3(null, "b", true), new StorageProperties.DynamoDb(null, "t"),
        new StorageProperties.Redis(servers.redis().uri(), Duration.ofSeconds(2)));
    var cpu = Schedulers.newParallel("changes-test", 2);
    Map<String, Object> consumer = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        servers.kafka().bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
    List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
    try (HotCopies redis = new HotCopies(storage, new SimpleMeterRegistry());
        KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(consumer, new StringDeserializer(),
            new ByteArrayDeserializer())) {
      reader.subscribe(List.of(topic));
      Runnable poll = () -> reader.poll(Duration.ofMillis(200)).forEach(r -> {
        assertThat(r.key()).isEqualTo(tenant.value());
        seen.add(ChangeEvent.parse(new String(r.value(), StandardCharsets.UTF_8)));
      });

      ChangeEvents events = changeEvents(props, redis, cpu);
      events.start();
      var link = new ChangeReports.Link("web", "db");
      events.offer(tenant, ChangeReports.of(1, List.of("web", "db"), List.of(link)), 1);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        poll.run();
        assertThat(kinds(seen)).containsExactlyInAnyOrder("node_appeared web;<container>",
            "node_appeared db;<container>", "new_edge web;<container>");
      });
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(hooked).hasSize(1));
      assertThat(calls.get()).as("the failed delivery and its retry").isEqualTo(2);
      Hooked h = hooked.get(0);
      assertThat(h.signature()).isEqualTo(Webhooks.signature(SECRET, h.body().getBytes(StandardCharsets.UTF_8)));
      assertThat(h.body()).contains("\"events\":[").contains("node_appeared").contains(tenant.value());

      // db stops showing up: it disappears once it has been absent for 2 s.
      events.offer(tenant, ChangeReports.of(2, List.of("web"), List.of()), 2);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        poll.run();
        assertThat(kinds(seen)).contains("node_disappeared db;<container>");
      });
      events.close();

      // A new instance (a restart) knows what was announced: only what is new is.
      seen.clear();
      ChangeEvents restarted = changeEvents(props, redis, cpu);
      restarted.start();
      restarted.offer(tenant, ChangeReports.of(3, List.of("web", "db", "cache"), List.of(link,
          new ChangeReports.Link("web", "cache"))), 3);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        poll.run();
        assertThat(kinds(seen)).contains("node_appeared cache;<container>", "new_edge web;<container>");
      });
      Thread.sleep(500);
      poll.run();
      assertThat(kinds(seen)).containsExactlyInAnyOrder("node_appeared cache;<container>",
          "node_appeared db;<container>", "new_edge web;<container>");
      assertThat(seen).filteredOn(e -> e.kind().equals(ChangeEvent.NEW_EDGE)).extracting(ChangeEvent::target)
          .containsExactly("cache;<container>");
      restarted.close();
    } finally {
      hook.stop(0);
      cpu.dispose();
    }
  }

  private static List<String> kinds(List<ChangeEvent> events) {
    return events.stream().map(e -> e.kind() + " " + e.subject()).toList();
  }

  private static ChangeEvents changeEvents(ChangeProperties props, HotCopies redis,
      reactor.core.scheduler.Scheduler cpu) {
    Map<String, Object> p = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        SharedInfrastructure.get().kafka().bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"));
    KafkaSender<String, byte[]> sender = KafkaSender.create(SenderOptions.<String, byte[]>create(p)
        .withKeySerializer(new StringSerializer()).withValueSerializer(new ByteArraySerializer()));
    return new ChangeEvents(props, redis, sender, cpu, new SimpleMeterRegistry(), System::currentTimeMillis,
        Duration.ofMillis(300), Duration.ofMillis(100));
  }
}
