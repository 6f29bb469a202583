package io.scopeline.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The storage key scheme, compatible in shape with Scope's multitenant store.
 *
 * <p>A persisted unit is a <em>segment</em>: the reports of one tenant, in one quantum, from one
 * Kafka partition, starting at one offset. Usually there is one segment per (tenant, quantum,
 * partition); a report arriving after its quantum was flushed starts another. Keying by the
 * first offset makes every key a pure function of the records: a replay after a crash writes the
 * same keys again (an overwrite, never a duplicate), and a late segment never overwrites an
 * earlier one.
 *
 * <ul>
 *   <li>DynamoDB hash key {@code <tenant>-<hour>}, hour = epoch nanos / 3600e9 (Scope's row key);
 *   <li>DynamoDB range key, a Number: quantum start in epoch nanos as the integer part, partition
 *       (6 digits) and first offset (13 digits) as the fraction, so segments sort by time and a
 *       time range query is {@code BETWEEN start AND end.9999…};
 *   <li>S3 object key {@code <md5hex(hash key)>/<quantum start>-<partition>-<first offset>}: the md5
 *       prefix spreads objects over S3 prefixes as Scope does;
 *   <li>a small segment may be stored as a byte range of a pack ({@link #packKey}), one object
 *       holding many tenants' segments of a partition; its key is then
 *       {@code <segment object key>@<pack key>#<offset>-<length>} ({@link #packedSegmentKey}):
 *       the segment's identity first, so everything keyed by it (hot copies, caches, ranges,
 *       tenant checks) works alike for both, then where its bytes are;
 *   <li>Redis keys and channels carry the tenant in braces, a Redis Cluster hash tag, so one
 *       tenant's keys live on one shard.
 * </ul>
 */
public final class StorageKeys {
  /** Partitions and offsets are folded into the range key's fraction below these bounds. */
  public static final int MAX_PARTITIONS = 1_000_000;
  public static final long MAX_OFFSET = 10_000_000_000_000L;

  private static final long NANOS_PER_HOUR = 3_600_000_000_000L;

  private StorageKeys() {}

  public static long hourOf(long epochNanos) {
    return Math.floorDiv(epochNanos, NANOS_PER_HOUR);
  }

  /** DynamoDB hash key for the hour holding {@code epochNanos}. */
  public static String indexHashKey(TenantId tenant, long epochNanos) {
    return tenant.value() + "-" + hourOf(epochNanos);
  }

  /**
   * Index hash key of the catalog rows of the hour holding {@code epochNanos}: one row per tenant
   * with data in that hour, so retention finds an hour's tenants with one Query. '~' is never in a
   * tenant id, so no segment or roll-up row has such a key.
   */
  public static String catalogHashKey(long epochNanos) {
    return CATALOG + hourOf(epochNanos);
  }

  /**
   * Index range key (a decimal Number) of {@code tenant}'s catalog row: 60 bits of SHA-256 of its
   * id. Two tenants would share a row once in about 10^12 pairs; the row names its tenant.
   */
  public static String catalogRangeKey(TenantId tenant) {
    String digest = contentDigest(tenant.value().getBytes(StandardCharsets.UTF_8));
    return Long.toString(Long.parseLong(digest.substring(0, 15), 16));
  }

  /** Whether an index hash key is a catalog row's ({@link #catalogHashKey}). */
  public static boolean isCatalogHashKey(String hashKey) {
    return hashKey.startsWith(CATALOG);
  }

  private static final String CATALOG = "~tenants-";

  /** DynamoDB range key (a decimal Number) of a segment. */
  public static String indexRangeKey(long quantumStartNanos, int partition, long firstOffset) {
    checkPartition(partition);
    if (firstOffset < 0 || firstOffset >= MAX_OFFSET) {
      throw new IllegalArgumentException("offset " + firstOffset + " outside 0.." + (MAX_OFFSET - 1));
    }
    return quantumStartNanos + "." + String.format("%06d%013d", partition, firstOffset);
  }

  /** Lowest range key of segments whose quantum starts at or after {@code fromNanos}. */
  public static String indexRangeLow(long fromNanos) {
    return Long.toString(fromNanos);
  }

  /** Highest range key of segments whose quantum starts at or before {@code toNanos}. */
  public static String indexRangeHigh(long toNanos) {
    return toNanos + ".9999999999999999999";
  }

  /** Quantum start of a range key. */
  public static long quantumStartOfRangeKey(String rangeKey) {
    int dot = rangeKey.indexOf('.');
    return Long.parseLong(dot < 0 ? rangeKey : rangeKey.substring(0, dot));
  }

  /** S3 object key of a segment. */
  public static String objectKey(TenantId tenant, long quantumStartNanos, int partition, long firstOffset) {
    checkPartition(partition);
    return segmentPrefix(tenant, quantumStartNanos) + quantumStartNanos + "-" + partition + "-" + firstOffset;
  }

  /**
   * The S3 prefix every segment and shortcut object of {@code tenant}'s hour holding
   * {@code epochNanos} starts with, and nothing else does: retention lists it to delete the hour,
   * replays' leftovers included.
   */
  public static String segmentPrefix(TenantId tenant, long epochNanos) {
    return md5Hex(indexHashKey(tenant, epochNanos)) + "/";
  }

  /**
   * S3 object key of a segment holding the tenant's records at offsets [first, last] of a
   * partition. Both ends are in the key, so a key's content is a function of those records: a
   * replay that groups records differently (after a crash) writes other keys instead of
   * overwriting one with different content.
   */
  public static String objectKey(TenantId tenant, long quantumStartNanos, int partition, long firstOffset,
      long lastOffset) {
    return objectKey(tenant, quantumStartNanos, partition, firstOffset) + "-" + lastOffset;
  }

  /**
   * S3 object key of a pack: segments of many tenants closed together on one partition (quantum
   * {@code quantumStartNanos}, the latest among them), holding records [first, last] of it
   * ({@link PackedObject}). The key ends in a digest of the pack's bytes: the same segments always
   * make the same key, and a replay that cuts the same records differently writes a new key
   * instead of changing bytes that index rows point into. Not under any tenant's prefix, since it
   * holds many; its prefix spreads packs as segment keys are spread.
   */
  public static String packKey(int partition, long quantumStartNanos, long firstOffset, long lastOffset,
      byte[] packBytes) {
    checkPartition(partition);
    String digest = contentDigest(packBytes);
    return packPrefix(partition, quantumStartNanos) + "pack-" + quantumStartNanos + "-" + partition + "-"
        + firstOffset + "-" + lastOffset + "-" + digest;
  }

  /**
   * The S3 prefix of every pack of {@code partition} whose quantum is in the hour holding
   * {@code epochNanos} (a pack's quantum is the latest of its segments').
   */
  public static String packPrefix(int partition, long epochNanos) {
    checkPartition(partition);
    return md5Hex("pack-" + partition + "-" + hourOf(epochNanos)) + "/";
  }

  /** The partition of a pack key ({@link #packKey}), or -1 when it is not one. */
  public static int partitionOfPackKey(String key) {
    int mark = key.indexOf("/pack-");
    if (mark < 0) {
      return -1;
    }
    String[] parts = key.substring(mark + "/pack-".length()).split("-");
    try {
      return parts.length < 2 ? -1 : Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** 8 bytes of SHA-256 of {@code bytes}, in hex: ends the keys of objects named by their content. */
  static String contentDigest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the JDK", e);
    }
  }

  /** Separates a packed segment's own key from its place in a pack; no object key contains it. */
  private static final char STORED_IN = '@';

  /**
   * The key of a segment stored as a member of a pack: the segment's own object key, which names
   * it, then where its bytes are (see the class comment).
   */
  public static String packedSegmentKey(String segmentObjectKey, PackedObject.Ref member) {
    if (!member.isRange() || segmentObjectKey.indexOf(STORED_IN) >= 0) {
      throw new IllegalArgumentException("not a segment key and pack member: " + segmentObjectKey + ", " + member);
    }
    return segmentObjectKey + STORED_IN + member.encode();
  }

  /** A segment key without where a pack stores it: the segment's own object key. */
  public static String segmentName(String key) {
    int at = key.indexOf(STORED_IN);
    return at < 0 ? key : key.substring(0, at);
  }

  /** Where a segment key's bytes are in S3: its own object, or a byte range of a pack. */
  public static PackedObject.Ref storedAt(String key) {
    int at = key.indexOf(STORED_IN);
    return at < 0 ? PackedObject.Ref.whole(key) : PackedObject.Ref.parse(key.substring(at + 1));
  }

  /** S3 object key of a shortcut report, unique per report. */
  public static String shortcutObjectKey(TenantId tenant, long receivedNanos, String reportId) {
    return segmentPrefix(tenant, receivedNanos) + "shortcut-" + receivedNanos + "-" + safe(reportId);
  }

  /** Redis key of the hot copy of a persisted quantum (same identity as its object key). */
  public static String hotCopyKey(TenantId tenant, String objectKey) {
    return "scopeline:{" + tenant.value() + "}:report:" + objectKey;
  }

  /**
   * Redis sorted set of a tenant's recent hot copies (member = object key, score = epoch millis of
   * its quantum start or, for a shortcut, its arrival), so readers find data not yet indexed.
   */
  public static String recentKey(TenantId tenant) {
    return "scopeline:{" + tenant.value() + "}:recent";
  }

  /**
   * Whether {@code objectKey} is one of {@code tenant}'s segment or shortcut keys: its prefix is the
   * digest of that tenant's index hash key for the time the key names, so no other tenant's key
   * (nor anything else) passes.
   */
  public static boolean belongsTo(TenantId tenant, String objectKey) {
    if (objectKey == null) {
      return false;
    }
    long at = isShortcutKey(objectKey) ? shortcutTimeOfObjectKey(objectKey) : quantumStartOfObjectKey(objectKey);
    return at >= 0 && objectKey.startsWith(segmentPrefix(tenant, at));
  }

  /** Whether an object key names a shortcut report (kept in Redis only) rather than a quantum segment. */
  public static boolean isShortcutKey(String objectKey) {
    return objectKey.contains("/shortcut-");
  }

  /** Arrival time (epoch nanos) of a shortcut report's object key, or -1 for other keys. */
  public static long shortcutTimeOfObjectKey(String objectKey) {
    int mark = objectKey.indexOf("/shortcut-");
    if (mark < 0) {
      return -1;
    }
    int at = mark + "/shortcut-".length();
    int dash = objectKey.indexOf('-', at);
    try {
      return Long.parseLong(objectKey.substring(at, dash < 0 ? objectKey.length() : dash));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Quantum start (epoch nanos) of a segment object key, or -1 for other keys. */
  public static long quantumStartOfObjectKey(String objectKey) {
    int slash = objectKey.indexOf('/');
    int dash = objectKey.indexOf('-', slash + 1);
    if (slash < 0 || dash < 0 || isShortcutKey(objectKey)) {
      return -1;
    }
    try {
      return Long.parseLong(objectKey.substring(slash + 1, dash));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Redis pub/sub channel on which a tenant's segments, shortcut reports and probe events are announced. */
  public static String notificationChannel(TenantId tenant) {
    return "scopeline:{" + tenant.value() + "}:notify";
  }

  /** Redis PSUBSCRIBE pattern matching every tenant's notification channel (one subscription per reader). */
  public static final String NOTIFICATION_PATTERN = "scopeline:{*}:notify";

  /** The tenant of a notification channel, or null when the channel is not one or names no valid tenant. */
  public static TenantId tenantOfNotificationChannel(String channel) {
    String prefix = "scopeline:{";
    String suffix = "}:notify";
    if (channel == null || !channel.startsWith(prefix) || !channel.endsWith(suffix)
        || channel.length() <= prefix.length() + suffix.length()) {
      return null;
    }
    String value = channel.substring(prefix.length(), channel.length() - suffix.length());
    return TenantId.problem(value) == null ? TenantId.of(value) : null;
  }

  /** Redis hash holding a tenant's probe liveness table (field = probe id). */
  public static String probeStatusKey(TenantId tenant) {
    return "scopeline:{" + tenant.value() + "}:probes";
  }

  /** Redis hash of what change events know of a tenant's topology (nodes, edges, external destinations). */
  public static String changesKey(TenantId tenant) {
    return "scopeline:{" + tenant.value() + "}:changes";
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
