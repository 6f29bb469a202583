package io.scopeline.codec;

import java.time.Duration;

/**
 * Size limits applied while decoding a report.
 *
 * @param maxCompressedBytes largest body as received (gzip or not)
 * @param maxDecompressedBytes largest body after gunzip; bounds memory whatever the compression ratio
 * @param maxNodesPerTopology largest node count in any one topology
 * @param maxStringBytes largest estimated memory of the strings a decode makes ({@value #BYTES_PER_STRING}
 *     bytes per string plus its length): a body of millions of short strings is small when
 *     compressed and decompressed but takes many times that once each is an object
 * @param maxDecodeTime longest one decode may run (wall time, checked per node and every thousand
 *     strings): a body within every size limit can still be shaped to cost far more than its size
 */
public record ReportLimits(long maxCompressedBytes, long maxDecompressedBytes, int maxNodesPerTopology,
    long maxStringBytes, Duration maxDecodeTime) {
  /** Default {@link #maxDecodeTime}: a 128 MB decompressed report decodes in about a second here. */
  public static final Duration DEFAULT_DECODE_TIME = Duration.ofSeconds(10);

  /** What a decoded string costs beyond its characters (object header, array header, fields). */
  public static final int BYTES_PER_STRING = 48;

  /**
   * Defaults sized for real probes with headroom: a busy Scope probe sends well under 1 MiB gzip
   * (about 10 MiB decoded); Scope itself trims topologies above 10 000 nodes per host.
   */
  public static final ReportLimits DEFAULT = new ReportLimits(16L << 20, 128L << 20, 50_000, 256L << 20,
      DEFAULT_DECODE_TIME);

  /**
   * No practical limit: for what Scopeline stored itself (a quantum merges many accepted reports,
   * so it may exceed any one report's limits) and tools reading trusted local files.
   */
  public static final ReportLimits UNLIMITED = new ReportLimits(Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE,
      Long.MAX_VALUE, Duration.ofNanos(Long.MAX_VALUE));

  /** Limits with the default string budget and decode time. */
  public ReportLimits(long maxCompressedBytes, long maxDecompressedBytes, int maxNodesPerTopology) {
    this(maxCompressedBytes, maxDecompressedBytes, maxNodesPerTopology, 256L << 20, DEFAULT_DECODE_TIME);
  }

  public ReportLimits {
    if (maxCompressedBytes <= 0 || maxDecompressedBytes <= 0 || maxNodesPerTopology <= 0 || maxStringBytes <= 0
        || maxDecodeTime == null || maxDecodeTime.isNegative() || maxDecodeTime.isZero()) {
      throw new IllegalArgumentException("report limits must be positive");
    }
  }
}
