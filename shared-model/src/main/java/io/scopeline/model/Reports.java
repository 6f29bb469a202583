package io.scopeline.model;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/** Merging many reports the way Scope's app does for a window. */
public final class Reports {
  private Reports() {}

  /**
   * Merges reports into one, starting from Scope's preset shapes and labels. The result's ID is a
   * hash of the input IDs in order, so the same inputs give the same ID (and hit render caches).
   * Reports are merged as given: apply {@link ReportUpgrade#upgrade} to received reports first.
   */
  public static Report merge(Collection<Report> reports) {
    ReportAccumulator merged = new ReportAccumulator(Report.withDefaults());
    long hash = 0xcbf29ce484222325L;
    for (Report r : reports) {
      merged.add(r);
      for (byte b : r.id().getBytes(StandardCharsets.UTF_8)) {
        hash ^= b & 0xff;
        hash *= 0x100000001b3L;
      }
    }
    return merged.build().withId(Long.toHexString(hash));
  }
}
