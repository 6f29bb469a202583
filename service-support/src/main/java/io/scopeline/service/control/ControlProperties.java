package io.scopeline.service.control;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Scope's controls and pipes: requests the UI sends to probes through their control sockets, and
 * the terminals and log streams they open, routed between replicas (of either service) through Redis.
 *
 * @param appId the app id {@code GET /api} answers and control requests carry; a probe opens a
 *     pipe only to the app whose id the request names, so every replica of both services must
 *     share it (empty: a random id per process, enough for one process such as the standalone)
 * @param timeout longest wait for a probe's answer to a control request (Scope: 1 min); then 400
 * @param pipeIdleTimeout a pipe is closed when one end has been connected this long and the other
 *     has not been seen in this time (Scope: 1 min)
 * @param pipeCheckInterval how often a connected pipe end checks its other end (Scope: 30 s)
 * @param pipeTombstone a closed pipe is remembered (and refused) for this long, and an unused
 *     pipe's buffered data is kept this long (Scope: 10 min)
 * @param pipeBacklog frames buffered per pipe direction while the other end is not reading; older
 *     frames are dropped beyond this
 * @param pipeReadBlock how long one Redis read of a pipe waits for data before it asks again
 * @param pingInterval how often control and pipe sockets are pinged (Scope: every ~33 s)
 */
@ConfigurationProperties("scopeline.control")
public record ControlProperties(
    @DefaultValue("") String appId,
    @DefaultValue("60s") Duration timeout,
    @DefaultValue("60s") Duration pipeIdleTimeout,
    @DefaultValue("30s") Duration pipeCheckInterval,
    @DefaultValue("10m") Duration pipeTombstone,
    @DefaultValue("10000") long pipeBacklog,
    @DefaultValue("5s") Duration pipeReadBlock,
    @DefaultValue("33333ms") Duration pingInterval) {}
