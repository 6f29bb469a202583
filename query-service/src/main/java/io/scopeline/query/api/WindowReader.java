package io.scopeline.query.api;

import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.Reports;
import io.scopeline.query.QueryProperties;
import io.scopeline.query.read.QuantumIndex;
import io.scopeline.query.read.TieredReports;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The merged report of a tenant's window ending at a time: index lookup, tiered fetch, merge. */
public final class WindowReader {
  private final QuantumIndex index;
  private final TieredReports reports;
  private final QueryProperties props;

  public WindowReader(QuantumIndex index, TieredReports reports, QueryProperties props) {
    this.index = index;
    this.reports = reports;
    this.props = props;
  }

  /** Scope's merge of every quantum of {@code tenant} starting in [at − window, at]. */
  public Mono<Report> window(TenantId tenant, long atNanos) {
    long from = atNanos - props.window().toNanos();
    return index.objectKeys(tenant, from, atNanos)
        .flatMap(keys -> Flux.fromIterable(keys)
            .flatMapSequential(key -> reports.get(tenant, key), props.fetchConcurrency())
            .collectList())
        .map(Reports::merge);
  }
}
