package io.scopeline.ingest.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.codec.WireHeaders;
import io.scopeline.ingest.config.IngestProperties;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderRecord;

/**
 * Sends rejected records to the dead-letter topic with the original key, value and headers plus
 * the reason. Retries until Kafka acknowledges, so a rejected record is never silently dropped.
 */
public final class DeadLetters {
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
    ProducerRecord<String, byte[]> out = new ProducerRecord<>(topic, null, in.key(), in.value());
    for (Header h : in.headers()) {
      out.headers().add(h);
    }
    String reason = rejected.reason().length() > MAX_REASON ? rejected.reason().substring(0, MAX_REASON) : rejected.reason();
    out.headers().add(WireHeaders.ERROR_REASON, reason.getBytes(StandardCharsets.UTF_8));
    out.headers().add(WireHeaders.ERROR_CLASS, rejected.errorClass().getBytes(StandardCharsets.UTF_8));
    out.headers().add(WireHeaders.ORIGINAL_TOPIC, in.topic().getBytes(StandardCharsets.UTF_8));
    out.headers().add(WireHeaders.ORIGINAL_PARTITION, Integer.toString(in.partition()).getBytes(StandardCharsets.UTF_8));
    out.headers().add(WireHeaders.ORIGINAL_OFFSET, Long.toString(in.offset()).getBytes(StandardCharsets.UTF_8));
    return sender.send(Mono.just(SenderRecord.create(out, in.offset()))).next()
        .flatMap(r -> r.exception() == null ? Mono.<Void>empty() : Mono.error(r.exception()))
        .retryWhen(io.scopeline.ingest.store.WriteRetry.forever(props.retryInitialBackoff(), props.retryMaxBackoff(),
            () -> meters.counter("scopeline.ingest.dlq.retries").increment()).filter(e -> true))
        .doOnSuccess(v -> meters.counter("scopeline.ingest.dlq.records", "reason", rejected.errorClass()).increment());
  }
}
