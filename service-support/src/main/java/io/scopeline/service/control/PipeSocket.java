package io.scopeline.service.control;

import io.scopeline.service.web.Rejected;

import io.scopeline.keys.TenantId;
import io.scopeline.service.web.Roles;
import io.scopeline.service.web.Upgrades;
import java.time.Duration;
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

/**
 * {@code /api/pipe/{id}} (the browser's end) and {@code /api/pipe/{id}/probe} (the probe's end):
 * frames are copied verbatim to the other end, as binary frames, wherever it is connected. The
 * pipe closes when either end closes its socket, when it is deleted, or when one end has waited
 * longer than the idle timeout for the other.
 */
public final class PipeSocket implements WebSocketHandler {
  private static final Logger log = LoggerFactory.getLogger(PipeSocket.class);
  static final Pattern PATH = Pattern.compile("^/api/pipe/([^/]+)(/probe)?$");

  private static final Object PING = new Object();
  private static final Object CLOSED = new Object();

  private final TenantOfRequest tenants;
  private final PipeRouter pipes;
  private final Duration pingInterval;

  public PipeSocket(TenantOfRequest tenants, PipeRouter pipes, Duration pingInterval) {
    this.tenants = tenants;
    this.pipes = pipes;
    this.pingInterval = pingInterval;
  }

  private record End(TenantId tenant, String pipeId, PipeEnd end) {}

  private End end(String path, HttpHeaders headers) {
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      throw new Rejected(HttpStatus.NOT_FOUND, "no such pipe path: " + path);
    }
    String problem = ControlKeys.problem("pipe", m.group(1));
    if (problem != null) {
      throw new Rejected(HttpStatus.BAD_REQUEST, problem);
    }
    TenantId tenant = tenants.of(headers);
    Roles.requireOperator(headers, "a pipe");
    return new End(tenant, m.group(1), m.group(2) == null ? PipeEnd.UI : PipeEnd.PROBE);
  }

  /** Refuses, before the upgrade, sockets to a pipe that was closed (404, as Scope answers). */
  public WebFilter validator() {
    return Upgrades.validate(p -> PATH.matcher(p).matches()
        && !"check".equals(p.substring(p.lastIndexOf('/') + 1)), (path, exchange) -> {
          if (!"GET".equals(exchange.getRequest().getMethod().name())) {
            return Mono.empty();
          }
          End e = end(path, exchange.getRequest().getHeaders());
          return pipes.closed(e.tenant(), e.pipeId()).flatMap(closed -> closed
              ? Mono.error(new Rejected(HttpStatus.NOT_FOUND, "pipe " + e.pipeId() + " is closed"))
              : Mono.<Void>empty());
        });
  }

  @Override
  public Mono<Void> handle(WebSocketSession session) {
    End e;
    try {
      e = end(session.getHandshakeInfo().getUri().getRawPath(), session.getHandshakeInfo().getHeaders());
    } catch (Rejected r) {
      return session.close(CloseStatus.POLICY_VIOLATION.withReason(r.getMessage()));
    }
    log.debug("Pipe {} of {}: {} end connected", e.pipeId(), e.tenant(), e.end());
    // The pings stop with the pipe: the end of its frames is marked, and sending stops there.
    Flux<Object> toClient = pipes.receive(e.tenant(), e.pipeId(), e.end()).cast(Object.class)
        .concatWith(Mono.just(CLOSED));
    Flux<Object> pings = Flux.interval(pingInterval, pingInterval).map(i -> PING);
    // Frames for the client, and the watch on the other end, end by closing the session, which
    // ends the input; only the input's end closes the pipe, so a session closed from either side
    // closes it exactly when the client is gone.
    Mono<Void> output = Mono.firstWithSignal(
            session.send(Flux.merge(toClient, pings).takeWhile(o -> o != CLOSED)
                .map(o -> o == PING ? session.pingMessage(f -> f.wrap(new byte[0]))
                    : session.binaryMessage(f -> f.wrap((byte[]) o)))),
            watchOtherEnd(e))
        .onErrorResume(x -> {
          log.info("Pipe {} of {} failed at its {} end: {}", e.pipeId(), e.tenant(), e.end(), x.toString());
          return Mono.empty();
        })
        .then(Mono.defer(() -> session.close(CloseStatus.NORMAL)));
    Mono<Void> input = session.receive()
        .concatMap(m -> {
          byte[] frame = new byte[m.getPayload().readableByteCount()];
          m.getPayload().read(frame);
          return pipes.send(e.tenant(), e.pipeId(), e.end(), frame);
        }, 1)
        // However the client went (a close frame, or the connection dropped), the pipe closes.
        .onErrorResume(x -> {
          log.debug("Pipe {} of {}: {} end ended with {}", e.pipeId(), e.tenant(), e.end(), x.toString());
          return Mono.empty();
        })
        .then(Mono.defer(() -> pipes.close(e.tenant(), e.pipeId(), e.end() + " end closed")));
    return Mono.firstWithSignal(input, output.then(Mono.never()))
        .onErrorResume(x -> {
          log.info("Pipe {} of {} failed at its {} end: {}", e.pipeId(), e.tenant(), e.end(), x.toString());
          return session.close(CloseStatus.SERVER_ERROR.withReason("pipe failed"));
        });
  }

  /** Keeps this end marked as connected and closes the pipe when the other end stays away too long. */
  private Mono<Void> watchOtherEnd(End e) {
    ControlProperties props = pipes.props();
    long connectedAt = System.nanoTime();
    return Flux.interval(Duration.ZERO, props.pipeCheckInterval())
        .onBackpressureDrop()
        .concatMap(i -> pipes.seen(e.tenant(), e.pipeId(), e.end())
            .then(pipes.recentlySeen(e.tenant(), e.pipeId(), e.end().other()))
            .flatMap(present -> present
                || Duration.ofNanos(System.nanoTime() - connectedAt).compareTo(props.pipeIdleTimeout()) < 0
                ? Mono.just(false)
                : pipes.close(e.tenant(), e.pipeId(), e.end().other() + " end did not connect").thenReturn(true)), 1)
        .filter(closed -> closed)
        .next()
        .then(Mono.never());
  }
}
