package io.scopeline.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The Redis hot copy of a stored report: the report's bytes behind a SHA-256 digest of the tenant,
 * the object key and the bytes, so a copy that lands under another tenant's or another segment's
 * key (an operator's mistake, a bad migration, a tampering client without the writer's view) is
 * not served there. The ingest side seals, the query side opens; both through here.
 */
public final class HotCopy {
  private static final byte[] MAGIC = {'S', 'L', 'H', '1'};
  private static final int DIGEST = 32;

  private HotCopy() {}

  /** What to store in Redis for {@code content}, the report bytes of {@code objectKey} of {@code tenant}. */
  public static byte[] seal(TenantId tenant, String objectKey, byte[] content) {
    byte[] out = new byte[MAGIC.length + DIGEST + content.length];
    System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
    System.arraycopy(digest(tenant, objectKey, content, 0, content.length), 0, out, MAGIC.length, DIGEST);
    System.arraycopy(content, 0, out, MAGIC.length + DIGEST, content.length);
    return out;
  }

  /** The report bytes, or null when {@code stored} was not sealed for this tenant and key. */
  public static byte[] open(TenantId tenant, String objectKey, byte[] stored) {
    int head = MAGIC.length + DIGEST;
    if (stored == null || stored.length < head || !Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return null;
    }
    byte[] expected = digest(tenant, objectKey, stored, head, stored.length - head);
    if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(stored, MAGIC.length, head))) {
      return null;
    }
    return Arrays.copyOfRange(stored, head, stored.length);
  }

  private static byte[] digest(TenantId tenant, String objectKey, byte[] content, int offset, int length) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(tenant.value().getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(objectKey.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(content, offset, length);
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
