package io.scopeline.query.api;

import io.scopeline.codec.WireHeaders;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Timestamps;
import io.scopeline.query.QueryProperties;
import io.scopeline.service.ScopeAppInfo;
import io.scopeline.render.Censoring;
import io.scopeline.render.Views;
import io.scopeline.service.web.Rejected;
import io.scopeline.service.web.Roles;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** What every API request needs: its tenant, its time, and errors as Scope writes them (JSON strings). */
public final class ApiRequests {
  private final QueryProperties props;

  public ApiRequests(QueryProperties props) {
    this.props = props;
  }

  public static Mono<ServerResponse> error(HttpStatus status, String reason) {
    return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(ScopeAppInfo.jsonString(reason));
  }

  /** The tenant from {@code X-Scope-OrgID}, else the configured default; none → 401 with the reason. */
  public TenantId tenant(HttpHeaders headers) {
    java.util.List<String> given = headers.get(WireHeaders.ORG_ID);
    if (given != null && given.size() > 1) {
      // Which one a gateway checked is unknowable: refuse rather than pick one.
      throw new Rejected(HttpStatus.BAD_REQUEST, "more than one " + WireHeaders.ORG_ID + " header");
    }
    String value = headers.getFirst(WireHeaders.ORG_ID);
    if (value == null || value.isEmpty()) {
      value = props.defaultTenant();
    }
    String problem = TenantId.problem(value);
    if (problem != null) {
      throw new Rejected(HttpStatus.UNAUTHORIZED, problem);
    }
    return TenantId.of(value);
  }

  /**
   * What the caller may not see: the censoring options of the query, and the namespaces the
   * tenant gate found the caller limited to ({@link Roles#NAMESPACES_HEADER}).
   */
  public static Censoring censoring(ServerRequest request) {
    return censoring(Views.parseQuery(request.uri().getRawQuery()), request.headers().asHttpHeaders());
  }

  public static Censoring censoring(java.util.Map<String, java.util.List<String>> query, HttpHeaders headers) {
    return Censoring.of(isTrue(query, "hideCommandLineArguments"), isTrue(query, "hideEnvironmentVariables"),
        Roles.visibleNamespaces(headers));
  }

  private static boolean isTrue(java.util.Map<String, java.util.List<String>> query, String key) {
    java.util.List<String> v = query.get(key);
    return v != null && !v.isEmpty() && "true".equals(v.get(0));
  }

  /** The longest {@code window=}: a month of hour roll-ups is ~720 objects. */
  static final Duration MAX_WINDOW = Duration.ofDays(31);

  /**
   * The {@code window=} length (a Go duration such as {@code 90m} or {@code 1h30m}, or whole days
   * as {@code 7d}), or null when absent. Bad, not positive, or beyond {@link #MAX_WINDOW} → 400.
   */
  public static Duration window(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    Duration d = value.matches("\\d{1,4}d") ? Duration.ofDays(Long.parseLong(value.substring(0, value.length() - 1)))
        : GoDuration.parse(value);
    if (d == null) {
      throw new Rejected(HttpStatus.BAD_REQUEST, "window must be a duration such as 15s, 90m, 24h or 7d");
    }
    if (d.isZero() || d.isNegative() || d.compareTo(MAX_WINDOW) > 0) {
      throw new Rejected(HttpStatus.BAD_REQUEST, "window must be more than 0 and at most 31d");
    }
    return d;
  }

  /**
   * The window a request names: ending at {@code at} (null: now, live) of the default length, or
   * of {@code window} when given — then read from the stores even for now, since only the live
   * window of the default length is kept.
   */
  public static Mono<io.scopeline.query.read.WindowReader.Window> windowAt(
      io.scopeline.query.read.WindowReader windows, TenantId tenant, Long at, Duration window) {
    long end = at == null ? nowNanos() : at;
    return window == null ? windows.window(tenant, end, at == null) : windows.past(tenant, end, window);
  }

  /** The request's search ({@code q=}), or null when it has none; a bad one → 400 with the reason. */
  public static io.scopeline.render.Search search(java.util.Map<String, java.util.List<String>> query) {
    try {
      return io.scopeline.render.Search.of(query);
    } catch (io.scopeline.render.Search.BadQueryException e) {
      throw new Rejected(HttpStatus.BAD_REQUEST, e.getMessage());
    }
  }

  /** The {@code timestamp=} time travel target in epoch nanos, or null for "now". Bad → 400. */
  public static Long timestamp(String value) {
    return time("timestamp", value);
  }

  /** A time parameter {@code name} in epoch nanos, or null when absent. Bad → 400 naming the parameter. */
  public static Long time(String name, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Timestamps.ofInstant(Instant.parse(value));
    } catch (IllegalArgumentException e) {
      // Beyond what epoch nanoseconds hold.
      throw new Rejected(HttpStatus.BAD_REQUEST, name + " " + value + " is out of range (years 1678 to 2261)");
    } catch (DateTimeParseException e) {
      throw new Rejected(HttpStatus.BAD_REQUEST, name + " must be RFC 3339, e.g. 2026-11-22T01:39:28Z");
    }
  }

  public static long nowNanos() {
    return System.currentTimeMillis() * 1_000_000L;
  }
}
