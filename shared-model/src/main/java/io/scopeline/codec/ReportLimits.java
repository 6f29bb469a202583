package io.scopeline.codec;

/**
 * Size limits applied while decoding a report.
 *
 * @param maxCompressedBytes largest body as received (gzip or not)
 * @param maxDecompressedBytes largest body after gunzip; bounds memory whatever the compression ratio
 * @param maxNodesPerTopology largest node count in any one topology
 * @param maxStringBytes largest estimated memory of the strings a decode makes ({@value #BYTES_PER_STRING}
 *     bytes per string plus its length): a body of millions of short strings is small when
 *     compressed and decompressed but takes many times that once each is an object
 */
public record ReportLimits(long maxCompressedBytes, long maxDecompressedBytes, int maxNodesPerTopology,
    long maxStringBytes) {
  /** What a decoded string costs beyond its characters (object header, array header, fields). */
  public static final int BYTES_PER_STRING = 48;

  /**
   * Defaults sized for real probes with headroom: a busy Scope probe sends well under 1 MiB gzip
   * (about 10 MiB decoded); Scope itself trims topologies above 10 000 nodes per host.
   */
  public static final ReportLimits DEFAULT = new ReportLimits(16L << 20, 128L << 20, 50_000, 256L << 20);

  /**
   * No practical limit: for what Scopeline stored itself (a quantum merges many accepted reports,
   * so it may exceed any one report's limits) and tools reading trusted local files.
   */
  public static final ReportLimits UNLIMITED = new ReportLimits(Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE,
      Long.MAX_VALUE);

  /** Limits with the default string budget. */
  public ReportLimits(long maxCompressedBytes, long maxDecompressedBytes, int maxNodesPerTopology) {
    this(maxCompressedBytes, maxDecompressedBytes, maxNodesPerTopology, 256L << 20);
  }

  public ReportLimits {
    if (maxCompressedBytes <= 0 || maxDecompressedBytes <= 0 || maxNodesPerTopology <= 0 || maxStringBytes <= 0) {
      throw new IllegalArgumentException("report limits must be positive");
    }
  }
}
