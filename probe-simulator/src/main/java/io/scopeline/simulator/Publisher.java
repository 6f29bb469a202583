package io.scopeline.simulator;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.WireHeaders;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Sends simulated reports as a Scope probe would: gzip msgpack with Scope's headers. */
public interface Publisher extends AutoCloseable {
  /** Sends one report; the future completes with its size in bytes once accepted. */
  CompletableFuture<Integer> send(ProbeFleet.Outgoing report);

  @Override
  void close();

  /** To the Kafka topic Scopeline ingests, keyed by tenant, with the upload headers. */
  static Publisher kafka(String bootstrapServers, String topic) {
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers,
        "acks", "all", "linger.ms", 5), new StringSerializer(), new ByteArraySerializer());
    return new Publisher() {
      @Override
      public CompletableFuture<Integer> send(ProbeFleet.Outgoing r) {
        byte[] body = ReportCodec.encode(r.report(), ReportFormat.MSGPACK_GZIP);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, r.tenant(), body);
        record.headers().add(WireHeaders.ORG_ID, r.tenant().getBytes(StandardCharsets.UTF_8));
        record.headers().add(WireHeaders.PROBE_ID, r.probeId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(WireHeaders.CONTENT_TYPE, "application/msgpack".getBytes(StandardCharsets.UTF_8));
        record.headers().add(WireHeaders.CONTENT_ENCODING, "gzip".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Integer> done = new CompletableFuture<>();
        producer.send(record, (meta, e) -> {
          if (e != null) {
            done.completeExceptionally(e);
          } else {
            done.complete(body.length);
          }
        });
        return done;
      }

      @Override
      public void close() {
        producer.close(Duration.ofSeconds(10));
      }
    };
  }

  /** To {@code POST <base>/api/report}, as Scope probes upload to the app (or Scopeline's bridge). */
  static Publisher http(String baseUrl) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI target = URI.create(baseUrl.replaceAll("/+$", "") + "/api/report");
    return new Publisher() {
      @Override
      public CompletableFuture<Integer> send(ProbeFleet.Outgoing r) {
        byte[] body = ReportCodec.encode(r.report(), ReportFormat.MSGPACK_GZIP);
        HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(12))
            .header("Content-Type", "application/msgpack").header("Content-Encoding", "gzip")
            .header(WireHeaders.ORG_ID, r.tenant()).header(WireHeaders.PROBE_ID, r.probeId())
            .header("User-Agent", "Scopeline_Simulator")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(resp -> {
          if (resp.statusCode() != 200) {
            throw new IllegalStateException(new IOException("HTTP " + resp.statusCode() + ": " + resp.body()));
          }
          return body.length;
        });
      }

      @Override
      public void close() {
        // The JDK client needs no closing on Java 17.
      }
    };
  }
}
