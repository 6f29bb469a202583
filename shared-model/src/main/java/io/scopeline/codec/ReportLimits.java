package io.scopeline.codec;

/**
 * Size limits applied while decoding a report.
 *
 * @param maxCompressedBytes largest body as received (gzip or not)
 * @param maxDecompressedBytes largest body after gunzip; bounds memory whatever the compression ratio
 * @param maxNodesPerTopology largest node count in any one topology
 */
public record ReportLimits(long maxCompressedBytes, long maxDecompressedBytes, int maxNodesPerTopology) {
  /**
   * Defaults sized for real probes with headroom: a busy Scope probe sends well under 1 MiB gzip
   * (about 10 MiB decoded); Scope itself trims topologies above 10 000 nodes per host.
   */
  public static final ReportLimits DEFAULT = new ReportLimits(16L << 20, 128L << 20, 50_000);

  /** No practical limit, for tools reading trusted local files. */
  public static final ReportLimits UNLIMITED = new ReportLimits(Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);

  public ReportLimits {
    if (maxCompressedBytes <= 0 || maxDecompressedBytes <= 0 || maxNodesPerTopology <= 0) {
      throw new IllegalArgumentException("report limits must be positive");
    }
  }
}
