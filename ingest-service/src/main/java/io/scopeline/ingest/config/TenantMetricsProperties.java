package io.scopeline.ingest.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many per-tenant metric series the ingest service keeps: with thousands of small tenants,
 * one series each would grow the scrape without bound.
 *
 * @param limit tenants with series of their own ({@code scopeline.ingest.reports.received} and
 *     {@code .bytes.received} tagged with the tenant); the others count under tenant {@code other}.
 *     0 turns per-tenant series off. The totals ({@code ….all}) are always there
 * @param idle a tenant that sent nothing for this long gives up its series (and its place)
 */
@ConfigurationProperties("scopeline.ingest.tenant-metrics")
public record TenantMetricsProperties(
    @DefaultValue("100") int limit,
    @DefaultValue("10m") Duration idle) {}
