package io.scopeline.codec;

import java.util.Locale;

/** The four ways Scope reports travel: JSON or msgpack, each plain or gzipped. */
public enum ReportFormat {
  JSON(false, false, ".json"),
  JSON_GZIP(false, true, ".json.gz"),
  MSGPACK(true, false, ".msgpack"),
  MSGPACK_GZIP(true, true, ".msgpack.gz");

  private final boolean msgpack;
  private final boolean gzip;
  private final String extension;

  ReportFormat(boolean msgpack, boolean gzip, String extension) {
    this.msgpack = msgpack;
    this.gzip = gzip;
    this.extension = extension;
  }

  public boolean isMsgpack() {
    return msgpack;
  }

  public boolean isGzip() {
    return gzip;
  }

  public String extension() {
    return extension;
  }

  public static ReportFormat of(boolean msgpack, boolean gzip) {
    return msgpack ? (gzip ? MSGPACK_GZIP : MSGPACK) : (gzip ? JSON_GZIP : JSON);
  }

  /**
   * The format a file name implies, by its last extension: {@code .json}, {@code .json.gz},
   * {@code .msgpack}, {@code .msgpack.gz} — and Scope's capture naming {@code .gz.msgpack} for
   * gzipped msgpack. So {@code a.msgpack.gz.json} is JSON. (Reading detects gzip from the bytes
   * whatever the name says; the name matters for writing.)
   */
  public static ReportFormat fromFileName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".msgpack.gz") || n.endsWith(".gz.msgpack")) {
      return MSGPACK_GZIP;
    }
    if (n.endsWith(".json.gz")) {
      return JSON_GZIP;
    }
    if (n.endsWith(".msgpack")) {
      return MSGPACK;
    }
    if (n.endsWith(".json")) {
      return JSON;
    }
    throw new IllegalArgumentException("cannot tell the report format of '" + name
        + "': use .json, .json.gz, .msgpack or .msgpack.gz");
  }

  /**
   * The format of an upload as Scope's app decides it: Content-Type must start with
   * {@code application/msgpack} or {@code application/json}; gzip when Content-Encoding contains
   * "gzip".
   *
   * @throws IllegalArgumentException for any other content type
   */
  public static ReportFormat fromHttpHeaders(String contentType, String contentEncoding) {
    boolean gzip = contentEncoding != null && contentEncoding.toLowerCase(Locale.ROOT).contains("gzip");
    String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).trim();
    if (ct.startsWith("application/msgpack")) {
      return of(true, gzip);
    }
    if (ct.startsWith("application/json")) {
      return of(false, gzip);
    }
    throw new IllegalArgumentException("Unsupported Content-Type: '" + (contentType == null ? "" : contentType)
        + "' (use application/msgpack or application/json)");
  }

  /** The Content-Type header value for this format. */
  public String contentType() {
    return msgpack ? "application/msgpack" : "application/json";
  }
}
