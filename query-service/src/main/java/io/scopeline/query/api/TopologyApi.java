package io.scopeline.query.api;

import io.scopeline.service.web.Rejected;

import io.scopeline.keys.TenantId;
import io.scopeline.render.ApiTopologies;
import io.scopeline.render.EdgeHistory;
import io.scopeline.render.Export;
import io.scopeline.render.Neighbours;
import io.scopeline.render.HistoryDiff;
import io.scopeline.render.NodeSummary;
import io.scopeline.model.Timestamps;
import io.scopeline.render.JsonOut;
import io.scopeline.render.Censoring;
import io.scopeline.render.Views;
import io.scopeline.query.live.EncodedBody;
import io.scopeline.query.live.LatestBodies;
import io.scopeline.query.live.TopologyViews;
import io.scopeline.query.read.WindowReader;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code GET /api/topology}, {@code /api/topology/{name}} and {@code /api/topology/{name}/{id}},
 * answered as Scope answers them, from the tenant's window at {@code timestamp=} (default now), and
 * {@code /api/topology/{name}/diff?from=&to=}: what changed in the view between two times, and
 * {@code /api/topology/{name}/edges?window=}: every edge of a long window, first and last seen;
 * {@code .../{id}/neighbours}, {@code .../export} and {@code /api/lookup}: finding things.
 */
public final class TopologyApi {
  private final ApiRequests requests;
  private final WindowReader windows;
  private final TopologyViews views;
  private final Scheduler cpu;
  private final LatestBodies latest;

  public TopologyApi(ApiRequests requests, WindowReader windows, TopologyViews views, LatestBodies latest,
      Scheduler cpu) {
    this.latest = latest;
    this.requests = requests;
    this.windows = windows;
    this.views = views;
    this.cpu = cpu;
  }

  public Mono<ServerResponse> topologies(ServerRequest request) {
    return answer(request, (w, c, v, gzip) -> new EncodedBody(JsonOut.bytes(v.get().topologies(query(request)))));
  }

  public Mono<ServerResponse> topology(ServerRequest request) {
    String name = request.pathVariable("name");
    if (!ApiTopologies.exists(name)) {
      return ApiRequests.error(HttpStatus.NOT_FOUND, "topology not found: " + name);
    }
    // Encoded once per (window version, view, options): concurrent requests share the bytes; a
    // live view whose newest version is not rendered yet answers from the previous one meanwhile.
    Map<String, List<String>> query = query(request);
    // The version's Views is made inside the render, so a request answered from the previous
    // version does not wait for it either.
    return answer(request, (w, c, v, gzip) -> w.renders() == null
        ? v.get().topologyJson(name, query).map(EncodedBody::new).orElse(null)
        : latest.body(c.key() + "\n" + Views.renderKey(name, query), w,
            () -> v.get().topologyJson(name, query), gzip).orElse(null));
  }

  public Mono<ServerResponse> node(ServerRequest request) {
    String name = request.pathVariable("name");
    if (!ApiTopologies.exists(name)) {
      return ApiRequests.error(HttpStatus.NOT_FOUND, "topology not found: " + name);
    }
    // Like Scope: the id is taken from the raw path and query-unescaped (%2F works, + is a space).
    String raw = request.uri().getRawPath();
    String id = Views.decode(raw.substring(("/api/topology/" + name + "/").length()));
    return answer(request, (w, c, v, gzip) -> new EncodedBody(JsonOut.bytes(v.get().node(name, id, query(request)).orElseThrow(
        () -> new Rejected(HttpStatus.NOT_FOUND, "node not found: " + id)))));
  }

