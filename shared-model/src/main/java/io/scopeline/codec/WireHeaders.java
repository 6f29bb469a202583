package io.scopeline.codec;

/**
 * Header names shared by Scope's HTTP upload and Scopeline's Kafka records: a report produced to
 * Kafka carries the same headers a Scope probe sends to {@code POST /api/report}.
 */
public final class WireHeaders {
  /** Tenant id (set by the gateway, or by the bridge from the probe token). */
  public static final String ORG_ID = "X-Scope-OrgID";
  /** The probe's id (random per probe run). */
  public static final String PROBE_ID = "X-Scope-Probe-ID";
  /** {@code application/msgpack} or {@code application/json}. */
  public static final String CONTENT_TYPE = "Content-Type";
  /** {@code gzip} when the body is gzipped. */
  public static final String CONTENT_ENCODING = "Content-Encoding";
  /** Dead-letter records: why the record was rejected, for a human. */
  public static final String ERROR_REASON = "error-reason";
  /** Dead-letter records: the kind of rejection, e.g. {@code malformed}, {@code too-large}. */
  public static final String ERROR_CLASS = "error-class";
  /** Dead-letter records: where the record came from. */
  public static final String ORIGINAL_TOPIC = "original-topic";
  public static final String ORIGINAL_PARTITION = "original-partition";
  public static final String ORIGINAL_OFFSET = "original-offset";
  /**
   * Dead-letter records whose original value and headers the dead-letter topic could not take
   * (e.g. too large once the error headers were added): why they were left out. The original is
   * still at original-topic/partition/offset until Kafka's retention deletes it.
   */
  public static final String ERROR_VALUE_DROPPED = "error-value-dropped";

  private WireHeaders() {}
}
