package io.scopeline.query.api;

import io.scopeline.keys.TenantId;
import io.scopeline.render.ApiTopologies;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code /api/topology/{name}/ws}: the first frame adds every node ({@code reset: true}); then a
 * diff on every tick ({@code t=}, default 1 s) and at once when the tenant's ingest side announces
 * a shortcut report; a ping every ~33 s. {@code timestamp=} starts a time-travelling view that
 * advances with the wall clock. Renders are shared (see {@link TopologyViews}); each connection
 * keeps only its previous summaries to diff against.
 */
public final class TopologySocket implements WebSocketHandler {
  private static final Logger log = LoggerFactory.getLogger(TopologySocket.class);
  static final Pattern PATH = Pattern.compile("^/api/topology/([^/]+)/ws$");
  private static final Duration DEFAULT_TICK = Duration.ofSeconds(1);

  private final ApiRequests requests;
  private final WindowReader windows;
  private final TopologyViews views;
  private final ShortcutSignals shortcuts;
  private final Scheduler cpu;
  private final Duration pingInterval;

  public TopologySocket(ApiRequests requests, WindowReader windows, TopologyViews views, ShortcutSignals shortcuts,
      Scheduler cpu, Duration pingInterval) {
    this.pingInterval = pingInterval;
    this.requests = requests;
    this.windows = windows;
    this.views = views;
    this.shortcuts = shortcuts;
    this.cpu = cpu;
  }

  private record Watch(TenantId tenant, String topology, Map<String, List<String>> query, Duration tick,
      Long travelStart, boolean hideArgs, boolean hideEnv) {}

  /** Reads a watch request; throws {@link ApiRequests.Rejected} with Scope's status when it is bad. */
  private Watch watch(URI uri, HttpHeaders headers) {
    Matcher m = PATH.matcher(uri.getRawPath());
    if (!m.matches() || !ApiTopologies.exists(m.group(1))) {
      throw new ApiRequests.Rejected(HttpStatus.NOT_FOUND, "topology not found: " + uri.getRawPath());
    }
    Map<String, List<String>> query = io.scopeline.render.Views.parseQuery(uri.getRawQuery());
    Duration tick = DEFAULT_TICK;
    List<String> t = query.get("t");
    if (t != null && !t.isEmpty()) {
      tick = GoDuration.parse(t.get(0));
      if (tick == null || tick.isNegative() || tick.isZero()) {
        throw new ApiRequests.Rejected(HttpStatus.BAD_REQUEST, "t must be a Go duration such as 5s, got " + t.get(0));
      }
    }
    List<String> ts = query.get("timestamp");
    Long start = ApiRequests.timestamp(ts == null || ts.isEmpty() ? null : ts.get(0));
    return new Watch(requests.tenant(headers), m.group(1), query, tick, start,
        "true".equals(first(query, "hideCommandLineArguments")), "true".equals(first(query, "hideEnvironmentVariables")));
  }

  private static String first(Map<String, List<String>> q, String key) {
    List<String> v = q.get(key);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** Rejects bad watch requests with a status and reason before the upgrade, as Scope does. */
  public WebFilter validator() {
    return (ServerWebExchange exchange, WebFilterChain chain) -> {
      URI uri = exchange.getRequest().getURI();
      if (!PATH.matcher(uri.getRawPath()).matches()) {
        return chain.filter(exchange);
      }
      try {
        watch(uri, exchange.getRequest().getHeaders());
      } catch (ApiRequests.Rejected e) {
        var response = exchange.getResponse();
        response.setStatusCode(e.status());
        response.getHeaders().setContentType(org.springframework.http.MediaType.APPLICATION_JSON);
        byte[] body = io.scopeline.service.ScopeAppInfo.jsonString(e.getMessage())
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
      }
      return chain.filter(exchange);
    };
  }

  @Override
  public Mono<Void> handle(WebSocketSession session) {
    Watch w;
    try {
      w = watch(session.getHandshakeInfo().getUri(), session.getHandshakeInfo().getHeaders());
    } catch (ApiRequests.Rejected e) {
      return session.close(CloseStatus.POLICY_VIOLATION.withReason(e.getMessage()));
    }
    long connectedAt = ApiRequests.nowNanos();
    Flux<Object> triggers = Flux.<Object>merge(Flux.interval(Duration.ZERO, w.tick()), shortcuts.of(w.tenant()))
        .onBackpressureLatest();
    Object[] previous = {Map.of()};
    boolean[] first = {true};
    Flux<WebSocketMessage> frames = triggers
        .concatMap(x -> render(w, connectedAt)
            .onErrorResume(e -> {
              log.debug("Skipping a tick of {}/{}: {}", w.tenant(), w.topology(), e.toString());
              return Mono.empty();
            }), 1)
        .map(summaries -> {
          @SuppressWarnings("unchecked")
          Map<String, Map<String, Object>> before = (Map<String, Map<String, Object>>) previous[0];
          String diff = views.diff(before, summaries, first[0]);
          previous[0] = summaries;
          first[0] = false;
          return session.textMessage(diff);
        });
    Flux<WebSocketMessage> pings = Flux.interval(pingInterval, pingInterval)
        .map(i -> session.pingMessage(f -> f.wrap(new byte[0])));
    Mono<Void> clientGone = session.receive().then();
    return session.send(Flux.merge(frames, pings).takeUntilOther(clientGone));
  }

  private Mono<Map<String, Map<String, Object>>> render(Watch w, long connectedAt) {
    boolean live = w.travelStart() == null;
    long at = live ? ApiRequests.nowNanos() : w.travelStart() + (ApiRequests.nowNanos() - connectedAt);
    return windows.window(w.tenant(), at, live)
        .publishOn(cpu)
        .map(window -> views.of(window, w.hideArgs(), w.hideEnv()).summaries(w.topology(), w.query()).orElseThrow());
  }
}
