package io.scopeline.query.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.keys.TenantId;
import io.scopeline.render.JsonOut;
import io.scopeline.render.NodeSummary;
import io.scopeline.render.TopologyDiff;
import io.scopeline.render.Censoring;
import io.scopeline.render.Views;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One stream of WebSocket frames per live view — (tenant, topology, options, censoring, tick) —
 * shared by every watcher of that view: each tick the view is rendered once (from the tenant's
 * live window), diffed against the previous tick once and encoded once. A watcher in step writes
 * the shared diff; a watcher that missed frames (new, or too slow to keep up) writes the shared
 * reset of the latest frame instead, which restores the exact state.
 */
public final class FrameStreams {
  private static final Logger log = LoggerFactory.getLogger(FrameStreams.class);
  private static final byte[] NO_CHANGE = JsonOut.bytes(TopologyDiff.of(Map.of(), Map.of(), false));

  /**
   * A tick's rendering of a view, numbered in its stream; {@code diff} leads from the frame
   * before (null for a stream's first frame), {@link #reset} adds every node.
   */
  public static final class Frame {
    private final long seq;
    private final Map<String, NodeSummary> summaries;
    private final byte[] diff;
    private volatile byte[] reset;

    /** A frame following one with {@code before} summaries (null: the first of its stream). */
    public static Frame after(Frame before, Map<String, NodeSummary> summaries) {
      if (before == null) {
        return new Frame(0, summaries, null);
      }
      byte[] diff = before.summaries == summaries ? NO_CHANGE
          : JsonOut.bytes(TopologyDiff.of(before.summaries, summaries, false));
      return new Frame(before.seq + 1, summaries, diff);
    }

    private Frame(long seq, Map<String, NodeSummary> summaries, byte[] diff) {
      this.seq = seq;
      this.summaries = summaries;
      this.diff = diff;
    }

    public long seq() {
      return seq;
    }

    /** The message from the previous frame to this one; null for the first frame of a stream. */
    public byte[] diff() {
      return diff;
    }

    /** The message that shows this frame to a watcher starting from nothing (encoded once). */
    public byte[] reset() {
      byte[] r = reset;
      if (r == null) {
        r = JsonOut.bytes(TopologyDiff.of(Map.of(), summaries, true));
        reset = r;
      }
      return r;
    }

    /** What a watcher that last wrote frame {@code lastSeq} (−1: none) writes for this frame. */
    public byte[] messageAfter(long lastSeq) {
      return lastSeq >= 0 && lastSeq == seq - 1 && diff != null ? diff : reset();
    }
  }

  private final ConcurrentHashMap<String, Flux<Frame>> streams = new ConcurrentHashMap<>();
  private final LiveWindows live;
  private final TopologyViews views;
  private final Counter diffs;

  public FrameStreams(LiveWindows live, TopologyViews views, MeterRegistry meters) {
    this.live = live;
    this.views = views;
    this.diffs = Counter.builder("scopeline.query.ws.diffs")
        .description("WebSocket diffs computed: one per live view per tick whose rendering changed").register(meters);
    Gauge.builder("scopeline.query.ws.streams", streams, Map::size).description("live views being streamed")
        .register(meters);
  }

  /** The frames of a live view; subscribers get the latest frame first, then every later one. */
  public Flux<Frame> frames(TenantId tenant, String topology, Map<String, List<String>> query, Censoring censoring,
      Duration tick) {
    String key = tenant.value() + "\n" + Views.renderKey(topology, query) + "\n" + censoring.key() + "\n"
        + tick.toMillis();
    return streams.computeIfAbsent(key, k -> build(k, tenant, topology, query, censoring, tick));
  }

  private Flux<Frame> build(String key, TenantId tenant, String topology, Map<String, List<String>> query,
      Censoring censoring, Duration tick) {
    AtomicReference<Frame> last = new AtomicReference<>();
    // Only this stream leaves the map when it ends, not a newer one built for the same view.
    AtomicReference<Flux<Frame>> self = new AtomicReference<>();
    Flux<Object> triggers = Flux.<Object>merge(Flux.interval(Duration.ZERO, tick), live.shortcuts(tenant))
        .onBackpressureLatest();
    Flux<Frame> frames = triggers
        .concatMap(x -> live.fresh(tenant)
            .map(w -> views.of(w, censoring).summaries(topology, query).orElseThrow())
            .onErrorResume(e -> {
              log.debug("Skipping a tick of {}/{}: {}", tenant, topology, e.toString());
              return Mono.empty();
            }), 1)
        .map(summaries -> {
          Frame prev = last.get();
          if (prev == null || prev.summaries != summaries) {
            // A diff is computed; an unchanged rendering gets Scope's empty diff for free.
            diffs.increment();
          }
          Frame next = Frame.after(prev, summaries);
          last.set(next);
          return next;
        })
        .doFinally(s -> streams.remove(key, self.get()))
        .replay(1)
        .refCount();
    self.set(frames);
    return frames;
  }
}
