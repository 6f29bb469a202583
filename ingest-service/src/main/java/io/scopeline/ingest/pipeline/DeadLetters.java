package io.scopeline.ingest.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.codec.WireHeaders;
import io.scopeline.ingest.config.IngestProperties;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderRecord;

/**
 * Sends rejected records to the dead-letter topic with the original key, value and headers plus
 * the reason. Kafka's retriable errors (broker away, timeouts) are retried until Kafka acknowledges,
 * so a rejected record is never silently dropped; an error retrying cannot fix (the record with
 * the error headers is larger than the topic or producer takes, say) sends the dead letter
 * without the original value and headers instead, saying so, so the partition keeps moving.
 */
public final class DeadLetters {
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
  private static final int MAX_REASON = 1000;

  private final KafkaSender<String, byte[]> sender;
  private final String topic;
  private final IngestProperties props;
  private final MeterRegistry meters;

  public DeadLetters(KafkaSender<String, byte[]> sender, String topic, IngestProperties props, MeterRegistry meters) {
    this.sender = sender;
    this.topic = topic;
    this.props = props;
    this.meters = meters;
  }

  Mono<Void> send(Decoded.Rejected rejected) {
    ConsumerRecord<String, byte[]> in = rejected.record();
    ProducerRecord<String, byte[]> whole = new ProducerRecord<>(topic, null, in.key(), in.value());
    for (Header h : in.headers()) {
      whole.headers().add(h);
    }
    addErrorHeaders(whole, rejected);
    return send(whole, in.offset())
        .onErrorResume(e -> !isRetriable(e), e -> {
          meters.counter("scopeline.ingest.dlq.value.dropped").increment();
          log.warn("Dead letter of {}-{}@{} sent without its value and headers: {}", in.topic(), in.partition(),
              in.offset(), e.toString());
          ProducerRecord<String, byte[]> bare = new ProducerRecord<>(topic, null, in.key(), null);
          addErrorHeaders(bare, rejected);
          String dropped = "value (" + (in.value() == null ? 0 : in.value().length) + " bytes) and headers left out: "
              + e;
          bare.headers().add(WireHeaders.ERROR_VALUE_DROPPED, truncate(dropped).getBytes(StandardCharsets.UTF_8));
          return send(bare, in.offset());
        })
        .doOnSuccess(v -> meters.counter("scopeline.ingest.dlq.records", "reason", rejected.errorClass()).increment());
  }

  private Mono<Void> send(ProducerRecord<String, byte[]> out, long offset) {
    return sender.send(Mono.just(SenderRecord.create(out, offset))).next()
        .flatMap(r -> r.exception() == null ? Mono.<Void>empty() : Mono.error(r.exception()))
        .retryWhen(io.scopeline.ingest.store.WriteRetry.forever(props.retryInitialBackoff(), props.retryMaxBackoff(),
            () -> meters.counter("scopeline.ingest.dlq.retries").increment()).filter(DeadLetters::isRetriable));
  }

  /** Kafka's own verdict: its retriable errors may pass; the others (too large, invalid) never will. */
  static boolean isRetriable(Throwable e) {
    Throwable t = e;
    while (t != null) {
      if (t instanceof RetriableException) {
        return true;
      }
      if (t instanceof KafkaException) {
        return false;
      }
      t = t.getCause();
    }
    return true; // not Kafka's: a transport or our own hiccup; keep trying rather than lose it
  }

  private static void addErrorHeaders(ProducerRecord<String, byte[]> out, Decoded.Rejected rejected) {
    ConsumerRecord<String, byte[]> in = rejected.record();
    out.headers().add(WireHeaders.ERROR_REASON, truncate(rejected.reason()).getBytes(StandardCharsets.UTF_8));
    out.headers().add(WireHeaders.ERROR_CLASS, rejected.errorClass().getBytes(StandardCharsets.UTF_8));
    out.headers().add(WireHeaders.ORIGINAL_TOPIC, in.topic().getBytes(StandardCharsets.UTF_8));
    out.headers().add(WireHeaders.ORIGINAL_PARTITION, Integer.toString(in.partition()).getBytes(StandardCharsets.UTF_8));
    out.headers().add(WireHeaders.ORIGINAL_OFFSET, Long.toString(in.offset()).getBytes(StandardCharsets.UTF_8));
  }

  private static String truncate(String s) {
    return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) : s;
  }
}
