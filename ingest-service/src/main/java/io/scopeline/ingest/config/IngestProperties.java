package io.scopeline.ingest.config;

import io.scopeline.codec.ReportLimits;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How reports are cut into quanta, decoded and persisted.
 *
 * @param quantum length of a quantum; quanta are aligned to multiples of it (Scope: 3 s)
 * @param grace how long after a quantum's end (in record time, or wall time on an idle partition) it stays open
 * @param maxClockSkew record times further than this ahead of the wall clock count as now plus
 *     this, so one producer with a fast clock cannot hold a partition's quanta open
 * @param decodeParallelism reports decoded at once per partition; 0 = one per CPU
 * @param maxPersistingPerPartition closed quanta being written per partition before consumption waits
 * @param maxReportBytes largest report body accepted, as received
 * @param maxDecompressedBytes largest report body after gunzip (gzip-bomb guard)
 * @param maxNodesPerTopology largest node count of any one topology in a report
 * @param maxDecodedStringBytes largest estimated memory of a report's strings once decoded (48
 *     bytes per string plus its length): millions of short strings compress to little but take
 *     gigabytes as objects; a busy probe's report needs well under 100 MB
 * @param maxDecodeTime longest one report's decode may run (a body within every size limit can
 *     still be shaped to be slow); the report is refused (413 at the bridge, dead letter
 *     {@code too-slow-to-decode} from Kafka)
 * @param hotCopyTtl how long Redis keeps hot copies of persisted quanta and shortcut reports
 * @param retryInitialBackoff first wait before retrying a throttled or failed S3/DynamoDB write
 * @param retryMaxBackoff longest wait between retries; writes retry until they succeed
 * @param gzipLevel deflate level of stored quanta (1 fastest … 9 smallest); encoding is ingest's
 *     largest CPU cost after decoding; at level 3 it is twice as fast as at zlib's default 6, for
 *     objects about 20 % larger (benchmarks/RESULTS.md)
 * @param tenantStateIdle how long a partition remembers a tenant after its last record: state per
 *     tenant does not grow with every tenant ever seen
 * @param packSegments whether the segments a partition closes together are stored as one object
 *     (a pack, each segment a byte range of it) rather than one object each: with many small
 *     tenants, S3 writes then follow partitions × quanta, not tenants × quanta
 * @param packedSegmentMax largest encoded segment stored in a pack; a larger one (a big tenant's)
 *     keeps its own object, where packing saves little and would make every reader of the pack's
 *     quantum wait for the big one's encoding
 */
@ConfigurationProperties("scopeline.ingest")
public record IngestProperties(
    @DefaultValue("3s") Duration quantum,
    @DefaultValue("500ms") Duration grace,
    @DefaultValue("30s") Duration maxClockSkew,
    @DefaultValue("0") int decodeParallelism,
    @DefaultValue("4") int maxPersistingPerPartition,
    @DefaultValue("16MB") DataSize maxReportBytes,
    @DefaultValue("128MB") DataSize maxDecompressedBytes,
    @DefaultValue("50000") int maxNodesPerTopology,
    @DefaultValue("256MB") DataSize maxDecodedStringBytes,
    @DefaultValue("10s") Duration maxDecodeTime,
    @DefaultValue("30s") Duration hotCopyTtl,
    @DefaultValue("50ms") Duration retryInitialBackoff,
    @DefaultValue("10s") Duration retryMaxBackoff,
    @DefaultValue("3") int gzipLevel,
    @DefaultValue("5m") Duration tenantStateIdle,
    @DefaultValue("true") boolean packSegments,
    @DefaultValue("256KB") DataSize packedSegmentMax) {

  public IngestProperties {
    if (gzipLevel < 1 || gzipLevel > 9) {
      throw new IllegalArgumentException("scopeline.ingest.gzip-level must be 1 (fastest) to 9 (smallest), not "
          + gzipLevel);
    }
  }

  public ReportLimits limits() {
    return new ReportLimits(maxReportBytes.toBytes(), maxDecompressedBytes.toBytes(), maxNodesPerTopology,
        maxDecodedStringBytes.toBytes(), maxDecodeTime);
  }

  public int effectiveDecodeParallelism() {
    return decodeParallelism > 0 ? decodeParallelism : Runtime.getRuntime().availableProcessors();
  }
}
