package io.scopeline.service.storage;

import io.scopeline.keys.PackedObject;
import io.scopeline.keys.StorageKeys;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/** How a segment key's bytes are fetched from S3: its own object, or its byte range of a pack. */
public final class SegmentObjects {
  private SegmentObjects() {}

  /** Shapes {@code b} as the GetObject of {@code segmentKey}'s bytes in {@code bucket}. */
  public static GetObjectRequest.Builder get(GetObjectRequest.Builder b, String bucket, String segmentKey) {
    PackedObject.Ref at = StorageKeys.storedAt(segmentKey);
    b.bucket(bucket).key(at.objectKey());
    return at.isRange() ? b.range(at.httpRange()) : b;
  }
}
