package io.scopeline.keys;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The layout of a packed quantum ({@link StorageKeys#packKey}): the encoded segments (each a
 * self-contained gzip msgpack member) of many tenants of one partition and quantum, one after
 * another in the order of their first offsets, so the same records always make the same bytes.
 * Each tenant's index row names its member by {@link Ref} (object key, byte offset, length);
 * readers fetch that byte range alone.
 */
public final class PackedObject {
  /** One tenant's encoded segment to pack. */
  public record Part(TenantId tenant, long firstOffset, long lastOffset, byte[] encoded) {}

  /** Where a part landed in the packed bytes. */
  public record Member(Part part, long byteOffset, int byteLength) {}

  /** The packed bytes and where each part is in them. */
  public record Packed(byte[] bytes, List<Member> members) {}

  /**
   * A segment's place in storage: a whole object ({@code byteLength} -1) or a byte range of a
   * pack, written as {@code <object key>#<offset>-<length>} where one string names it (hot copy
   * keys, peers' requests).
   */
  public record Ref(String objectKey, long byteOffset, long byteLength) {
    public static Ref whole(String objectKey) {
      return new Ref(objectKey, 0, -1);
    }

    public boolean isRange() {
      return byteLength >= 0;
    }

    /** The HTTP Range header value that fetches just this member. */
    public String httpRange() {
      return "bytes=" + byteOffset + "-" + (byteOffset + byteLength - 1);
    }

    public String encode() {
      return isRange() ? objectKey + "#" + byteOffset + "-" + byteLength : objectKey;
    }

    /** The ref {@link #encode} wrote; a string without '#' is a whole object. */
    public static Ref parse(String encoded) {
      int hash = encoded.lastIndexOf('#');
      if (hash < 0) {
        return whole(encoded);
      }
      int dash = encoded.indexOf('-', hash);
      try {
        long offset = Long.parseLong(encoded.substring(hash + 1, dash));
        long length = Long.parseLong(encoded.substring(dash + 1));
        if (offset < 0 || length < 0) {
          throw new IllegalArgumentException("negative range in segment ref " + encoded);
        }
        return new Ref(encoded.substring(0, hash), offset, length);
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        throw new IllegalArgumentException("not a segment ref: " + encoded, e);
      }
    }
  }

  private PackedObject() {}

  /** Packs {@code parts} in the order of their first offsets (distinct within a partition). */
  public static Packed pack(List<Part> parts) {
    List<Part> ordered = new ArrayList<>(parts);
    ordered.sort(Comparator.comparingLong(Part::firstOffset));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Member> members = new ArrayList<>(ordered.size());
    for (Part p : ordered) {
      members.add(new Member(p, out.size(), p.encoded().length));
      out.writeBytes(p.encoded());
    }
    return new Packed(out.toByteArray(), List.copyOf(members));
  }

  /** The member {@code ref} names, cut from a pack's bytes (what a ranged GET returns). */
  public static byte[] slice(byte[] packed, Ref ref) {
    if (!ref.isRange()) {
      return packed;
    }
    if (ref.byteOffset() + ref.byteLength() > packed.length) {
      throw new IllegalArgumentException(ref.encode() + " lies beyond the " + packed.length + " bytes of its pack");
    }
    return Arrays.copyOfRange(packed, (int) ref.byteOffset(), (int) (ref.byteOffset() + ref.byteLength()));
  }
}
