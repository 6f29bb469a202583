package io.scopeline.ingest.pipeline;

import io.scopeline.keys.TenantId;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.TopologyType;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Mono;
import reactor.kafka.receiver.ReceiverOffset;
import reactor.kafka.receiver.ReceiverRecord;

/** Decoded records as the pipeline hands them to a partition's quanta, without Kafka. */
final class AcceptedRecords {
  private AcceptedRecords() {}

  /**
   * A record at {@code offset} of {@code tp} with record time {@code nanos}: one host named after
   * the offset; committing it passes the next offset to {@code commits}.
   */
  static Decoded.Accepted hostReport(TopicPartition tp, long offset, long nanos, TenantId tenant, String probe,
      LongConsumer commits) {
    Node host = Node.of("h" + offset + ";<host>", "host").withLatest("host_name", nanos, "h" + offset);
    Report report = Report.builder().ts(nanos).windowNanos(1_000_000_000L)
        .topology(TopologyType.HOST, TopologyType.HOST.defaultTopology().withNode(host)).build();
    ConsumerRecord<String, byte[]> plain = new ConsumerRecord<>(tp.topic(), tp.partition(), offset, tenant.value(),
        new byte[0]);
    ReceiverOffset handle = new ReceiverOffset() {
      @Override
      public TopicPartition topicPartition() {
        return tp;
      }

      @Override
      public long offset() {
        return offset;
      }

      @Override
      public void acknowledge() {}

      @Override
      public Mono<Void> commit() {
        return Mono.fromRunnable(() -> commits.accept(offset + 1));
      }
    };
    return new Decoded.Accepted(new ReceiverRecord<>(plain, handle), tenant, probe, nanos, report);
  }
}
