package io.scopeline.keys;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which records of a partition a segment holds, read from its object key
 * ({@link StorageKeys#objectKey(TenantId, long, int, long, long)}): every record of its tenant and
 * quantum at offsets [first, last] of that partition. A replay after a crash can cut a quantum's
 * records into segments differently than the first run did; readers use these ranges so that no
 * record is counted twice ({@link #covering}).
 */
public record SegmentRange(long quantumStart, int partition, long first, long last) {

  /** The range of a segment's key (packed or not); null for keys that name none (shortcuts, keys without a last offset). */
  public static SegmentRange of(String key) {
    String objectKey = StorageKeys.segmentName(key);
    int slash = objectKey.indexOf('/');
    if (slash < 0 || StorageKeys.isShortcutKey(objectKey)) {
      return null;
    }
    String[] parts = objectKey.substring(slash + 1).split("-");
    if (parts.length != 4) {
      return null;
    }
    try {
      long first = Long.parseLong(parts[2]);
      long last = Long.parseLong(parts[3]);
      return last < first ? null : new SegmentRange(Long.parseLong(parts[0]), Integer.parseInt(parts[1]), first, last);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Whether {@code offset} of this segment's partition lies within it. */
  public boolean holds(long offset) {
    return first <= offset && offset <= last;
  }

  /** Whether every record this segment may hold is also in {@code other}. */
  public boolean within(SegmentRange other) {
    return quantumStart == other.quantumStart && partition == other.partition && other.first <= first
        && last <= other.last;
  }

  /**
   * {@code keys} (one tenant's) without the segments whose records another of them holds too: of
   * two cuts of the same records, the one that holds more. Keys naming no range are kept. Order is
   * kept.
   */
  public static List<String> covering(Collection<String> keys) {
    Map<String, SegmentRange> ranges = new HashMap<>();
    Map<Long, List<SegmentRange>> byQuantum = new HashMap<>();
    for (String k : keys) {
      SegmentRange r = of(k);
      if (r != null) {
        ranges.put(k, r);
        byQuantum.computeIfAbsent(r.quantumStart, q -> new ArrayList<>()).add(r);
      }
    }
    List<String> out = new ArrayList<>(keys.size());
    for (String k : keys) {
      SegmentRange r = ranges.get(k);
      if (r == null || byQuantum.get(r.quantumStart).stream().noneMatch(o -> !o.equals(r) && r.within(o))) {
        out.add(k);
      }
    }
    return out;
  }
}
