package io.scopeline.simulator;

import io.scopeline.control.ControlWire;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A probe's control socket, spoken as Scope's probe speaks it: the probe connects to the app's
 * {@code /api/control/ws} naming itself with {@code X-Scope-Probe-ID}, answers each
 * {@code control.Handle} call with a reply, and connects again (after a pause) whenever the socket
 * closes.
 */
public final class ProbeControlClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProbeControlClient.class);

  /** What the probe does with a control request; may block (it runs on a thread of its own). */
  public interface Handler {
    ControlWire.Response handle(ControlWire.Request request);
  }

  private final HttpClient http;
  private final URI controlUri;
  private final Map<String, String> headers;
  private final Handler handler;
  private final Duration retry;
  private final ExecutorService work = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "probe-control");
    t.setDaemon(true);
    return t;
  });
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "probe-control-retry");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;
  private volatile WebSocket socket;
  private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

  /**
   * @param appBase the app's base URL ({@code http://host:port})
   * @param probeId the probe's id, as its reports name it in {@code control_probe_id}
   * @param headers further headers for every socket (e.g. the tenant's {@code X-Scope-OrgID})
   */
  public ProbeControlClient(HttpClient http, URI appBase, String probeId, Map<String, String> headers,
      Handler handler, Duration retry) {
    this.http = http;
    this.controlUri = webSocketUri(appBase, "/api/control/ws");
    this.headers = new java.util.LinkedHashMap<>(headers);
    this.headers.put(ControlWire.PROBE_ID_HEADER, probeId);
    this.handler = handler;
    this.retry = retry;
  }

  /** {@code ws://} (or {@code wss://}) for {@code path} on the app at {@code base}. */
  public static URI webSocketUri(URI base, String path) {
    String scheme = "https".equals(base.getScheme()) ? "wss" : "ws";
    return URI.create(scheme + "://" + base.getRawAuthority() + path);
  }

  /** Connects, and keeps connecting again while not closed. */
  public ProbeControlClient start() {
    connect();
    return this;
  }

  /** Whether the control socket is open now. */
  public boolean connected() {
    WebSocket s = socket;
    return s != null && !s.isInputClosed() && !s.isOutputClosed();
  }

  private void connect() {
    if (closed) {
      return;
    }
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    headers.forEach(b::header);
    b.buildAsync(controlUri, new Listener()).whenComplete((ws, e) -> {
      if (e != null) {
        log.debug("Control socket to {} failed: {}", controlUri, e.toString());
        later();
      } else {
        socket = ws;
        log.debug("Control socket to {} open", controlUri);
      }
    });
  }

  private void later() {
    if (!closed) {
      timer.schedule(this::connect, retry.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void send(WebSocket ws, java.util.List<String> frames) {
    for (String f : frames) {
      sending = sending.handle((v, e) -> null).thenCompose(v -> ws.sendText(f, true));
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    private ControlWire.CallHeader call;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String frame = text.toString();
        text.setLength(0);
        take(ws, frame);
      }
      ws.request(1);
      return null;
    }

    private void take(WebSocket ws, String frame) {
      ControlWire.Frame f;
      try {
        f = ControlWire.frame(frame);
      } catch (IllegalArgumentException e) {
        log.warn("Ignoring a bad control frame: {}", e.getMessage());
        return;
      }
      if (f.call() != null) {
        call = f.call();
        return;
      }
      ControlWire.CallHeader c = call;
      call = null;
      if (c == null) {
        return;
      }
      work.execute(() -> {
        ControlWire.Response r;
        try {
          r = handler.handle(ControlWire.request(f.value()));
        } catch (RuntimeException e) {
          r = ControlWire.Response.failure(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        send(ws, ControlWire.reply(c.seq(), r));
      });
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      log.debug("Control socket closed ({} {})", status, reason);
      socket = null;
      later();
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      log.debug("Control socket failed: {}", error.toString());
      socket = null;
      later();
    }
  }

  @Override
  public void close() {
    closed = true;
    WebSocket s = socket;
    if (s != null) {
      s.sendClose(WebSocket.NORMAL_CLOSURE, "probe stopping");
    }
    timer.shutdownNow();
    work.shutdownNow();
  }
}
