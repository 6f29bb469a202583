package io.scopeline.ingest.bridge;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportDecodeException;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.codec.ReportTooLargeException;
import io.scopeline.codec.WireHeaders;
import io.scopeline.ingest.config.BridgeProperties;
import io.scopeline.ingest.config.KafkaProperties;
import io.scopeline.service.ScopeAppInfo;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderRecord;

/**
 * Scope's probe endpoints, so real Scope probes work unchanged: {@code POST /api/report} takes a
 * report exactly as the Scope app does, checks it, and produces the body unchanged to Kafka
 * (acks=all), answering 200 only once Kafka has it; {@code GET /api} answers as Scope's app.
 */
public final class ReportBridge {
  private final TenantResolver tenants;
  private final BridgeProperties bridge;
  private final java.util.concurrent.atomic.AtomicInteger uploading = new java.util.concurrent.atomic.AtomicInteger();
  private final KafkaSender<String, byte[]> sender;
  private final KafkaProperties kafka;
  private final ReportLimits limits;
  private final Scheduler decodeScheduler;
  private final MeterRegistry meters;
  private final ScopeAppInfo app;

  public ReportBridge(TenantResolver tenants, BridgeProperties bridge, KafkaSender<String, byte[]> sender,
      KafkaProperties kafka, ReportLimits limits, Scheduler decodeScheduler, MeterRegistry meters, ScopeAppInfo app) {
    this.tenants = tenants;
    this.bridge = bridge;
    this.sender = sender;
    this.kafka = kafka;
    this.limits = limits;
    this.decodeScheduler = decodeScheduler;
    this.meters = meters;
    this.app = app;
  }

