package io.scopeline.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

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
    List<String> ids = new ArrayList<>(reports.size());
    for (Report r : reports) {
      merged.add(r);
      ids.add(r.id());
    }
    return merged.build().withId(mergedId(ids));
  }

  /** The ID {@link #merge} gives the merge of reports with these IDs, in this order. */
  public static String mergedId(Iterable<String> ids) {
    long hash = 0xcbf29ce484222325L;
    for (String id : ids) {
      for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
        hash ^= b & 0xff;
        hash *= 0x100000001b3L;
      }
    }
    return Long.toHexString(hash);
  }
}
