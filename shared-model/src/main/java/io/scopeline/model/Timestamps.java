package io.scopeline.model;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Timestamps as long nanoseconds since the Unix epoch, with Go's zero time as {@link #ZERO}.
 *
 * <p>Scope timestamps are Go {@code time.Time}s; the zone offset carries no meaning for merge or
 * render, so values are normalised to UTC instants. The representable range is 1677–2262, which
 * covers every real probe; Go's zero time (0001-01-01) is the one value outside it that probes send.
 */
public final class Timestamps {
  /** Go's zero {@code time.Time}: "no timestamp". Compares lower than every real time. */
  public static final long ZERO = Long.MIN_VALUE;

  /** Seconds between 0001-01-01T00:00:00Z (Go's internal epoch) and the Unix epoch. */
  static final long GO_EPOCH_OFFSET_SECONDS = 62_135_596_800L;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long MIN_SECONDS = Long.MIN_VALUE / NANOS_PER_SECOND + 1;
  private static final long MAX_SECONDS = Long.MAX_VALUE / NANOS_PER_SECOND - 1;

  private Timestamps() {}

  /** Epoch nanos for the given epoch seconds and nano adjustment; out-of-range times are rejected. */
  public static long of(long epochSeconds, int nanos) {
    if (epochSeconds == -GO_EPOCH_OFFSET_SECONDS && nanos == 0) {
      return ZERO;
    }
    if (epochSeconds < MIN_SECONDS || epochSeconds > MAX_SECONDS) {
      throw new IllegalArgumentException("timestamp out of range (years 1678-2261 supported): epoch seconds " + epochSeconds);
    }
    return epochSeconds * NANOS_PER_SECOND + nanos;
  }

  public static long ofInstant(Instant instant) {
    return of(instant.getEpochSecond(), instant.getNano());
  }

  public static Instant toInstant(long nanos) {
    if (nanos == ZERO) {
      return Instant.ofEpochSecond(-GO_EPOCH_OFFSET_SECONDS);
    }
    return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
  }

  public static boolean isZero(long nanos) {
    return nanos == ZERO;
  }

  /**
   * Decodes Go's {@code time.Time.MarshalBinary} layout: version byte (1, or 2 with a trailing
   * offset-seconds byte), int64 seconds since year 1, int32 nanoseconds, int16 zone offset minutes.
   */
  public static long fromGoBinary(byte[] b, int off, int len) {
    if (len < 15 || (b[off] != 1 && b[off] != 2) || (b[off] == 1 && len != 15) || (b[off] == 2 && len != 16)) {
      throw new IllegalArgumentException("not a Go binary time (" + len + " bytes, version " + (len > 0 ? b[off] : -1) + ")");
    }
    long sec = 0;
    for (int i = 1; i <= 8; i++) {
      sec = (sec << 8) | (b[off + i] & 0xFF);
    }
    int nsec = 0;
    for (int i = 9; i <= 12; i++) {
      nsec = (nsec << 8) | (b[off + i] & 0xFF);
    }
    if (nsec < 0 || nsec >= NANOS_PER_SECOND) {
      throw new IllegalArgumentException("Go binary time has invalid nanoseconds " + nsec);
    }
    if (sec == 0 && nsec == 0) {
      return ZERO;
    }
    return of(sec - GO_EPOCH_OFFSET_SECONDS, nsec);
  }

  /** Encodes as Go's version-1 binary time in UTC (offset -1), the layout every Scope version reads. */
  public static byte[] toGoBinary(long nanos) {
    long sec;
    int nsec;
    if (nanos == ZERO) {
      sec = 0;
      nsec = 0;
    } else {
      sec = Math.floorDiv(nanos, NANOS_PER_SECOND) + GO_EPOCH_OFFSET_SECONDS;
      nsec = (int) Math.floorMod(nanos, NANOS_PER_SECOND);
    }
    byte[] b = new byte[15];
    b[0] = 1;
    for (int i = 8; i >= 1; i--) {
      b[i] = (byte) sec;
      sec >>>= 8;
    }
    for (int i = 12; i >= 9; i--) {
      b[i] = (byte) nsec;
      nsec >>>= 8;
    }
    b[13] = (byte) 0xFF;
    b[14] = (byte) 0xFF;
    return b;
  }

  /** Parses RFC 3339 with optional fractional seconds and any offset, as Go's RFC3339Nano. */
  public static long parseRfc3339(String s) {
    if ("0001-01-01T00:00:00Z".equals(s)) {
      return ZERO;
    }
    long fast = parseUtcFast(s);
    if (fast != Long.MAX_VALUE) {
      return fast;
    }
    try {
      OffsetDateTime t = OffsetDateTime.parse(s);
      return ofInstant(t.toInstant());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("invalid RFC3339 time '" + s + "'", e);
    }
  }

  /** Fast path for "YYYY-MM-DDTHH:MM:SS[.fffffffff]Z"; returns Long.MAX_VALUE when not that shape. */
  private static long parseUtcFast(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return Long.MAX_VALUE;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 59) {
      return Long.MAX_VALUE;
    }
    int nanos = 0;
    int i = 19;
    if (i < n - 1) {
      if (s.charAt(i) != '.') {
        return Long.MAX_VALUE;
      }
      i++;
      int fracDigits = 0;
      while (i < n - 1) {
        char c = s.charAt(i);
        if (c < '0' || c > '9' || fracDigits >= 9) {
          return Long.MAX_VALUE;
        }
        nanos = nanos * 10 + (c - '0');
        fracDigits++;
        i++;
      }
      if (fracDigits == 0) {
        return Long.MAX_VALUE;
      }
      for (int k = fracDigits; k < 9; k++) {
        nanos *= 10;
      }
    }
    long days = daysFromCivil(year, month, day);
    long epochSeconds = days * 86_400L + hour * 3600L + minute * 60L + second;
    return of(epochSeconds, nanos);
  }

  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
  private static long daysFromCivil(long y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }

  /** Formats as Go's RFC3339Nano in UTC: trailing zeros of the fraction dropped, no fraction when zero. */
  public static String formatRfc3339Nano(long nanos) {
    if (nanos == ZERO) {
      return "0001-01-01T00:00:00Z";
    }
    long epochSeconds = Math.floorDiv(nanos, NANOS_PER_SECOND);
    int frac = (int) Math.floorMod(nanos, NANOS_PER_SECOND);
    java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(epochSeconds, 0, ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(30);
    pad(sb, t.getYear(), 4).append('-');
    pad(sb, t.getMonthValue(), 2).append('-');
    pad(sb, t.getDayOfMonth(), 2).append('T');
    pad(sb, t.getHour(), 2).append(':');
    pad(sb, t.getMinute(), 2).append(':');
    pad(sb, t.getSecond(), 2);
    if (frac != 0) {
      int digits = 9;
      while (frac % 10 == 0) {
        frac /= 10;
        digits--;
      }
      sb.append('.');
      pad(sb, frac, digits);
    }
    return sb.append('Z').toString();
  }

  private static StringBuilder pad(StringBuilder sb, int value, int width) {
    String v = Integer.toString(value);
    for (int i = v.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(v);
  }
}
