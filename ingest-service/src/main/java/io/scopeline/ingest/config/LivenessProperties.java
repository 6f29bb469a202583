package io.scopeline.ingest.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The "nodata" detector for probes that went silent.
 *
 * @param defaultInterval a probe's publish interval when its reports carry no Window (Scope: 3 s)
 * @param silentIntervals a probe is silent after this many intervals without a report
 * @param minSilence but never before this long (jittery intervals must not flap)
 * @param checkInterval how often probes are checked
 * @param stallShare when more than this share of a tenant's probes (or of all probes) fall silent
 *     in one check, that is a pipeline fault: one {@code pipeline-stall} event replaces the
 *     per-probe alarms
 * @param stallMinProbes the share rule applies only with at least this many probes, so two probes
 *     of a small tenant going quiet are still reported one by one
 * @param stallMinTenants the share rule over all probes (a stall of the whole pipeline, which
 *     suppresses every tenant's alarms) needs silent probes of at least this many tenants; one
 *     tenant's probes going quiet together is that tenant's stall
 * @param forgetAfter a probe silent this long is dropped from the table
 */
@ConfigurationProperties("scopeline.liveness")
public record LivenessProperties(
    @DefaultValue("3s") Duration defaultInterval,
    @DefaultValue("3") int silentIntervals,
    @DefaultValue("10s") Duration minSilence,
    @DefaultValue("1s") Duration checkInterval,
    @DefaultValue("0.3") double stallShare,
    @DefaultValue("4") int stallMinProbes,
    @DefaultValue("3") int stallMinTenants,
    @DefaultValue("24h") Duration forgetAfter) {}
