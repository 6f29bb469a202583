package io.scopeline.codec;

/** The memory the strings of one decode may take (see {@link ReportLimits#maxStringBytes}). */
final class StringBudget {
  private final long limit;
  private long used;

  StringBudget(long limit) {
    this.limit = limit;
  }

  /** Counts a decoded string of {@code length} characters; throws once the budget is spent. */
  void charge(int length) {
    used += ReportLimits.BYTES_PER_STRING + length;
    if (used > limit) {
      throw new ReportTooLargeException(ReportTooLargeException.Stage.DECODED_STRINGS, limit);
    }
  }
}