  /**
   * {@code from=} (required) and {@code to=} (default now), both RFC 3339: the view rendered from
   * the windows at both times, with the same options, and what differs ({@link HistoryDiff}).
   */
  public Mono<ServerResponse> diff(ServerRequest request) {
    String name = request.pathVariable("name");
    if (!ApiTopologies.exists(name)) {
      return ApiRequests.error(HttpStatus.NOT_FOUND, "topology not found: " + name);
    }
    Map<String, List<String>> query = query(request);
    Mono<ServerResponse> response = Mono.defer(() -> {
      TenantId tenant = requests.tenant(request.headers().asHttpHeaders());
      ApiRequests.search(query(request));
      Long from = ApiRequests.time("from", request.queryParam("from").orElse(null));
      if (from == null) {
        throw new Rejected(HttpStatus.BAD_REQUEST, "from= is required: the earlier time, RFC 3339, e.g. "
            + "2026-11-22T01:39:28Z");
      }
      Long requestedTo = ApiRequests.time("to", request.queryParam("to").orElse(null));
      long to = requestedTo == null ? ApiRequests.nowNanos() : requestedTo;
      if (from >= to) {
        throw new Rejected(HttpStatus.BAD_REQUEST, "from= must be before to= (to defaults to now)");
      }
      Censoring censoring = ApiRequests.censoring(request);
      java.time.Duration window = ApiRequests.window(request.queryParam("window").orElse(null));
      return Mono.zip(ApiRequests.windowAt(windows, tenant, from, window),
              ApiRequests.windowAt(windows, tenant, requestedTo == null ? null : to, window))
          .publishOn(cpu)
          .flatMap(both -> {
            Map<String, NodeSummary> before = views.of(both.getT1(), censoring).summaries(name, query).orElse(Map.of());
            Map<String, NodeSummary> after = views.of(both.getT2(), censoring).summaries(name, query).orElse(Map.of());
            var ok = ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).header("Cache-Control", "no-cache");
            if (both.getT1().stale() || both.getT2().stale()) {
              ok = ok.header(ScopeApi.STALE_HEADER, Long.toString(
                  Math.max(both.getT1().staleFor().toSeconds(), both.getT2().staleFor().toSeconds())));
            }
            return ok.bodyValue(JsonOut.bytes(HistoryDiff.of(before, after).toJson(
                Timestamps.formatRfc3339Nano(from), Timestamps.formatRfc3339Nano(to))));
          });
    });
    return recoverRejections(response);
  }

  /**
   * {@code GET /api/topology/{name}/{id}/neighbours?depth=&direction=}: the view within
   * {@code depth} edges (default 1, at most {@link Neighbours#MAX_DEPTH}) of node {@code id},
   * following edges {@code in}, {@code out} or {@code both} (default), at {@code timestamp=} over
   * {@code window=} as the view itself.
   */
  public Mono<ServerResponse> neighbours(ServerRequest request) {
    String name = request.pathVariable("name");
    if (!ApiTopologies.exists(name)) {
      return ApiRequests.error(HttpStatus.NOT_FOUND, "topology not found: " + name);
    }
    String raw = request.uri().getRawPath();
    String id = Views.decode(raw.substring(("/api/topology/" + name + "/").length(),
        raw.length() - "/neighbours".length()));
    int depth;
    Neighbours.Direction direction = Neighbours.Direction.parse(request.queryParam("direction").orElse("both"));
    try {
      depth = Integer.parseInt(request.queryParam("depth").orElse("1"));
    } catch (NumberFormatException e) {
      depth = -1;
    }
    if (depth < 0 || depth > Neighbours.MAX_DEPTH) {
      return ApiRequests.error(HttpStatus.BAD_REQUEST, "depth must be a whole number from 0 to "
          + Neighbours.MAX_DEPTH + ", not " + request.queryParam("depth").orElse(""));
    }
    if (direction == null) {
      return ApiRequests.error(HttpStatus.BAD_REQUEST, "direction must be in, out or both, not "
          + request.queryParam("direction").orElse(""));
    }
    int d = depth;
    Map<String, List<String>> query = query(request);
    return answer(request, (w, c, v, gzip) -> new EncodedBody(JsonOut.bytes(v.get().summaries(name, query)
        .flatMap(nodes -> Neighbours.of(nodes, id, d, direction))
        .orElseThrow(() -> new Rejected(HttpStatus.NOT_FOUND, "node not found in " + name + ": " + id)))));
  }

  /**
   * {@code GET /api/topology/{name}/export?format=json|graphml|dot}: the view (with its options,
   * search, time and window) as a file other tools read.
   */
  public Mono<ServerResponse> export(ServerRequest request) {
    String name = request.pathVariable("name");
    if (!ApiTopologies.exists(name)) {
      return ApiRequests.error(HttpStatus.NOT_FOUND, "topology not found: " + name);
    }
    String requested = request.queryParam("format").orElse("json");
    Export.Format format = Export.Format.parse(requested);
    if (format == null) {
      return ApiRequests.error(HttpStatus.BAD_REQUEST, "format must be json, graphml or dot, not " + requested);
    }
    Map<String, List<String>> query = query(request);
    return answer(request, MediaType.parseMediaType(format.mediaType()),
        h -> h.setContentDisposition(org.springframework.http.ContentDisposition.attachment()
            .filename(name + "." + format.extension()).build()),
        (w, c, v, gzip) -> new EncodedBody(Export.of(format, name, v.get().summaries(name, query).orElse(Map.of()))));
  }

  /** {@code GET /api/lookup?name=}: the nodes named so in every view that names nodes ({@link Views#lookup}). */
  public Mono<ServerResponse> lookup(ServerRequest request) {
    String wanted = request.queryParam("name").orElse("").trim();
    if (wanted.isEmpty()) {
      return ApiRequests.error(HttpStatus.BAD_REQUEST, "name= is required: a host, container, pod, process, "
          + "service or image name");
    }
    return answer(request, (w, c, v, gzip) -> new EncodedBody(JsonOut.bytes(v.get().lookup(wanted))));
  }

  /** The window {@code /edges} reads when the request names none. */
  static final java.time.Duration DEFAULT_EDGES_WINDOW = java.time.Duration.ofDays(1);

  /**
   * {@code window=} (default 1 d) ending at {@code timestamp=} (default now): every edge of the
   * view in it, with when it was first and last seen ({@link EdgeHistory}), the view rendered
   * from each roll-up or minute of quanta in turn, with the view's options.
   */
  public Mono<ServerResponse> edges(ServerRequest request) {
    String name = request.pathVariable("name");
    if (!ApiTopologies.exists(name)) {
      return ApiRequests.error(HttpStatus.NOT_FOUND, "topology not found: " + name);
    }
    Map<String, List<String>> query = query(request);
    Mono<ServerResponse> response = Mono.defer(() -> {
      TenantId tenant = requests.tenant(request.headers().asHttpHeaders());
      ApiRequests.search(query(request));
      Long at = ApiRequests.timestamp(request.queryParam("timestamp").orElse(null));
      long end = at == null ? ApiRequests.nowNanos() : at;
      java.time.Duration requested = ApiRequests.window(request.queryParam("window").orElse(null));
      java.time.Duration window = requested == null ? DEFAULT_EDGES_WINDOW : requested;
      Censoring censoring = ApiRequests.censoring(request);
      EdgeHistory history = new EdgeHistory();
      return windows.pieces(tenant, end, window)
          // The caller may not know it asked for a day: say so, and how to ask less.
          .onErrorMap(e -> e instanceof WindowReader.WindowTooLargeException && requested == null,
              e -> new Rejected(HttpStatus.BAD_REQUEST, e.getMessage() + " (window= was not given: /edges reads "
                  + GoDuration.format(DEFAULT_EDGES_WINDOW) + " by default)"))
          .publishOn(cpu)
          .doOnNext(p -> history.add(views.of(p.window(), censoring).summaries(name, query).orElse(Map.of()),
              p.startNanos(), p.endNanos()))
          .then(Mono.fromCallable(() -> JsonOut.bytes(history.toJson(
              Timestamps.formatRfc3339Nano(end - window.toNanos()), Timestamps.formatRfc3339Nano(end),
              Timestamps::formatRfc3339Nano))))
          .flatMap(body -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
              .header("Cache-Control", "no-cache").bodyValue(body));
    });
    return recoverRejections(response);
  }

  static Map<String, List<String>> query(ServerRequest request) {
    return Views.parseQuery(request.uri().getRawQuery());
  }

  /** Whether the client takes a gzip body ({@code Accept-Encoding} names gzip or *, without q=0). */
  static boolean acceptsGzip(ServerRequest request) {
    for (String header : request.headers().header(HttpHeaders.ACCEPT_ENCODING)) {
      for (String coding : header.split(",")) {
        String[] parts = coding.split(";");
        String name = parts[0].trim();
        if (!name.equalsIgnoreCase("gzip") && !name.equals("*")) {
          continue;
        }
        double q = 1;
        for (int i = 1; i < parts.length; i++) {
          String param = parts[i].trim();
          if (param.startsWith("q=")) {
            try {
              q = Double.parseDouble(param.substring(2));
            } catch (NumberFormatException e) {
              q = 0; // unreadable: taken as not accepted
            }
          }
        }
        if (q > 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** The body of an answer from window {@code w} as {@code censoring} allows; {@code gzip}: the client takes gzip. */
  private interface Body {
    EncodedBody of(WindowReader.Window w, Censoring censoring, Supplier<Views> views, boolean gzip);
  }

  private Mono<ServerResponse> answer(ServerRequest request, Body body) {
    return answer(request, MediaType.APPLICATION_JSON, h -> { }, body);
  }

  private Mono<ServerResponse> answer(ServerRequest request, MediaType type,
      java.util.function.Consumer<HttpHeaders> headers, Body body) {
    boolean gzip = acceptsGzip(request);
    Mono<ServerResponse> response = Mono.defer(() -> {
      TenantId tenant = requests.tenant(request.headers().asHttpHeaders());
      ApiRequests.search(query(request));
      Long at = ApiRequests.timestamp(request.queryParam("timestamp").orElse(null));
      java.time.Duration window = ApiRequests.window(request.queryParam("window").orElse(null));
      Censoring censoring = ApiRequests.censoring(request);
      return ApiRequests.windowAt(windows, tenant, at, window)
          .publishOn(cpu)
          .flatMap(w -> {
            EncodedBody encoded = body.of(w, censoring, () -> views.of(w, censoring), gzip);
            if (encoded == null) {
              encoded = new EncodedBody(JsonOut.bytes(null));
            }
            var ok = ServerResponse.ok().contentType(type).header("Cache-Control", "no-cache").headers(headers);
            if (w.stale()) {
              ok = ok.header(ScopeApi.STALE_HEADER, Long.toString(w.staleFor().toSeconds()));
            }
            if (!encoded.worthCompressing()) {
              return ok.bodyValue(encoded.json());
            }
            ok = ok.header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
            byte[] gzipped = encoded.gzipIfMade();
            return gzipped != null && gzip
                ? ok.header(HttpHeaders.CONTENT_ENCODING, "gzip").bodyValue(gzipped)
                : ok.bodyValue(encoded.json());
          });
    });
    return recoverRejections(response);
  }

  private static Mono<ServerResponse> recoverRejections(Mono<ServerResponse> response) {
    return response.onErrorResume(Rejected.class, e -> ApiRequests.error(e.status(), e.getMessage()))
        // A search refused while matching (too costly), not when read.
        .onErrorResume(io.scopeline.render.Search.BadQueryException.class,
            e -> ApiRequests.error(HttpStatus.BAD_REQUEST, e.getMessage()))
        .onErrorResume(WindowReader.WindowTooLargeException.class,
            e -> ApiRequests.error(HttpStatus.BAD_REQUEST, e.getMessage()))
        .onErrorResume(WindowReader.StoreUnavailableException.class,
            e -> ApiRequests.error(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
  }
}
