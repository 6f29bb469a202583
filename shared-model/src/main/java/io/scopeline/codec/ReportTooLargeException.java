package io.scopeline.codec;

/**
 * A report exceeds a size limit, before or after decompression (which also stops gzip bombs), or
 * takes longer to decode than allowed.
 */
public final class ReportTooLargeException extends ReportDecodeException {
  /** Which size was too large. */
  public enum Stage { COMPRESSED, DECOMPRESSED, DECODED_STRINGS, DECODE_TIME }

  private final Stage stage;
  private final long limit;

  public ReportTooLargeException(Stage stage, long limit) {
    super("report too large: " + switch (stage) {
      case COMPRESSED -> "body exceeds " + limit + " bytes";
      case DECOMPRESSED -> "decompressed body exceeds " + limit + " bytes";
      case DECODED_STRINGS -> "its strings would take more than " + limit + " bytes of memory once decoded";
      case DECODE_TIME -> "decoding it takes longer than " + limit + " ms";
    }, null);
    this.stage = stage;
    this.limit = limit;
  }

  public Stage stage() {
    return stage;
  }

  /** The limit exceeded: bytes, or milliseconds for {@link Stage#DECODE_TIME}. */
  public long limit() {
    return limit;
  }

  @Override
  public String reason() {
    return switch (stage) {
      case COMPRESSED -> "too-large";
      case DECOMPRESSED -> "too-large-decompressed";
      case DECODED_STRINGS -> "too-large-decoded";
      case DECODE_TIME -> "too-slow-to-decode";
    };
  }
}
