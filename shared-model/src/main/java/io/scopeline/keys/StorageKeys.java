package io.scopeline.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The storage key scheme, compatible in shape with Scope's multitenant store.
 *
 * <ul>
 *   <li>DynamoDB hash key {@code <tenant>-<hour>}, hour = epoch nanos / 3600e9 (Scope's row key);
 *   <li>DynamoDB range key = quantum start in epoch nanos plus the Kafka partition, so quanta from
 *       different partitions never overwrite each other and still sort inside their quantum;
 *   <li>S3 object key {@code <md5hex(hash key)>/<quantum start>-<partition>}: the md5 prefix spreads
 *       objects over S3 prefixes as Scope does, and the key is a pure function of (tenant, quantum,
 *       partition), so a replay overwrites instead of duplicating;
 *   <li>Redis keys and channels carry the tenant in braces, a Redis Cluster hash tag, so one
 *       tenant's keys live on one shard.
 * </ul>
 */
public final class StorageKeys {
  /** Partitions are folded into the range key below this bound (nanoseconds inside a quantum). */
  public static final int MAX_PARTITIONS = 1_000_000;

  private static final long NANOS_PER_HOUR = 3_600_000_000_000L;

  private StorageKeys() {}

  public static long hourOf(long epochNanos) {
    return Math.floorDiv(epochNanos, NANOS_PER_HOUR);
  }

  /** DynamoDB hash key for the hour holding {@code epochNanos}. */
  public static String indexHashKey(TenantId tenant, long epochNanos) {
    return tenant.value() + "-" + hourOf(epochNanos);
  }

  /** DynamoDB range key for a quantum persisted from one partition. */
  public static long indexRangeKey(long quantumStartNanos, int partition) {
    checkPartition(partition);
    return quantumStartNanos + partition;
  }

  /** S3 object key of a quantum persisted from one partition. */
  public static String objectKey(TenantId tenant, long quantumStartNanos, int partition) {
    checkPartition(partition);
    return md5Hex(indexHashKey(tenant, quantumStartNanos)) + "/" + quantumStartNanos + "-" + partition;
  }

  /** S3 object key of a shortcut report, unique per report. */
  public static String shortcutObjectKey(TenantId tenant, long receivedNanos, String reportId) {
    return md5Hex(indexHashKey(tenant, receivedNanos)) + "/shortcut-" + receivedNanos + "-" + safe(reportId);
  }

  /** Redis key of the hot copy of a persisted quantum (same identity as its object key). */
  public static String hotCopyKey(TenantId tenant, String objectKey) {
    return "scopeline:{" + tenant.value() + "}:report:" + objectKey;
  }

  /** Redis pub/sub channel on which a tenant's shortcut reports and probe events are announced. */
  public static String notificationChannel(TenantId tenant) {
    return "scopeline:{" + tenant.value() + "}:notify";
  }

  /** Redis hash holding a tenant's probe liveness table (field = probe id). */
  public static String probeStatusKey(TenantId tenant) {
    return "scopeline:{" + tenant.value() + "}:probes";
  }

  private static void checkPartition(int partition) {
    if (partition < 0 || partition >= MAX_PARTITIONS) {
      throw new IllegalArgumentException("partition " + partition + " outside 0.." + (MAX_PARTITIONS - 1));
    }
  }

  private static String safe(String id) {
    return id.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  static String md5Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required by the JDK", e);
    }
  }
}
