package io.scopeline.query.read;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.keys.HotCopy;
import io.scopeline.keys.StorageKeys;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import io.scopeline.model.ReportUpgrade;
import io.scopeline.query.QueryProperties;
import io.scopeline.service.storage.LazyRedis;
import io.scopeline.service.storage.StorageProperties;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Reads a persisted quantum through the tiers: in-process (Caffeine, decoded reports) → Redis hot
 * copy → S3. Concurrent misses of one key share one load (Caffeine's async cache holds the
 * in-flight future: the single-flight). A failing tier is skipped and counted; hits, misses and
 * errors are counted per tier as {@code scopeline.query.tier{tier,result}}.
 */
public final class TieredReports {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TieredReports.class);
  private final AsyncCache<String, Report> memory;
  /** Stored bytes, briefly: concurrent loads of one key (local or from peers) share one read. */
  private final AsyncCache<String, byte[]> bytes = Caffeine.newBuilder().maximumWeight(64L << 20)
      .weigher((String k, byte[] b) -> b.length).expireAfterWrite(java.time.Duration.ofSeconds(60)).buildAsync();
  private final io.scopeline.query.peers.PeerRing peers;
  private final io.scopeline.query.peers.PeerClient peerClient;
  private final S3AsyncClient s3;
  private final String bucket;
  private final LazyRedis redis;
  private final Scheduler decodeScheduler;
  private final MeterRegistry meters;

  public TieredReports(QueryProperties props, StorageProperties storage, S3AsyncClient s3, LazyRedis redis,
      Scheduler decodeScheduler, MeterRegistry meters) {
    this(props, storage, s3, redis, decodeScheduler, meters, null, null);
  }

  /** With peers: a quantum owned by another replica is asked of that replica before the stores. */
  public TieredReports(QueryProperties props, StorageProperties storage, S3AsyncClient s3, LazyRedis redis,
      Scheduler decodeScheduler, MeterRegistry meters, io.scopeline.query.peers.PeerRing peers,
      io.scopeline.query.peers.PeerClient peerClient) {
    this.peers = peers;
    this.peerClient = peerClient;
    this.memory = Caffeine.newBuilder().maximumWeight(props.cacheMaxNodes())
        .weigher((String k, Report r) -> Math.max(1, r.nodeCount())).expireAfterAccess(props.cacheTtl())
        .recordStats().buildAsync();
    this.s3 = s3;
    this.bucket = storage.s3().bucket();
    this.redis = redis;
    this.decodeScheduler = decodeScheduler;
    this.meters = meters;
  }

  private void count(String tier, String result) {
    meters.counter("scopeline.query.tier", "tier", tier, "result", result).increment();
  }

  /** The quantum stored under {@code objectKey}, upgraded as Scope's app upgrades what it reads. */
  public Mono<Report> get(TenantId tenant, String objectKey) {
    String cacheKey = tenant.value() + "|" + objectKey;
    boolean[] loaded = {false};
    return Mono.fromFuture(() -> memory.get(cacheKey, (k, executor) -> {
      loaded[0] = true;
      return load(tenant, objectKey).toFuture();
    })).doOnNext(r -> count("memory", loaded[0] ? "miss" : "hit"));
  }

  private Mono<Report> load(TenantId tenant, String objectKey) {
    return ownedBytes(tenant, objectKey)
        .publishOn(decodeScheduler)
        // What ingest stored merges many accepted reports: no one report's limits apply to it.
        .map(b -> ReportUpgrade.upgrade(ReportCodec.decode(b, ReportFormat.MSGPACK_GZIP, ReportLimits.UNLIMITED)));
  }

  /** From the owning peer when another replica owns the key; a failing peer is skipped at once. */
  private Mono<byte[]> ownedBytes(TenantId tenant, String objectKey) {
    if (peers == null) {
      return localBytes(tenant, objectKey);
    }
    String owner = peers.ownerOf(tenant.value() + "|" + objectKey);
    if (peers.isSelf(owner)) {
      return localBytes(tenant, objectKey);
    }
    return timed("peer", peerClient.fetch(owner, tenant.value(), objectKey))
        .doOnNext(b -> count("peer", "hit"))
        .onErrorResume(e -> {
          count("peer", "error");
          peers.markDead(owner);
          return Mono.empty();
        })
        .switchIfEmpty(Mono.defer(() -> localBytes(tenant, objectKey)));
  }

  /** The stored bytes of a quantum from this replica's tiers (Redis hot copy, then S3), single-flight. */
  public Mono<byte[]> localBytes(TenantId tenant, String objectKey) {
    return Mono.fromFuture(() -> bytes.get(tenant.value() + "|" + objectKey, (k, executor) ->
        fromRedis(tenant, objectKey)
            .switchIfEmpty(Mono.defer(() -> fromS3(objectKey)))
            .toFuture()));
  }

  private <T> Mono<T> timed(String tier, Mono<T> op) {
    return Mono.defer(() -> {
      long t0 = System.nanoTime();
      return op.doFinally(s -> meters.timer("scopeline.query.tier.latency", "tier", tier)
          .record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS));
    });
  }

  private Mono<byte[]> fromRedis(TenantId tenant, String objectKey) {
    String key = StorageKeys.hotCopyKey(tenant, objectKey);
    return timed("redis", redis.connection().flatMap(c -> c.reactive().get(key)).timeout(redis.timeout()))
        .flatMap(stored -> {
          byte[] content = HotCopy.open(tenant, objectKey, stored);
          if (content == null) {
            // Not sealed for this tenant and key: not served; the segment is read from S3 instead.
            count("redis", "rejected");
            log.warn("Hot copy {} is not {}'s copy of {}; ignoring it", key, tenant, objectKey);
            return Mono.empty();
          }
          count("redis", "hit");
          return Mono.just(content);
        })
        .switchIfEmpty(Mono.fromRunnable(() -> count("redis", "miss")))
        .onErrorResume(e -> {
          count("redis", "error");
          redis.reset();
          return Mono.empty();
        });
  }

  private Mono<byte[]> fromS3(String key) {
    return timed("s3", Mono.fromFuture(() -> s3.getObject(b -> io.scopeline.service.storage.SegmentObjects.get(b, bucket, key),
            AsyncResponseTransformer.toBytes())))
        .map(r -> r.asByteArray())
        .doOnNext(b -> count("s3", "hit"))
        .doOnError(e -> count("s3", "error"));
  }
}
