package io.scopeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopeline.control.ControlWire;
import io.scopeline.keys.TenantId;
import io.scopeline.service.control.ControlException;
import io.scopeline.service.control.ControlProperties;
import io.scopeline.service.control.ControlRouter;
import io.scopeline.service.control.PipeEnd;
import io.scopeline.service.control.PipeRouter;
import io.scopeline.service.storage.LazyRedis;
import io.scopeline.simulator.ProbeControlClient;
import io.scopeline.simulator.ShellPipe;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Scope probe points its control socket at the same address as its reports, the ingest service:
 * a request made elsewhere (here a router standing in for a query replica) reaches it through
 * Redis, scoped to the tenant its probe token names, and its exec pipe is served there too.
 */
class ProbeControlOnIngestTest extends IngestTestBase {
  private static final Map<String, String> TOKEN = Map.of("Authorization", "Scope-Probe token=secret-token");

  @Test
  void aProbeOnTheIngestServiceServesControlsAndAPipeForItsTokensTenantOnly() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI ingest = URI.create("http://127.0.0.1:" + port);
    ControlProperties props = new ControlProperties("", Duration.ofSeconds(5), Duration.ofSeconds(60),
        Duration.ofSeconds(30), Duration.ofMinutes(10), 1000, Duration.ofSeconds(1), Duration.ofSeconds(30));
    try (LazyRedis redis = new LazyRedis(storage);
        ControlRouter elsewhere = new ControlRouter(redis, "elsewhere", props, new SimpleMeterRegistry());
        ProbeControlClient probe = new ProbeControlClient(http, ingest, "cafe01", TOKEN, r -> {
          if (r.control().equals("exec")) {
            ShellPipe.open(http, ingest, "pipe-77", TOKEN, List.of("/bin/sh")).join();
            return ControlWire.Response.ofPipe("pipe-77", false, null);
          }
          return new ControlWire.Response(ControlWire.tree("\"" + r.nodeId() + "\""), null, null, false, null, null);
        }, Duration.ofMillis(200)).start()) {
      elsewhere.start();
      TenantId tenant = TenantId.of("token-tenant");
      ControlWire.Request echo = new ControlWire.Request(null, "n1", "echo", null);
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() ->
          assertThat(elsewhere.handle(tenant, "cafe01", echo).block(Duration.ofSeconds(10)).value().asString())
              .isEqualTo("n1"));
      assertThatThrownBy(() -> elsewhere.handle(TenantId.of("another-tenant"), "cafe01", echo)
          .block(Duration.ofSeconds(10)))
          .isInstanceOf(ControlException.class).hasMessageContaining("not connected");

      ControlWire.Response exec = elsewhere.handle(tenant, "cafe01", new ControlWire.Request(null, "n1", "exec", null))
          .block(Duration.ofSeconds(10));
      assertThat(exec.pipe()).isEqualTo("pipe-77");
      PipeRouter pipes = new PipeRouter(redis, props);
      pipes.send(tenant, "pipe-77", PipeEnd.UI, "echo via-ingest-$((40+2))\n".getBytes(StandardCharsets.UTF_8))
          .block(Duration.ofSeconds(5));
      String out = pipes.receive(tenant, "pipe-77", PipeEnd.UI)
          .map(b -> new String(b, StandardCharsets.UTF_8))
          .scan(String::concat)
          .filter(s -> s.contains("via-ingest-42"))
          .blockFirst(Duration.ofSeconds(20));
      assertThat(out).contains("via-ingest-42");
      pipes.close(tenant, "pipe-77", "test done").block(Duration.ofSeconds(5));
    }
  }
}
