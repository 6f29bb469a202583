package io.scopeline.query;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How reports are read.
 *
 * @param window span of a live view: the quanta of the last window are merged (Scope: 15 s)
 * @param cacheMaxNodes in-process cache size, counted in report nodes (a decoded node is about 1 KB)
 * @param cacheTtl how long a decoded quantum stays cached; quanta never change once indexed
 * @param fetchConcurrency quanta fetched at once for one window
 * @param defaultTenant tenant of requests without {@code X-Scope-OrgID}; empty rejects them (401)
 * @param maxStaleness when the index or S3 fails, the tenant's live window is served (marked
 *     stale) while its last good reconcile is younger than this; older, the answer is 503
 * @param wsPingInterval how often a topology WebSocket is pinged (Scope: every ~33 s)
 * @param windowCacheMaxNodes merged past windows, and renderings of them, kept for reuse (each
 *     cache bounded by this many report nodes)
 * @param reconcileInterval how often a live window is checked against the index for quanta whose
 *     announcement was missed (every quantum while announcements are not arriving)
 * @param liveIdleTimeout a tenant's live window is forgotten after this long without readers
 * @param liveMinVersionInterval changes to a live window closer together than this are shown
 *     together (bounds renders per view under bursts of shortcut reports; delays them by at most this);
 *     HTTP answers come from a version up to three of these old while the next is made in the background
 * @param wsMinTick the shortest {@code t=} a topology WebSocket accepts (shorter: 400)
 * @param wsMaxPerTenant open topology WebSockets per tenant on this replica; more are closed
 *     with the reason (1013, try again later)
 * @param wsMaxPerReplica open topology WebSockets on this replica in all
 * @param wsWindowMinTick a topology WebSocket with {@code window=} sends a frame at most this
 *     often, whatever its {@code t=}: each frame reads and merges the whole long window
 * @param maxWindowObjects a window read needing more stored objects than this is refused (400)
 *     with the count: with roll-ups 31 days ending now are about two thousand (744 hours, and the
 *     quanta of the hour still running), so only a time whose roll-ups are missing (compaction off
 *     or behind) gets there, and reading it would take minutes
 * @param history how far back history is kept, as the UI's time slider reaches: the ingest
 *     side's {@code scopeline.retention.hour} (or, without retention, how far back one may look)
 */
@ConfigurationProperties("scopeline.query")
public record QueryProperties(
    @DefaultValue("15s") Duration window,
    @DefaultValue("500000") long cacheMaxNodes,
    @DefaultValue("5m") Duration cacheTtl,
    @DefaultValue("8") int fetchConcurrency,
    @DefaultValue("") String defaultTenant,
    @DefaultValue("60s") Duration maxStaleness,
    @DefaultValue("33333ms") Duration wsPingInterval,
    @DefaultValue("300000") long windowCacheMaxNodes,
    @DefaultValue("15s") Duration reconcileInterval,
    @DefaultValue("60s") Duration liveIdleTimeout,
    @DefaultValue("500ms") Duration liveMinVersionInterval,
    @DefaultValue("100ms") Duration wsMinTick,
    @DefaultValue("5000") int wsMaxPerTenant,
    @DefaultValue("20000") int wsMaxPerReplica,
    @DefaultValue("15s") Duration wsWindowMinTick,
    @DefaultValue("10000") int maxWindowObjects,
    @DefaultValue("365d") Duration history) {}
