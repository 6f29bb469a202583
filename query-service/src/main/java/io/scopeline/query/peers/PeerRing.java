package io.scopeline.query.peers;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who owns a quantum key: rendezvous hashing over the live replicas (the highest hash of
 * replica + key wins), so adding or losing a replica moves only that replica's keys. Replicas that
 * failed recently are left out until {@code deadFor} has passed.
 */
public final class PeerRing {
  private static final Logger log = LoggerFactory.getLogger(PeerRing.class);

  private final PeerProperties props;
  private volatile List<String> members;
  private final Map<String, Long> deadUntil = new ConcurrentHashMap<>();

  public PeerRing(PeerProperties props) {
    this.props = props;
    this.members = resolve();
  }

  /** Re-reads the member list (DNS for a headless Service). */
  public void refresh() {
    List<String> fresh = resolve();
    if (!fresh.equals(members)) {
      log.info("Query peers: {}", fresh);
    }
    members = fresh;
  }

  private List<String> resolve() {
    TreeSet<String> all = new TreeSet<>();
    props.urls().forEach(u -> all.add(trim(u)));
    all.add(trim(props.self()));
    if (!props.dnsName().isBlank()) {
      try {
        for (InetAddress a : InetAddress.getAllByName(props.dnsName())) {
          all.add("http://" + a.getHostAddress() + ":" + props.port());
        }
      } catch (UnknownHostException e) {
        log.warn("Query peers: cannot resolve {} ({}); using {}", props.dnsName(), e.getMessage(), all);
      }
    }
    return List.copyOf(all);
  }

  private static String trim(String url) {
    return url.replaceAll("/+$", "");
  }

  public List<String> members() {
    return members;
  }

  public boolean isSelf(String member) {
    return member.equals(trim(props.self()));
  }

  /** The live replica owning {@code key} (possibly this one). */
  public String ownerOf(String key) {
    long now = System.nanoTime();
    String best = null;
    long bestHash = 0;
    for (String m : members) {
      Long until = deadUntil.get(m);
      if (until != null && until - now > 0 && !isSelf(m)) {
        continue;
      }
      long h = hash(m + "|" + key);
      if (best == null || Long.compareUnsigned(h, bestHash) > 0) {
        best = m;
        bestHash = h;
      }
    }
    return best == null ? trim(props.self()) : best;
  }

  /** Leaves {@code member} out of ownership for a while after it failed to answer. */
  public void markDead(String member) {
    deadUntil.put(member, System.nanoTime() + props.deadFor().toNanos());
  }

  /** 64-bit FNV-1a, then a finalising mix so nearby strings spread. */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  @Override
  public String toString() {
    return new ArrayList<>(members).toString();
  }
}
