package io.scopeline.codec;

/** The bytes are not a valid report: bad gzip, bad msgpack or JSON, or wrong types for report fields. */
public final class MalformedReportException extends ReportDecodeException {
  public MalformedReportException(String message, Throwable cause) {
    super(message, cause);
  }

  public MalformedReportException(String message) {
    super(message, null);
  }

  @Override
  public String reason() {
    return "malformed";
  }
}
