package io.scopeline.service.control;

import io.scopeline.keys.TenantId;
import java.util.regex.Pattern;

/**
 * The Redis channels and keys of controls and pipes, in one place. Like every Scopeline key they
 * carry the tenant in braces (a Redis Cluster hash tag), so a tenant's pipe keys share a shard.
 */
public final class ControlKeys {
  /** Probe and pipe ids come from probes and browsers: short, and of characters safe in a key. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private ControlKeys() {}

  /** Null when {@code id} may name a probe or a pipe; else why not. */
  public static String problem(String kind, String id) {
    if (id == null || id.isEmpty()) {
      return kind + " id is missing";
    }
    return ID.matcher(id).matches() ? null
        : kind + " id must be 1 to 128 letters, digits or . _ : -, got " + abbreviate(id);
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  /** Channel on which the replica holding a probe's control socket takes requests for it. */
  static String probeChannel(TenantId tenant, String probeId) {
    return "scopeline:{" + tenant.value() + "}:control:probe:" + probeId;
  }

  /** Channel on which a replica takes the answers to the requests it forwarded. */
  static String replyChannel(String replicaId) {
    return "scopeline:control:reply:" + replicaId;
  }

  /** Stream of the frames travelling toward {@code end} of a pipe. */
  static String pipeStream(TenantId tenant, String pipeId, PipeEnd end) {
    return pipePrefix(tenant, pipeId) + "to-" + end.wireName();
  }

  /** Present while a closed pipe is remembered (its tombstone). */
  static String pipeClosed(TenantId tenant, String pipeId) {
    return pipePrefix(tenant, pipeId) + "closed";
  }

  /** Present while {@code end} of a pipe has been connected lately. */
  static String pipeSeen(TenantId tenant, String pipeId, PipeEnd end) {
    return pipePrefix(tenant, pipeId) + "seen-" + end.wireName();
  }

  private static String pipePrefix(TenantId tenant, String pipeId) {
    return "scopeline:{" + tenant.value() + "}:pipe:" + pipeId + ":";
  }
}