  /** Scope errors are JSON strings. */
  private static Mono<ServerResponse> error(HttpStatus status, String reason) {
    return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).bodyValue(ScopeAppInfo.jsonString(reason));
  }

  public Mono<ServerResponse> postReport(ServerRequest request) {
    HttpHeaders headers = request.headers().asHttpHeaders();
    TenantResolver.Resolution tenant = tenants.resolve(headers);
    if (tenant.tenant() == null) {
      return reject(HttpStatus.UNAUTHORIZED, "no-tenant", tenant.problem());
    }
    String contentType = headers.getFirst(HttpHeaders.CONTENT_TYPE);
    String encoding = headers.getFirst(HttpHeaders.CONTENT_ENCODING);
    ReportFormat format;
    try {
      format = ReportFormat.fromHttpHeaders(contentType, encoding);
    } catch (IllegalArgumentException e) {
      return reject(HttpStatus.BAD_REQUEST, "unsupported-content-type", e.getMessage());
    }
    long declared = headers.getContentLength();
    if (declared > limits.maxCompressedBytes()) {
      return reject(HttpStatus.PAYLOAD_TOO_LARGE, "too-large",
          new ReportTooLargeException(ReportTooLargeException.Stage.COMPRESSED, limits.maxCompressedBytes()).getMessage());
    }
    if (uploading.incrementAndGet() > bridge.maxConcurrentUploads()) {
      uploading.decrementAndGet();
      return reject(HttpStatus.SERVICE_UNAVAILABLE, "busy", "too many uploads at once (limit "
          + bridge.maxConcurrentUploads() + "), try again", HttpHeaders.RETRY_AFTER, "1");
    }
    return receive(request, headers, tenant, format).doFinally(s -> uploading.decrementAndGet());
  }

  private Mono<ServerResponse> receive(ServerRequest request, HttpHeaders headers, TenantResolver.Resolution tenant,
      ReportFormat format) {
    int maxBytes = (int) Math.min(Integer.MAX_VALUE - 8, limits.maxCompressedBytes());
    return DataBufferUtils.join(request.body((msg, ctx) -> msg.getBody()), maxBytes)
        .timeout(bridge.bodyTimeout(), Mono.error(new BodyTimeout()))
        .map(ReportBridge::toBytes)
        .defaultIfEmpty(new byte[0])
        .flatMap(body -> validate(body, format)
            .flatMap(v -> produce(tenant.tenant().value(), headers, body))
            .then(Mono.defer(() -> {
              meters.counter("scopeline.bridge.reports.accepted").increment();
              return ServerResponse.ok().build();
            }))
            .onErrorResume(ReportDecodeException.class, e -> reject(
                e instanceof ReportTooLargeException ? HttpStatus.PAYLOAD_TOO_LARGE : HttpStatus.BAD_REQUEST,
                e.reason(), e.getMessage()))
            // Kafka did not take it: tell the probe to retry (it does, with backoff).
            .onErrorResume(e -> !(e instanceof ReportDecodeException) && !(e instanceof DataBufferLimitException),
                e -> reject(HttpStatus.SERVICE_UNAVAILABLE, "kafka-unavailable",
                    "report not stored, try again: " + e.getMessage())))
        .onErrorResume(DataBufferLimitException.class, e -> reject(HttpStatus.PAYLOAD_TOO_LARGE, "too-large",
            new ReportTooLargeException(ReportTooLargeException.Stage.COMPRESSED, limits.maxCompressedBytes()).getMessage()))
        // The rest of a body that stopped coming is not waited for: the connection goes with it.
        .onErrorResume(BodyTimeout.class, e -> reject(HttpStatus.REQUEST_TIMEOUT, "body-timeout",
            "the report body did not arrive within " + bridge.bodyTimeout().toSeconds() + " s",
            HttpHeaders.CONNECTION, "close"));
  }

  /** The body of an upload did not arrive within {@code body-timeout}. */
  private static final class BodyTimeout extends RuntimeException {
    BodyTimeout() {
      super(null, null, false, false);
    }
  }

  private Mono<ServerResponse> reject(HttpStatus status, String reason, String message) {
    meters.counter("scopeline.bridge.reports.rejected", "reason", reason).increment();
    return error(status, message);
  }

  private Mono<ServerResponse> reject(HttpStatus status, String reason, String message, String header, String value) {
    meters.counter("scopeline.bridge.reports.rejected", "reason", reason).increment();
    return ServerResponse.status(status).header(header, value).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(ScopeAppInfo.jsonString(message));
  }

  private static byte[] toBytes(DataBuffer buffer) {
    try {
      byte[] bytes = new byte[buffer.readableByteCount()];
      buffer.read(bytes);
      return bytes;
    } finally {
      DataBufferUtils.release(buffer);
    }
  }

  /** Decodes on the decode scheduler only to check the report; the bytes go to Kafka unchanged. */
  private Mono<Boolean> validate(byte[] body, ReportFormat format) {
    if (body.length == 0) {
      return Mono.error(new io.scopeline.codec.MalformedReportException("empty body: expected a report"));
    }
    return Mono.fromCallable(() -> ReportCodec.decode(body, format, limits) != null).subscribeOn(decodeScheduler);
  }

  private Mono<Void> produce(String tenant, HttpHeaders headers, byte[] body) {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(kafka.reportsTopic(), null,
        System.currentTimeMillis(), tenant, body);
    record.headers().add(WireHeaders.ORG_ID, tenant.getBytes(StandardCharsets.UTF_8));
    copy(headers, record, HttpHeaders.CONTENT_TYPE, WireHeaders.CONTENT_TYPE);
    copy(headers, record, HttpHeaders.CONTENT_ENCODING, WireHeaders.CONTENT_ENCODING);
    copy(headers, record, WireHeaders.PROBE_ID, WireHeaders.PROBE_ID);
    return sender.send(Mono.just(SenderRecord.create(record, tenant))).next()
        .flatMap(r -> r.exception() == null ? Mono.<Void>empty() : Mono.error(r.exception()));
  }

  private static void copy(HttpHeaders from, ProducerRecord<String, byte[]> to, String httpName, String recordName) {
    String v = from.getFirst(httpName);
    if (v != null) {
      to.headers().add(recordName, v.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** {@code GET /api}: what Scope's app answers, so probes find an app id to publish to. */
  public Mono<ServerResponse> api(ServerRequest request) {
    return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(app.body());
  }
}
