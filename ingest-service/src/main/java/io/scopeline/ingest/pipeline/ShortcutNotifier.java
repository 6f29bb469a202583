package io.scopeline.ingest.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.ingest.config.IngestProperties;
import io.scopeline.ingest.store.HotCopies;
import io.scopeline.keys.Announcement;
import io.scopeline.keys.HotCopy;
import io.scopeline.keys.StorageKeys;
import reactor.core.publisher.Mono;

/**
 * Shortcut reports (a container started or stopped) are merged like any other, and also, at once,
 * stored as a Redis hot copy and announced on the tenant's notification channel, so the query
 * side can push them to browsers without waiting for the quantum. Best effort: Redis trouble is
 * counted by {@link HotCopies} and never delays ingestion.
 */
public final class ShortcutNotifier {
  private final HotCopies hot;
  private final IngestProperties props;
  private final MeterRegistry meters;

  public ShortcutNotifier(HotCopies hot, IngestProperties props, MeterRegistry meters) {
    this.hot = hot;
    this.props = props;
    this.meters = meters;
  }

  Mono<Void> announce(Decoded.Accepted d) {
    String id = d.record().partition() + "-" + d.record().offset();
    String objectKey = StorageKeys.shortcutObjectKey(d.tenant(), d.timestampNanos(), id);
    String key = StorageKeys.hotCopyKey(d.tenant(), objectKey);
    return Mono.fromCallable(() -> ReportCodec.encode(d.report(), ReportFormat.MSGPACK_GZIP))
        .flatMap(bytes -> hot.put(key, HotCopy.seal(d.tenant(), objectKey, bytes), props.hotCopyTtl()))
        .then(hot.remember(StorageKeys.recentKey(d.tenant()), d.timestampNanos() / 1_000_000L, objectKey,
            props.hotCopyTtl()))
        .then(hot.publish(StorageKeys.notificationChannel(d.tenant()),
            Announcement.shortcut(objectKey, d.timestampNanos(), d.probeId()).toJson()))
        .doOnSuccess(v -> meters.counter("scopeline.ingest.shortcuts").increment());
  }
}
