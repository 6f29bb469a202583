package io.scopeline.query.api;

import io.scopeline.service.web.Rejected;
import io.scopeline.service.web.Upgrades;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.keys.TenantId;
import io.scopeline.query.QueryProperties;
import io.scopeline.query.live.FrameStreams;
import io.scopeline.query.live.TopologyViews;
import io.scopeline.render.Censoring;
import io.scopeline.query.read.WindowReader;
import io.scopeline.render.ApiTopologies;
import io.scopeline.render.JsonOut;
import io.scopeline.render.NodeSummary;
import io.scopeline.render.TopologyDiff;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code /api/topology/{name}/ws}: the first frame adds every node ({@code reset: true}); then a
 * diff on every tick ({@code t=}, default 1 s) and at once when a shortcut report of the tenant
 * arrives; a ping every ~33 s. Live watchers of one view share one frame stream
 * ({@link FrameStreams}); a watcher holds only the number of the last frame it wrote, and one that
 * cannot keep up skips to the latest state (a fresh reset) instead of being buffered.
 * {@code timestamp=} starts a time-travelling view that advances with the wall clock; it is
 * rendered for its connection alone.
 */
public final class TopologySocket implements WebSocketHandler {
  private static final Logger log = LoggerFactory.getLogger(TopologySocket.class);
  static final Pattern PATH = Pattern.compile("^/api/topology/([^/]+)/ws$");
  private static final Duration DEFAULT_TICK = Duration.ofSeconds(1);
  /** Close code for "try again later" (RFC 6455 registry). */
  private static final int TRY_AGAIN_LATER = 1013;
  private static final Object PING = new Object();

  private final ApiRequests requests;
  private final WindowReader windows;
  private final TopologyViews views;
  private final FrameStreams streams;
  private final Scheduler cpu;
  private final QueryProperties props;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<TenantId, Integer> openByTenant = new ConcurrentHashMap<>();
  private final Counter skipped;
  private final Counter refused;

  public TopologySocket(ApiRequests requests, WindowReader windows, TopologyViews views, FrameStreams streams,
      Scheduler cpu, QueryProperties props, MeterRegistry meters) {
    this.requests = requests;
    this.windows = windows;
    this.views = views;
    this.streams = streams;
    this.cpu = cpu;
    this.props = props;
    this.skipped = Counter.builder("scopeline.query.ws.frames.skipped")
        .description("frames a slow watcher skipped (it got the next state as a reset)").register(meters);
    this.refused = Counter.builder("scopeline.query.ws.refused")
        .description("sockets closed at once because a per-tenant or per-replica limit was reached").register(meters);
    meters.gauge("scopeline.query.ws.open", open);
  }

  /** A watch request; {@code travelStart} null: now; {@code window} null: the default (live) window. */
  private record Watch(TenantId tenant, String topology, Map<String, List<String>> query, Duration tick,
      Long travelStart, Duration window, Censoring censoring) {}

  /** Reads a watch request; throws {@link Rejected} with Scope's status when it is bad. */
  private Watch watch(URI uri, HttpHeaders headers) {
    Matcher m = PATH.matcher(uri.getRawPath());
    if (!m.matches() || !ApiTopologies.exists(m.group(1))) {
      throw new Rejected(HttpStatus.NOT_FOUND, "topology not found: " + uri.getRawPath());
    }
    Map<String, List<String>> query = io.scopeline.render.Views.parseQuery(uri.getRawQuery());
    Duration tick = DEFAULT_TICK;
    String t = first(query, "t");
    if (t != null && !t.isEmpty()) {
      tick = GoDuration.parse(t);
      if (tick == null || tick.isNegative() || tick.isZero()) {
        throw new Rejected(HttpStatus.BAD_REQUEST, "t must be a Go duration such as 5s, got " + t);
      }
      if (tick.compareTo(props.wsMinTick()) < 0) {
        throw new Rejected(HttpStatus.BAD_REQUEST,
            "t must be at least " + props.wsMinTick().toMillis() + "ms, got " + t);
      }
    }
    Long start = ApiRequests.timestamp(first(query, "timestamp"));
    ApiRequests.search(query);
    Duration window = ApiRequests.window(first(query, "window"));
    if (window != null && tick.compareTo(props.wsWindowMinTick()) < 0) {
      tick = props.wsWindowMinTick();
    }
    return new Watch(requests.tenant(headers), m.group(1), query, tick, start, window,
        ApiRequests.censoring(query, headers));
  }

