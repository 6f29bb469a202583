package io.scopeline.codec;

/**
 * What one decode may spend: memory on strings ({@link ReportLimits#maxStringBytes}) and time
 * ({@link ReportLimits#maxDecodeTime}).
 */
final class DecodeBudget {
  /** Reading the clock per string would cost more than some strings do: it is read every this many. */
  private static final int CLOCK_EVERY = 1024;

  private final long maxStringBytes;
  private final long maxNanos;
  private final long deadline;
  private long used;
  private int untilClock = CLOCK_EVERY;

  DecodeBudget(ReportLimits limits) {
    this.maxStringBytes = limits.maxStringBytes();
    this.maxNanos = limits.maxDecodeTime().toNanos();
    this.deadline = System.nanoTime() + maxNanos;
  }

  /** Counts a decoded string of {@code length} characters; throws once the budget is spent. */
  void charge(int length) {
    used += ReportLimits.BYTES_PER_STRING + length;
    if (used > maxStringBytes) {
      throw new ReportTooLargeException(ReportTooLargeException.Stage.DECODED_STRINGS, maxStringBytes);
    }
    if (--untilClock == 0) {
      checkTime();
    }
  }

  /** Throws once the decode has taken longer than allowed (decoders call it per node, too). */
  void checkTime() {
    untilClock = CLOCK_EVERY;
    // Overflow-safe: a limit of Long.MAX_VALUE nanoseconds never expires.
    if (System.nanoTime() - deadline > 0 && maxNanos != Long.MAX_VALUE) {
      throw new ReportTooLargeException(ReportTooLargeException.Stage.DECODE_TIME, maxNanos / 1_000_000);
    }
  }
}
