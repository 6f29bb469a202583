package io.scopeline.query.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.query.live.FrameStreams.Frame;
import io.scopeline.render.NodeSummary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** A watcher that cannot keep up holds a couple of frames, not a queue, and catches up with a reset. */
class FrameDeliveryTest {

  private static Map<String, NodeSummary> nodes(int n) {
    Map<String, NodeSummary> m = new HashMap<>();
    for (int i = 0; i < n; i++) {
      m.put("n" + i, new NodeSummary("n" + i, "node " + i, "", "", "", "", false, false, List.of(), List.of(),
          List.of(), List.of(), List.of()));
    }
    return m;
  }

  /** Applies Scope's diff messages the way the UI does (a reset clears first). */
  private static Map<String, Object> apply(Map<String, Object> state, String message) {
    var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(message);
    if (json.has("reset")) {
      state.clear();
    }
    for (String field : List.of("add", "update")) {
      if (json.get(field) != null && json.get(field).isArray()) {
        json.get(field).forEach(n -> state.put(n.get("id").asString(), n.get("label").asString()));
      }
    }
    if (json.get("remove") != null && json.get("remove").isArray()) {
      json.get("remove").forEach(id -> state.remove(id.asString()));
    }
    return state;
  }

  @Test
  void aStalledWatcherHoldsAtMostTheLatestFrameAndResumesWithAResetOfTheExactState() {
    Sinks.Many<Object> stream = Sinks.many().multicast().directBestEffort();
    Sinks.Empty<Void> stalled = Sinks.empty();
    TopologySocket.Cursor cursor = new TopologySocket.Cursor();
    List<String> written = new ArrayList<>();
    boolean[] first = {true};
    Flux<Void> delivery = TopologySocket.deliver(stream.asFlux(), Flux.never(), o -> {
      written.add(new String(cursor.next(o), StandardCharsets.UTF_8));
      if (first[0]) {
        first[0] = false;
        return stalled.asMono(); // the socket's first write does not complete: the client stopped reading
      }
      return Mono.empty();
    });
    var subscription = delivery.subscribe();
    Frame frame = null;
    for (int tick = 0; tick < 1_000; tick++) {
      frame = Frame.after(frame, nodes(1 + tick % 50));
      stream.tryEmitNext(frame);
    }
    assertThat(written).as("one write in progress, nothing queued behind it").hasSize(1);
    stalled.tryEmitEmpty();
    Map<String, Object> state = new HashMap<>();
    written.forEach(m -> apply(state, m));
    // The write in progress, one frame queued in the merge, one in concatMap, and the latest.
    assertThat(written.size()).as("caught up with a few writes, not a thousand").isLessThanOrEqualTo(4);
    assertThat(written.get(written.size() - 1)).contains("\"reset\":true");
    Map<String, Object> latest = new HashMap<>();
    nodes(1 + 999 % 50).forEach((id, summary) -> latest.put(id, summary.label()));
    assertThat(state).as("the state the watcher shows is the latest frame's").isEqualTo(latest);
    assertThat(cursor.skipped()).isGreaterThan(990);
    subscription.dispose();
  }

  @Test
  void aWatcherInStepWritesTheSharedDiffs() {
    Frame f0 = Frame.after(null, nodes(1));
    Frame f1 = Frame.after(f0, nodes(2));
    TopologySocket.Cursor cursor = new TopologySocket.Cursor();
    assertThat(cursor.next(f0)).isEqualTo(f0.reset());
    assertThat(cursor.next(f1)).isSameAs(f1.diff());
    TopologySocket.Cursor late = new TopologySocket.Cursor();
    assertThat(late.next(f1)).as("joining late: a reset").isSameAs(f1.reset());
  }
}
