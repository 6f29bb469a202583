package io.scopeline.keys;

import java.util.concurrent.TimeUnit;

/**
 * The stored form of roll-ups: a tenant's quanta of a minute, or its minutes of an hour, merged
 * into one object with one index row, so a long window reads a few objects instead of every
 * quantum. Rows live in the same table as the segments' rows under their own hash keys
 * ({@code <tenant>:<level>:<period>}; ':' is never in a tenant id, so no segment's hash key is one),
 * range key = the roll-up's start in nanoseconds, attribute {@code report} = its object key.
 * An object key ends in a digest of its bytes: compacting the same quanta again makes the same key
 * and bytes, and compacting more (late data) makes a new key the row then names, so an object
 * never changes under a reader.
 */
public final class Rollups {
  /** A roll-up level: how long one object spans, and how long one index hash key's rows span. */
  public enum Level {
    MINUTE("1m", TimeUnit.MINUTES.toNanos(1), TimeUnit.HOURS.toNanos(1), TimeUnit.SECONDS.toNanos(15)),
    HOUR("1h", TimeUnit.HOURS.toNanos(1), TimeUnit.DAYS.toNanos(1), TimeUnit.MINUTES.toNanos(1));

    private final String tag;
    private final long spanNanos;
    private final long rowPeriodNanos;
    private final long sampleNanos;

    Level(String tag, long spanNanos, long rowPeriodNanos, long sampleNanos) {
      this.tag = tag;
      this.spanNanos = spanNanos;
      this.rowPeriodNanos = rowPeriodNanos;
      this.sampleNanos = sampleNanos;
    }

    /**
     * A roll-up of this level keeps at most one metric sample per this long: a sparkline across
     * hours needs no per-second samples, and an hour of them would make every roll-up of a large
     * tenant tens of megabytes. Each level's divides the next one's, so downsampling minutes again
     * for the hour gives what downsampling the quanta would.
     */
    public long sampleNanos() {
      return sampleNanos;
    }

    public String tag() {
      return tag;
    }

    public long spanNanos() {
      return spanNanos;
    }

    /** Start of the roll-up of this level holding {@code epochNanos}. */
    public long startOf(long epochNanos) {
      return Math.floorDiv(epochNanos, spanNanos) * spanNanos;
    }
  }

  private Rollups() {}

  /** The index hash key of the roll-up rows of {@code level} whose period holds {@code epochNanos}. */
  public static String hashKey(TenantId tenant, Level level, long epochNanos) {
    return tenant.value() + ":" + level.tag + ":" + Math.floorDiv(epochNanos, level.rowPeriodNanos);
  }

  /** The index range key (a decimal Number) of the roll-up starting at {@code startNanos}. */
  public static String rangeKey(long startNanos) {
    return Long.toString(startNanos);
  }

  /** The object key of a roll-up with content {@code bytes}, under the tenant's prefix for that time. */
  public static String objectKey(TenantId tenant, Level level, long startNanos, byte[] bytes) {
    if (level.startOf(startNanos) != startNanos) {
      throw new IllegalArgumentException(startNanos + " is not the start of a " + level.tag + " roll-up");
    }
    return prefix(tenant, level, startNanos) + "rollup-" + level.tag + "-" + startNanos + "-"
        + StorageKeys.contentDigest(bytes);
  }

  /**
   * The S3 prefix of every roll-up object of {@code level} whose index hash key's period holds
   * {@code epochNanos} (an hour of minute roll-ups, a day of hour roll-ups), replaced ones included.
   */
  public static String prefix(TenantId tenant, Level level, long epochNanos) {
    return StorageKeys.md5Hex(hashKey(tenant, level, epochNanos)) + "/";
  }

  /** The level of a roll-up object key, or null when it is not one. */
  public static Level levelOf(String objectKey) {
    for (Level level : Level.values()) {
      if (objectKey.contains("/rollup-" + level.tag + "-")) {
        return level;
      }
    }
    return null;
  }

  /**
   * When the data under any stored key starts (epoch nanos): a roll-up's start, a segment's
   * quantum start, a shortcut report's arrival; -1 for other keys. Sorting by it puts a window's
   * pieces in time order.
   */
  public static long dataStartOf(String key) {
    Level level = levelOf(key);
    if (level != null) {
      return startOf(key);
    }
    String name = StorageKeys.segmentName(key);
    return StorageKeys.isShortcutKey(name) ? StorageKeys.shortcutTimeOfObjectKey(name)
        : StorageKeys.quantumStartOfObjectKey(name);
  }

  /** The start (epoch nanos) of a roll-up object key, or -1 when it is not one. */
  public static long startOf(String objectKey) {
    Level level = levelOf(objectKey);
    if (level == null) {
      return -1;
    }
    String mark = "/rollup-" + level.tag + "-";
    int start = objectKey.indexOf(mark) + mark.length();
    int dash = objectKey.indexOf('-', start);
    try {
      return Long.parseLong(objectKey.substring(start, dash < 0 ? objectKey.length() : dash));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether {@code objectKey} is one of {@code tenant}'s roll-up keys (its prefix names the tenant). */
  public static boolean belongsTo(TenantId tenant, String objectKey) {
    Level level = levelOf(objectKey);
    long start = startOf(objectKey);
    return level != null && start >= 0
        && objectKey.startsWith(prefix(tenant, level, start));
  }
}
