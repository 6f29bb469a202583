package io.scopeline.query.api;

import io.scopeline.service.web.Rejected;

import io.scopeline.query.read.WindowReader;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.keys.TenantId;
import io.scopeline.render.Censoring;
import io.scopeline.service.ScopeAppInfo;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code GET /api}, {@code GET /api/report} and {@code GET /api/probes}, with the tenant from
 * {@code X-Scope-OrgID} (missing → 401 with a reason) and {@code timestamp=} for time travel.
 */
public final class ScopeApi {
  /** Response header on a stale fallback: the age of the served window in seconds. */
  public static final String STALE_HEADER = "X-Scopeline-Stale";

  private final ApiRequests requests;
  private final WindowReader windows;
  private final ProbeStatusTable statuses;
  private final Scheduler encodeScheduler;
  private final ScopeAppInfo app;
  private final java.time.Duration history;

  public ScopeApi(ApiRequests requests, WindowReader windows, ProbeStatusTable statuses, Scheduler encodeScheduler,
      ScopeAppInfo app, java.time.Duration history) {
    this.requests = requests;
    this.windows = windows;
    this.statuses = statuses;
    this.encodeScheduler = encodeScheduler;
    this.app = app;
    this.history = history;
  }

  /**
   * {@code GET /api/history}: the times one can travel to, {@code {"from", "to", "retention"}}
   * ({@code to} is now; {@code retention} a Go duration), for the UI's time slider.
   */
  public Mono<ServerResponse> history(ServerRequest request) {
    return Mono.fromCallable(() -> {
      requests.tenant(request.headers().asHttpHeaders()); // as every /api read: no tenant, no answer
      java.time.Instant now = java.time.Instant.now();
      return io.scopeline.codec.JsonObjects.object(g -> {
        g.writeStringProperty("from", now.minus(history).toString());
        g.writeStringProperty("to", now.toString());
        g.writeStringProperty("retention", GoDuration.format(history));
      });
    })
        .flatMap(json -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json))
        .onErrorResume(Rejected.class, e -> ApiRequests.error(e.status(), e.getMessage()));
  }

  public Mono<ServerResponse> report(ServerRequest request) {
    boolean msgpack = request.headers().accept().stream().anyMatch(m -> m.toString().startsWith("application/msgpack"));
    ReportFormat format = msgpack ? ReportFormat.MSGPACK : ReportFormat.JSON;
    Censoring censoring = ApiRequests.censoring(request);
    return Mono.defer(() -> {
      TenantId tenant = requests.tenant(request.headers().asHttpHeaders());
      Long at = ApiRequests.timestamp(request.queryParam("timestamp").orElse(null));
      java.time.Duration window = ApiRequests.window(request.queryParam("window").orElse(null));
      return ApiRequests.windowAt(windows, tenant, at, window);
    })
        .publishOn(encodeScheduler)
        .flatMap(w -> {
          byte[] bytes = ReportCodec.encode(censoring.forReport(w.report()), format);
          var response = ServerResponse.ok().contentType(MediaType.parseMediaType(format.contentType()))
              .header("Cache-Control", "no-cache");
          if (w.stale()) {
            // How old the served window is: the stores failed and this is the last good one.
            response = response.header(STALE_HEADER, Long.toString(w.staleFor().toSeconds()));
          }
          return response.bodyValue(bytes);
        })
        .onErrorResume(Rejected.class, e -> ApiRequests.error(e.status(), e.getMessage()))
        .onErrorResume(WindowReader.WindowTooLargeException.class,
            e -> ApiRequests.error(HttpStatus.BAD_REQUEST, e.getMessage()))
        .onErrorResume(e -> ApiRequests.error(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
  }

  /**
   * {@code GET /api/probes}: Scope's fields (id, hostname, version, lastSeen) from the window's
   * host nodes, plus {@code status} ({@code ok} or {@code nodata}) and {@code lastReport} (epoch
   * millis) from the ingest side's liveness table; probes known only to that table are listed too.
   */
  public Mono<ServerResponse> probes(ServerRequest request) {
    return Mono.defer(() -> {
      TenantId tenant = requests.tenant(request.headers().asHttpHeaders());
      return Mono.zip(windows.window(tenant, ApiRequests.nowNanos(), true), statuses.read(tenant));
    })
        .map(t -> ProbeList.of(t.getT1().report(), t.getT2()))
        .flatMap(list -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(list))
        .onErrorResume(Rejected.class, e -> ApiRequests.error(e.status(), e.getMessage()))
        .onErrorResume(e -> ApiRequests.error(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
  }

  public Mono<ServerResponse> api(ServerRequest request) {
    return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(app.body());
  }
}
