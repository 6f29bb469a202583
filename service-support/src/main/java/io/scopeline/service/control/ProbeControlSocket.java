package io.scopeline.service.control;

import io.scopeline.service.web.Rejected;

import io.scopeline.control.ControlWire;
import io.scopeline.keys.TenantId;
import io.scopeline.service.web.Roles;
import io.scopeline.service.web.Upgrades;
import java.time.Duration;
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
 * {@code /api/control/ws}: a probe's control socket. The probe names itself with
 * {@code X-Scope-Probe-ID}; while the socket is open, control requests for that probe (from any
 * replica) are sent over it.
 */
public final class ProbeControlSocket implements WebSocketHandler {
  private static final Logger log = LoggerFactory.getLogger(ProbeControlSocket.class);
  public static final String PATH = "/api/control/ws";

  private final TenantOfRequest tenants;
  private final ControlRouter router;
  private final Duration pingInterval;

  public ProbeControlSocket(TenantOfRequest tenants, ControlRouter router, Duration pingInterval) {
    this.tenants = tenants;
    this.router = router;
    this.pingInterval = pingInterval;
  }

  private record Probe(TenantId tenant, String probeId) {}

  private Probe probe(HttpHeaders headers) {
    String id = headers.getFirst(ControlWire.PROBE_ID_HEADER);
    if (id == null || id.isEmpty()) {
      throw new Rejected(HttpStatus.BAD_REQUEST,
          "a control socket needs the " + ControlWire.PROBE_ID_HEADER + " header");
    }
    String problem = ControlKeys.problem("probe", id);
    if (problem != null) {
      throw new Rejected(HttpStatus.BAD_REQUEST, problem);
    }
    TenantId tenant = tenants.of(headers);
    Roles.requireOperator(headers, "a control socket");
    return new Probe(tenant, id);
  }

  /** Refuses a bad control socket with a status and reason before the upgrade, as Scope does. */
  public WebFilter validator() {
    return Upgrades.validate(PATH::equals, (path, exchange) -> {
      probe(exchange.getRequest().getHeaders());
      return Mono.empty();
    });
  }

  @Override
  public Mono<Void> handle(WebSocketSession session) {
    Probe p;
    try {
      p = probe(session.getHandshakeInfo().getHeaders());
    } catch (Rejected e) {
      return session.close(CloseStatus.POLICY_VIOLATION.withReason(e.getMessage()));
    }
    ProbeLink link = new ProbeLink(p.tenant(), p.probeId());
    log.info("Probe {} of {} opened its control socket", p.probeId(), p.tenant());
    Flux<WebSocketMessage> pings = Flux.interval(pingInterval, pingInterval)
        .map(i -> session.pingMessage(f -> f.wrap(new byte[0])));
    Mono<Void> output = session.send(Flux.merge(link.outgoing().map(session::textMessage), pings));
    Mono<Void> input = session.receive()
        .doOnNext(m -> link.receive(m.getPayloadAsText()))
        .then()
        .onErrorResume(IllegalArgumentException.class, e -> {
          log.info("Closing the control socket of probe {} of {}: {}", p.probeId(), p.tenant(), e.getMessage());
          return session.close(CloseStatus.BAD_DATA.withReason(e.getMessage()));
        });
    return Mono.usingWhen(router.register(link).thenReturn(link),
        l -> Mono.firstWithSignal(input, output),
        l -> router.deregister(l)
            .doFinally(s -> log.info("Probe {} of {} closed its control socket", p.probeId(), p.tenant())));
  }
}
