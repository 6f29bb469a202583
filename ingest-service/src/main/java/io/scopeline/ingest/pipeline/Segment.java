package io.scopeline.ingest.pipeline;

import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.ReportAccumulator;

/**
 * The reports of one tenant in one quantum from one partition, merged as they arrive (an
 * accumulator, not a list). Identified by its first and last records' offsets, which makes its
 * storage keys repeatable on replay. Mutated only by its partition's {@link PartitionQuanta}, under its lock.
 */
final class Segment {
  private final TenantId tenant;
  private final long quantumStart;
  private final long quantumEnd;
  private final int partition;
  private final long firstOffset;
  private long lastOffset;
  private final ReportAccumulator merged = new ReportAccumulator();

  Segment(TenantId tenant, long quantumStart, long quantumEnd, int partition, long firstOffset) {
    this.tenant = tenant;
    this.quantumStart = quantumStart;
    this.quantumEnd = quantumEnd;
    this.partition = partition;
    this.firstOffset = firstOffset;
    this.lastOffset = firstOffset;
  }

  /** Merges the report at {@code offset} in; a topology conflict leaves the segment unchanged and is rethrown. */
  void add(Report report, long offset) {
    merged.add(report);
    lastOffset = Math.max(lastOffset, offset);
  }

  TenantId tenant() {
    return tenant;
  }

  long quantumStart() {
    return quantumStart;
  }

  long quantumEnd() {
    return quantumEnd;
  }

  int partition() {
    return partition;
  }

  long firstOffset() {
    return firstOffset;
  }

  int reportCount() {
    return merged.size();
  }

  long lastOffset() {
    return lastOffset;
  }

  /** Named by its first and last record: the same records always make the same key and content. */
  String objectKey() {
    return StorageKeys.objectKey(tenant, quantumStart, partition, firstOffset, lastOffset);
  }

  /** The merged report as persisted: its ID is the object key, so it is the same on every replay. */
  Report report() {
    return merged.build().withId(objectKey()).withShortcut(false);
  }

  @Override
  public String toString() {
    return "Segment{" + objectKey() + ", tenant=" + tenant + ", reports=" + merged.size() + "}";
  }
}
