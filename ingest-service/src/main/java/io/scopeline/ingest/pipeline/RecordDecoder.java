package io.scopeline.ingest.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportDecodeException;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.codec.WireHeaders;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns a consumed record into a report for a tenant, or a rejection saying why: tenant from the
 * {@code X-Scope-OrgID} header (else the record key), format from {@code Content-Type} (else
 * sniffed), decoding under the configured limits, then Scope's back-compat upgrade. Pure CPU work,
 * run on the decode scheduler.
 */
public final class RecordDecoder {
  private final ReportLimits limits;
  private final MeterRegistry meters;
  private final String defaultTenant;

  public RecordDecoder(ReportLimits limits, MeterRegistry meters) {
    this(limits, meters, "");
  }

  /** {@code defaultTenant}: tenant of records with neither header nor key ("" = reject them). */
  public RecordDecoder(ReportLimits limits, MeterRegistry meters, String defaultTenant) {
    this.limits = limits;
    this.meters = meters;
    this.defaultTenant = defaultTenant == null ? "" : defaultTenant;
  }

  public Decoded decode(ConsumerRecord<String, byte[]> record) {
    String tenantValue = header(record, WireHeaders.ORG_ID);
    if (tenantValue == null || tenantValue.isEmpty()) {
      tenantValue = record.key();
    }
    if ((tenantValue == null || tenantValue.isEmpty()) && !defaultTenant.isEmpty()) {
      tenantValue = defaultTenant;
    }
    String tenantProblem = TenantId.problem(tenantValue);
    if (tenantProblem != null) {
      return reject(record, tenantValue == null || tenantValue.isEmpty() ? "missing-tenant" : "invalid-tenant",
          tenantProblem + " (set the X-Scope-OrgID header or the record key)");
    }
    TenantId tenant = TenantId.of(tenantValue);
    byte[] body = record.value();
    if (body == null || body.length == 0) {
      return reject(record, "malformed", "empty record value: expected a report");
    }
    ReportFormat format;
    try {
      format = formatOf(record, body);
    } catch (IllegalArgumentException e) {
      return reject(record, "unsupported-content-type", e.getMessage());
    }
    try {
      Report report = ReportUpgrade.upgrade(ReportCodec.decode(body, format, limits));
      long ts = record.timestamp() >= 0 ? TimeUnit.MILLISECONDS.toNanos(record.timestamp()) : System.currentTimeMillis() * 1_000_000L;
      String probe = header(record, WireHeaders.PROBE_ID);
      return new Decoded.Accepted(record, tenant, probe == null ? "" : probe, ts, report);
    } catch (ReportDecodeException e) {
      return reject(record, e.reason(), e.getMessage());
    }
  }

  private Decoded reject(ConsumerRecord<String, byte[]> record, String errorClass, String reason) {
    meters.counter("scopeline.ingest.records.rejected", "reason", errorClass).increment();
    return new Decoded.Rejected(record, errorClass, reason);
  }

  /** The record's declared format, or a sniffed one when it declares none. */
  static ReportFormat formatOf(ConsumerRecord<String, byte[]> record, byte[] body) {
    String contentType = header(record, WireHeaders.CONTENT_TYPE);
    String encoding = header(record, WireHeaders.CONTENT_ENCODING);
    boolean gzip = body.length >= 2 && (body[0] & 0xFF) == 0x1f && (body[1] & 0xFF) == 0x8b;
    if (contentType != null && !contentType.isEmpty()) {
      return ReportFormat.fromHttpHeaders(contentType, gzip ? "gzip" : encoding);
    }
    if (gzip) {
      return ReportFormat.MSGPACK_GZIP;
    }
    for (byte b : body) {
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      return b == '{' ? ReportFormat.JSON : ReportFormat.MSGPACK;
    }
    return ReportFormat.MSGPACK;
  }

  static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    if (h == null) {
      for (Header any : record.headers()) {
        if (any.key().equalsIgnoreCase(name)) {
          h = any;
        }
      }
    }
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
