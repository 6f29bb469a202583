package io.scopeline.ingest.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.kafka.receiver.ReceiverOffset;

class CommitPointsTest {
  private static final TopicPartition P = new TopicPartition("compactions", 0);

  private static ReceiverOffset at(long offset) {
    return new ReceiverOffset() {
      @Override
      public TopicPartition topicPartition() {
        return P;
      }

      @Override
      public long offset() {
        return offset;
      }

      @Override
      public void acknowledge() {}

      @Override
      public Mono<Void> commit() {
        return Mono.empty();
      }
    };
  }

  @Test
  void aRequestDoneBeforeAnEarlierOneIsCommittedOnlyOnceTheEarlierIsDone() {
    CommitPoints c = new CommitPoints();
    ReceiverOffset current = at(0); // waits for the hour still running
    ReceiverOffset due = at(1);
    ReceiverOffset alsoDue = at(2);
    c.taken(current);
    c.taken(due);
    c.taken(alsoDue);
    assertThat(c.finished(due)).as("0 still waits: committing 1 would lose it in a crash").isNull();
    assertThat(c.finished(alsoDue)).isNull();
    assertThat(c.finished(current).offset()).as("all done: through the last").isEqualTo(2);
    assertThat(c.waiting()).isZero();
  }

  @Test
  void inOrderRequestsCommitOneByOneAndARevokedPartitionCommitsNothingMore() {
    CommitPoints c = new CommitPoints();
    ReceiverOffset a = at(5);
    ReceiverOffset b = at(6);
    c.taken(a);
    c.taken(b);
    assertThat(c.finished(a).offset()).isEqualTo(5);
    c.revoked(P);
    assertThat(c.finished(b)).isNull();
  }
}
