package io.scopeline.ingest.rollup;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import reactor.kafka.receiver.ReceiverOffset;

/**
 * Where each partition of the compactions topic may be committed when requests finish out of
 * order (each waits for its own hour): just past the last request below the earliest one still
 * waiting, so a crash replays every request not yet done, and only those after it.
 */
final class CommitPoints {
  private final Map<TopicPartition, TreeMap<Long, ReceiverOffset>> waiting = new HashMap<>();
  private final Map<TopicPartition, TreeMap<Long, ReceiverOffset>> done = new HashMap<>();

  synchronized void taken(ReceiverOffset r) {
    waiting.computeIfAbsent(r.topicPartition(), p -> new TreeMap<>()).put(r.offset(), r);
  }

  /** Marks {@code r} done; returns the request to commit (through it), or null when none may be. */
  synchronized ReceiverOffset finished(ReceiverOffset r) {
    TreeMap<Long, ReceiverOffset> w = waiting.get(r.topicPartition());
    if (w == null || w.remove(r.offset()) == null) {
      return null; // its partition was revoked meanwhile: the new owner does it again
    }
    TreeMap<Long, ReceiverOffset> d = done.computeIfAbsent(r.topicPartition(), p -> new TreeMap<>());
    d.put(r.offset(), r);
    var through = w.isEmpty() ? d.lastEntry() : d.lowerEntry(w.firstKey());
    if (through == null) {
      return null;
    }
    d.headMap(through.getKey(), true).clear();
    return through.getValue();
  }

  /** Forgets everything: the consumer starts again from the committed offsets. */
  synchronized void clear() {
    waiting.clear();
    done.clear();
  }

  /** Forgets a revoked partition's requests. */
  synchronized void revoked(TopicPartition p) {
    waiting.remove(p);
    done.remove(p);
  }

  /** Requests taken and not done, over all partitions. */
  synchronized int waiting() {
    return waiting.values().stream().mapToInt(Map::size).sum();
  }
}
