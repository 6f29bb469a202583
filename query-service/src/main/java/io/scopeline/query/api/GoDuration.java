package io.scopeline.query.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go duration strings ({@code 5s}, {@code 1m30s}, {@code 500ms}, {@code 1.5h}) as Scope's {@code t=} takes them. */
final class GoDuration {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

  private GoDuration() {}

  /** As Go's {@code Duration.String} writes a whole number of seconds: {@code 8760h0m0s}, {@code 1m30s}, {@code 0s}. */
  static String format(Duration d) {
    long seconds = d.toSeconds();
    long h = seconds / 3600;
    long m = seconds % 3600 / 60;
    long s = seconds % 60;
    return h > 0 ? h + "h" + m + "m" + s + "s" : m > 0 ? m + "m" + s + "s" : s + "s";
  }

  /** The duration, or null when {@code s} is not a Go duration. */
  static Duration parse(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    int at = 0;
    double nanos = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        return null;
      }
      double v = Double.parseDouble(m.group(1));
      nanos += v * switch (m.group(2)) {
        case "ns" -> 1d;
        case "us", "µs", "μs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      at = m.end();
    }
    return Duration.ofNanos((long) nanos);
  }
}
