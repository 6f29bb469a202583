package io.scopeline.codec;

/** A report exceeds a size limit, before or after decompression (which also stops gzip bombs). */
public final class ReportTooLargeException extends ReportDecodeException {
  /** Which size was too large. */
  public enum Stage { COMPRESSED, DECOMPRESSED }

  private final Stage stage;
  private final long limit;

  public ReportTooLargeException(Stage stage, long limit) {
    super("report too large: " + (stage == Stage.COMPRESSED ? "body" : "decompressed body") + " exceeds " + limit
        + " bytes", null);
    this.stage = stage;
    this.limit = limit;
  }

  public Stage stage() {
    return stage;
  }

  public long limit() {
    return limit;
  }

  @Override
  public String reason() {
    return stage == Stage.COMPRESSED ? "too-large" : "too-large-decompressed";
  }
}
