package io.scopeline.codec;

/** A report could not be decoded; subclasses say why. Messages are meant for the sender. */
public abstract class ReportDecodeException extends RuntimeException {
  protected ReportDecodeException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A short machine-friendly reason code, e.g. for a dead-letter header. */
  public abstract String reason();
}
