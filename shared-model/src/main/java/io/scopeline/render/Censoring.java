package io.scopeline.render;

import io.scopeline.model.Report;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a request may not see of a report: Scope's censoring options ({@link Censor}) and, for a
 * user limited to some Kubernetes namespaces, everything outside them ({@link VisibleNamespaces}).
 *
 * @param namespaces the namespaces the caller may see, or null for all
 */
public record Censoring(boolean hideArguments, boolean hideEnvironment, SortedSet<String> namespaces) {
  public static final Censoring NONE = new Censoring(false, false, null);

  public Censoring {
    namespaces = namespaces == null ? null : Collections.unmodifiableSortedSet(new TreeSet<>(namespaces));
  }

  public static Censoring of(boolean hideArguments, boolean hideEnvironment, Collection<String> namespaces) {
    return new Censoring(hideArguments, hideEnvironment, namespaces == null ? null : new TreeSet<>(namespaces));
  }

  /** Distinct for every distinct censoring: renderings are cached under it. */
  public String key() {
    return (hideArguments ? "a" : "") + (hideEnvironment ? "e" : "")
        + (namespaces == null ? "" : "|ns=" + String.join(",", namespaces));
  }

  /** The report to render views from. */
  public Report forViews(Report report) {
    return Censor.forViews(visible(report), hideArguments, hideEnvironment);
  }

  /** The raw report as {@code /api/report} returns it. */
  public Report forReport(Report report) {
    return Censor.apply(visible(report), hideArguments, hideEnvironment);
  }

  private Report visible(Report report) {
    return namespaces == null ? report : VisibleNamespaces.restrict(report, namespaces);
  }
}
