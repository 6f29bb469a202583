package io.scopeline.ingest.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long each level of history is kept: raw quanta, minute roll-ups, hour roll-ups. A sweep
 * (one replica at a time, under a lease in the index table) deletes each tenant-hour's objects and
 * rows of a level once the hour is older than the level's retention. It needs roll-ups: an hour's
 * tenants are known from its compaction, and raw data is deleted only once compacted.
 *
 * @param enabled delete history past retention
 * @param raw how long raw 3 s quanta are kept (windows read minute roll-ups after that)
 * @param minute how long minute roll-ups are kept (hour roll-ups after that)
 * @param hour how long hour roll-ups are kept (nothing after that)
 * @param interval how often a replica tries to sweep
 * @param maxHoursPerSweep hours per level one sweep deletes at most, so a sweep catching up ends,
 *     logs progress and lets go of the lease now and then
 * @param firstSweepLookback where a level's first sweep starts (before its due hour), when the
 *     index has no record of an earlier one; older data is left as it is
 */
@ConfigurationProperties("scopeline.retention")
public record RetentionProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("24h") Duration raw,
    @DefaultValue("14d") Duration minute,
    @DefaultValue("365d") Duration hour,
    @DefaultValue("10m") Duration interval,
    @DefaultValue("48") int maxHoursPerSweep,
    @DefaultValue("2d") Duration firstSweepLookback) {

  public RetentionProperties {
    if (raw.compareTo(Duration.ofHours(2)) < 0) {
      throw new IllegalArgumentException("scopeline.retention.raw is " + raw
          + "; it must be at least 2h, so each hour is compacted into roll-ups before its quanta go");
    }
    if (minute.compareTo(raw) < 0 || hour.compareTo(minute) < 0) {
      throw new IllegalArgumentException("scopeline.retention must keep coarser levels at least as long as finer"
          + " ones (raw " + raw + " <= minute " + minute + " <= hour " + hour + ")");
    }
    if (interval.isNegative() || interval.isZero() || maxHoursPerSweep < 1) {
      throw new IllegalArgumentException("scopeline.retention.interval must be positive and max-hours-per-sweep"
          + " at least 1");
    }
  }
}
