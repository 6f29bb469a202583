package io.scopeline.service.control;

import io.scopeline.control.ControlWire;
import io.scopeline.keys.TenantId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One probe's control socket as the app sees it: calls go out as pairs of frames, replies are
 * matched to their calls by sequence number. Outliving the socket, pending calls fail at once.
 */
public final class ProbeLink {
  private final TenantId tenant;
  private final String probeId;
  private final Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer();
  private final AtomicLong seq = new AtomicLong();
  private final Map<Long, Sinks.One<ControlWire.Response>> pending = new ConcurrentHashMap<>();
  /** The reply header read last, waiting for its value frame (frames are read one at a time). */
  private ControlWire.ReplyHeader header;
  private volatile boolean closed;

  public ProbeLink(TenantId tenant, String probeId) {
    this.tenant = tenant;
    this.probeId = probeId;
  }

  public TenantId tenant() {
    return tenant;
  }

  public String probeId() {
    return probeId;
  }

  /** The frames to write to the socket, in order. */
  public Flux<String> outgoing() {
    return out.asFlux();
  }

  /** Sends {@code request} and waits up to {@code timeout} for the probe's answer. */
  public Mono<ControlWire.Response> call(ControlWire.Request request, Duration timeout) {
    return Mono.defer(() -> {
      long n = seq.incrementAndGet();
      Sinks.One<ControlWire.Response> answer = Sinks.one();
      pending.put(n, answer);
      if (!send(ControlWire.call(n, request))) {
        pending.remove(n);
        return Mono.error(disconnected());
      }
      return answer.asMono()
          .timeout(timeout, Mono.error(() -> new ControlException(
              "probe " + probeId + " did not answer " + request.control() + " within " + timeout.toSeconds() + "s")))
          .doFinally(s -> pending.remove(n));
    });
  }

  /** Both frames of a call, next to each other even when calls are made from several threads. */
  private synchronized boolean send(List<String> frames) {
    if (closed) {
      return false;
    }
    for (String f : frames) {
      if (out.tryEmitNext(f).isFailure()) {
        return false;
      }
    }
    return true;
  }

  /** Takes one frame the probe sent; throws {@link IllegalArgumentException} when it is not a reply frame. */
  public void receive(String text) {
    ControlWire.Frame f = ControlWire.frame(text);
    if (f.reply() != null) {
      header = f.reply();
      return;
    }
    if (header == null) {
      throw new IllegalArgumentException("a control reply value came without its header");
    }
    ControlWire.ReplyHeader h = header;
    header = null;
    Sinks.One<ControlWire.Response> answer = pending.remove(h.seq());
    if (answer != null) {
      answer.tryEmitValue(h.error() != null && !h.error().isEmpty()
          ? ControlWire.Response.failure(h.error()) : ControlWire.response(f.value()));
    }
  }

  /** The socket is gone: no more calls, and those waiting fail now rather than at their timeout. */
  public void close() {
    synchronized (this) {
      closed = true;
      out.tryEmitComplete();
    }
    pending.values().forEach(p -> p.tryEmitError(disconnected()));
    pending.clear();
  }

  private ControlException disconnected() {
    return new ControlException("probe " + probeId + " disconnected");
  }
}