  private static String first(Map<String, List<String>> q, String key) {
    List<String> v = q.get(key);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** Rejects bad watch requests with a status and reason before the upgrade, as Scope does. */
  public WebFilter validator() {
    return Upgrades.validate(p -> PATH.matcher(p).matches(), (p, exchange) -> {
      Watch w = watch(exchange.getRequest().getURI(), exchange.getRequest().getHeaders());
      if (w.window() == null) {
        return Mono.empty();
      }
      // A long window too large to read is refused here, with the reason, rather than after the
      // upgrade: a close frame sent from the frame stream never completes in Reactor Netty
      // (reactor-netty#444), and one sent after it cancels the receive loses its status.
      long at = w.travelStart() == null ? ApiRequests.nowNanos() : w.travelStart();
      return windows.checkSize(w.tenant(), at, w.window())
          .onErrorMap(WindowReader.WindowTooLargeException.class,
              e -> new Rejected(HttpStatus.BAD_REQUEST, e.getMessage()))
          // The stores failing is the socket's to show (stale or skipped ticks), not the handshake's.
          .onErrorResume(e -> !(e instanceof Rejected), e -> Mono.empty());
    });
  }

  @Override
  public Mono<Void> handle(WebSocketSession session) {
    Watch w;
    try {
      w = watch(session.getHandshakeInfo().getUri(), session.getHandshakeInfo().getHeaders());
    } catch (Rejected e) {
      return session.close(CloseStatus.POLICY_VIOLATION.withReason(e.getMessage()));
    }
    String limit = admit(w.tenant());
    if (limit != null) {
      refused.increment();
      log.info("Refused a topology socket of {}: {}", w.tenant(), limit);
      return session.close(new CloseStatus(TRY_AGAIN_LATER, limit));
    }
    Flux<Object> frames = w.travelStart() == null && w.window() == null
        ? streams.frames(w.tenant(), w.topology(), w.query(), w.censoring(), w.tick()).cast(Object.class)
        : travelling(w).cast(Object.class);
    Flux<Object> pings = Flux.interval(props.wsPingInterval(), props.wsPingInterval()).map(i -> PING);
    Cursor cursor = new Cursor();
    Flux<Void> sent = deliver(frames, pings, o -> session.send(Mono.just(message(session, o, cursor))));
    Mono<Void> clientGone = session.receive().then();
    return sent.takeUntilOther(clientGone).then()
        .onErrorResume(WindowReader.WindowTooLargeException.class, e -> {
          // Its window outgrew the limit while open (the handshake checks it first, see validator).
          log.info("Closing a topology socket of {}: {}", w.tenant(), e.getMessage());
          return session.close(CloseStatus.POLICY_VIOLATION.withReason(e.brief()));
        })
        .doFinally(s -> release(w.tenant()));
  }

  /**
   * Writes frames and pings one at a time: the next is taken only when the last is written, and
   * while a write waits only the latest frame is kept (prefetch 1 everywhere), so a watcher that
   * cannot keep up holds a couple of frames at most and skips to the newest.
   */
  static Flux<Void> deliver(Flux<Object> frames, Flux<Object> pings, Function<Object, Mono<Void>> write) {
    return Flux.merge(1, frames.onBackpressureLatest(), pings.onBackpressureDrop()).concatMap(write, 1);
  }

  /** Where one watcher is in its view's frame stream. */
  static final class Cursor {
    private long lastSeq = -1;
    private long skipped;

    /** The bytes this watcher writes for {@code o}: the shared diff when in step, else the frame's reset. */
    byte[] next(Object o) {
      if (o instanceof FrameStreams.Frame f) {
        if (lastSeq >= 0 && f.seq() != lastSeq + 1) {
          skipped += f.seq() - lastSeq - 1;
        }
        byte[] bytes = f.messageAfter(lastSeq);
        lastSeq = f.seq();
        return bytes;
      }
      return (byte[]) o;
    }

    long skipped() {
      return skipped;
    }
  }

  private WebSocketMessage message(WebSocketSession session, Object o, Cursor cursor) {
    if (o == PING) {
      return session.pingMessage(f -> f.wrap(new byte[0]));
    }
    long before = cursor.skipped();
    byte[] bytes = cursor.next(o);
    if (cursor.skipped() > before) {
      skipped.increment(cursor.skipped() - before);
    }
    // Shared bytes, wrapped without a copy: every watcher in step writes the same array.
    return new WebSocketMessage(WebSocketMessage.Type.TEXT, session.bufferFactory().wrap(bytes));
  }

  /** Null when the socket may open; else why not. */
  private String admit(TenantId tenant) {
    if (open.incrementAndGet() > props.wsMaxPerReplica()) {
      open.decrementAndGet();
      return "too many topology sockets on this replica (limit " + props.wsMaxPerReplica() + "); try again later";
    }
    int n = openByTenant.merge(tenant, 1, Integer::sum);
    if (n > props.wsMaxPerTenant()) {
      release(tenant);
      return "too many topology sockets for tenant " + tenant.value() + " (limit " + props.wsMaxPerTenant()
          + "); try again later";
    }
    return null;
  }

  private void release(TenantId tenant) {
    open.decrementAndGet();
    openByTenant.computeIfPresent(tenant, (k, n) -> n <= 1 ? null : n - 1);
  }

  /**
   * A time-travelling view, or one of a long window: its own window each tick, read from the
   * stores and diffed against its own previous frame.
   */
  private Flux<byte[]> travelling(Watch w) {
    long connectedAt = ApiRequests.nowNanos();
    long start = w.travelStart() == null ? connectedAt : w.travelStart();
    AtomicReference<Map<String, NodeSummary>> previous = new AtomicReference<>();
    return Flux.interval(Duration.ZERO, w.tick()).onBackpressureDrop()
        .concatMap(x -> pastWindow(w, start + (ApiRequests.nowNanos() - connectedAt))
            .publishOn(cpu)
            .map(window -> views.of(window, w.censoring()).summaries(w.topology(), w.query())
                .orElseThrow())
            .onErrorResume(e -> !(e instanceof WindowReader.WindowTooLargeException), e -> {
              log.debug("Skipping a tick of {}/{}: {}", w.tenant(), w.topology(), e.toString());
              return Mono.empty();
            }), 1)
        .map(summaries -> {
          Map<String, NodeSummary> before = previous.getAndSet(summaries);
          return JsonOut.bytes(before == null ? TopologyDiff.of(Map.of(), summaries, true)
              : TopologyDiff.of(before, summaries, false));
        });
  }

  private Mono<WindowReader.Window> pastWindow(Watch w, long at) {
    return w.window() == null ? windows.past(w.tenant(), at) : windows.past(w.tenant(), at, w.window());
  }
}
