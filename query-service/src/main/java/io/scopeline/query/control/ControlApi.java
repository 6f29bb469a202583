package io.scopeline.query.control;

import io.scopeline.service.web.Rejected;
import io.scopeline.service.web.Roles;

import io.scopeline.control.ControlWire;
import io.scopeline.keys.TenantId;
import io.scopeline.query.api.ApiRequests;
import io.scopeline.service.control.ControlException;
import io.scopeline.service.control.ControlKeys;
import io.scopeline.service.control.ControlRouter;
import io.scopeline.service.control.PipeRouter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The UI's side of controls and pipes: {@code POST /api/control/{probeID}/{nodeID}/{control}}
 * (answered with the probe's response, or 400 with the reason), {@code GET /api/pipe/{id}/check}
 * (204 unless the pipe was closed, then 404) and {@code DELETE|POST /api/pipe/{id}} (closes it).
 */
public final class ControlApi {
  private final ApiRequests requests;
  private final ControlRouter controls;
  private final PipeRouter pipes;

  public ControlApi(ApiRequests requests, ControlRouter controls, PipeRouter pipes) {
    this.requests = requests;
    this.controls = controls;
    this.pipes = pipes;
  }

  public Mono<ServerResponse> control(ServerRequest request) {
    TenantId tenant;
    String probeId = request.pathVariable("probeID");
    try {
      tenant = requests.tenant(request.headers().asHttpHeaders());
      Roles.requireOperator(request.headers().asHttpHeaders(), "a control");
      String problem = ControlKeys.problem("probe", probeId);
      if (problem != null) {
        return ApiRequests.error(HttpStatus.BAD_REQUEST, problem);
      }
    } catch (Rejected e) {
      return ApiRequests.error(e.status(), e.getMessage());
    }
    return request.bodyToMono(String.class).defaultIfEmpty("")
        .map(body -> new ControlWire.Request(null, request.pathVariable("nodeID"), request.pathVariable("control"),
            ControlWire.args(body)))
        .flatMap(r -> controls.handle(tenant, probeId, r))
        .flatMap(response -> response.failed()
            ? ApiRequests.error(HttpStatus.BAD_REQUEST, response.error())
            : ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(ControlWire.json(response)))
        .onErrorResume(IllegalArgumentException.class, e -> ApiRequests.error(HttpStatus.BAD_REQUEST, e.getMessage()))
        .onErrorResume(ControlException.class, e -> ApiRequests.error(HttpStatus.BAD_REQUEST, e.getMessage()));
  }

  public Mono<ServerResponse> checkPipe(ServerRequest request) {
    return withPipe(request, (tenant, id) -> pipes.closed(tenant, id)
        .flatMap(closed -> closed ? ApiRequests.error(HttpStatus.NOT_FOUND, "pipe " + id + " is closed")
            : ServerResponse.noContent().build()));
  }

  public Mono<ServerResponse> deletePipe(ServerRequest request) {
    return withPipe(request, (tenant, id) -> {
      Roles.requireOperator(request.headers().asHttpHeaders(), "closing a pipe");
      return pipes.close(tenant, id, "deleted").then(ServerResponse.ok().build());
    });
  }

  private Mono<ServerResponse> withPipe(ServerRequest request,
      java.util.function.BiFunction<TenantId, String, Mono<ServerResponse>> action) {
    String id = request.pathVariable("pipeID");
    String problem = ControlKeys.problem("pipe", id);
    if (problem != null) {
      return ApiRequests.error(HttpStatus.BAD_REQUEST, problem);
    }
    try {
      return action.apply(requests.tenant(request.headers().asHttpHeaders()), id)
          .onErrorResume(e -> !(e instanceof Rejected), e -> ApiRequests.error(
              HttpStatus.SERVICE_UNAVAILABLE, "pipes cannot be reached right now; try again"));
    } catch (Rejected e) {
      return ApiRequests.error(e.status(), e.getMessage());
    }
  }
}
