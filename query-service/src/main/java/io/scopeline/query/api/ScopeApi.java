package io.scopeline.query.api;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.WireHeaders;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Timestamps;
import io.scopeline.query.QueryProperties;
import io.scopeline.service.ScopeAppInfo;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The Scope UI API, as far as it is built: {@code GET /api} and {@code GET /api/report}, with the
 * tenant from {@code X-Scope-OrgID} (missing → 401 with a reason) and {@code timestamp=} for time
 * travel.
 */
public final class ScopeApi {
  /** Response header on a stale fallback: the age of the served window in seconds. */
  public static final String STALE_HEADER = "X-Scopeline-Stale";

  private final WindowReader windows;
  private final ProbeStatusTable statuses;
  private final QueryProperties props;
  private final Scheduler encodeScheduler;
  private final ScopeAppInfo app;

  public ScopeApi(WindowReader windows, ProbeStatusTable statuses, QueryProperties props, Scheduler encodeScheduler,
      ScopeAppInfo app) {
    this.windows = windows;
    this.statuses = statuses;
    this.props = props;
    this.encodeScheduler = encodeScheduler;
    this.app = app;
  }

  static Mono<ServerResponse> error(HttpStatus status, String reason) {
    return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(ScopeAppInfo.jsonString(reason));
  }

  /** The request's tenant, or null with the reason in {@code problem[0]}. */
  private TenantId tenant(ServerRequest request, String[] problem) {
    String value = request.headers().firstHeader(WireHeaders.ORG_ID);
    if (value == null || value.isEmpty()) {
      value = props.defaultTenant();
    }
    problem[0] = TenantId.problem(value);
    return problem[0] == null ? TenantId.of(value) : null;
  }

  private static long at(ServerRequest request) {
    return request.queryParam("timestamp").filter(s -> !s.isEmpty())
        .map(s -> Timestamps.ofInstant(Instant.parse(s)))
        .orElseGet(() -> System.currentTimeMillis() * 1_000_000L);
  }

  public Mono<ServerResponse> report(ServerRequest request) {
    String[] problem = new String[1];
    TenantId tenant = tenant(request, problem);
    if (tenant == null) {
      return error(HttpStatus.UNAUTHORIZED, problem[0]);
    }
    long at;
    try {
      at = at(request);
    } catch (DateTimeParseException e) {
      return error(HttpStatus.BAD_REQUEST, "timestamp must be RFC 3339, e.g. 2026-11-22T01:39:28Z");
    }
    boolean live = request.queryParam("timestamp").filter(s -> !s.isEmpty()).isEmpty();
    boolean msgpack = request.headers().accept().stream().anyMatch(m -> m.toString().startsWith("application/msgpack"));
    ReportFormat format = msgpack ? ReportFormat.MSGPACK : ReportFormat.JSON;
    return windows.window(tenant, at, live)
        .publishOn(encodeScheduler)
        .flatMap(w -> {
          byte[] bytes = ReportCodec.encode(w.report(), format);
          var response = ServerResponse.ok().contentType(MediaType.parseMediaType(format.contentType()))
              .header("Cache-Control", "no-cache");
          if (w.stale()) {
            // How old the served window is: the stores failed and this is the last good one.
            response = response.header(STALE_HEADER, Long.toString(w.staleFor().toSeconds()));
          }
          return response.bodyValue(bytes);
        })
        .onErrorResume(e -> error(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
  }

  /**
   * {@code GET /api/probes}: Scope's fields (id, hostname, version, lastSeen) from the window's
   * host nodes, plus {@code status} ({@code ok} or {@code nodata}) and {@code lastReport} (epoch
   * millis) from the ingest side's liveness table; probes known only to that table are listed too.
   */
  public Mono<ServerResponse> probes(ServerRequest request) {
    String[] problem = new String[1];
    TenantId tenant = tenant(request, problem);
    if (tenant == null) {
      return error(HttpStatus.UNAUTHORIZED, problem[0]);
    }
    return Mono.zip(windows.window(tenant, System.currentTimeMillis() * 1_000_000L, true), statuses.read(tenant))
        .map(t -> ProbeList.of(t.getT1().report(), t.getT2()))
        .flatMap(list -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(list))
        .onErrorResume(e -> error(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
  }

  public Mono<ServerResponse> api(ServerRequest request) {
    return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(app.body());
  }
}
