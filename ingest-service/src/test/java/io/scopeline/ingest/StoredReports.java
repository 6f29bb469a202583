package io.scopeline.ingest;

import io.scopeline.codec.ReportCodec;
import io.scopeline.codec.ReportFormat;
import io.scopeline.codec.ReportLimits;
import io.scopeline.keys.StorageKeys;
import io.scopeline.service.storage.IndexRows;
import io.scopeline.keys.TenantId;
import io.scopeline.model.Report;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Reads back what ingest persisted for a tenant, through the index as a reader would. */
final class StoredReports {
  private final S3AsyncClient s3;
  private final DynamoDbAsyncClient dynamo;
  private final String bucket;
  private final String table;

  StoredReports(S3AsyncClient s3, DynamoDbAsyncClient dynamo, String bucket, String table) {
    this.s3 = s3;
    this.dynamo = dynamo;
    this.bucket = bucket;
    this.table = table;
  }

  /** Object keys indexed for the tenant in the hours around now. */
  List<String> objectKeys(TenantId tenant) {
    List<String> keys = new ArrayList<>();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (long t : new long[] {now - 3_600_000_000_000L, now, now + 3_600_000_000_000L}) {
      // Every row of the hour, as written (no overlap resolution: a twice-counted report shows).
      keys.addAll(IndexRows.objectKeys(dynamo, table, StorageKeys.indexHashKey(tenant, t), "0", "1e30",
          java.time.Duration.ofSeconds(10)).collectList().block());
    }
    return keys;
  }

  byte[] object(String key) {
    return s3.getObject(b -> io.scopeline.service.storage.SegmentObjects.get(b, bucket, key),
        AsyncResponseTransformer.toBytes()).join().asByteArray();
  }

  List<Report> reports(TenantId tenant) {
    List<Report> out = new ArrayList<>();
    for (String key : objectKeys(tenant)) {
      out.add(ReportCodec.decode(object(key), ReportFormat.MSGPACK_GZIP, ReportLimits.DEFAULT));
    }
    return out;
  }

  /** Host node ids present in any persisted object of the tenant. */
  List<String> hostIds(TenantId tenant) {
    List<String> ids = new ArrayList<>();
    for (Report r : reports(tenant)) {
      r.topology(io.scopeline.model.TopologyType.HOST).nodes().forEach((id, n) -> {
        if (!ids.contains(id)) {
          ids.add(id);
        }
      });
    }
    return ids;
  }
}
