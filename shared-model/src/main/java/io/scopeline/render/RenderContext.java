package io.scopeline.render;

import io.scopeline.model.KeyedMap;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.StringSet;
import io.scopeline.model.TopologyType;
import java.util.HashMap;
import java.util.Map;

/**
 * One report being rendered: the renderers share intermediate results through it, so rendering
 * several topologies of the same report computes the process or container graph once.
 */
public final class RenderContext {
  private final Report report;
  private final Map<Renderer, Rendered> memo = new HashMap<>();
  private final Map<String, StringSet> rewrittenInPlace = new HashMap<>();
  private Networks localNetworks;

  public RenderContext(Report report) {
    this.report = report;
  }

  public Report report() {
    return report;
  }

  /** Renders through the cache of this context. */
  public synchronized Rendered render(Renderer renderer) {
    Rendered done = memo.get(renderer);
    if (done == null) {
      done = renderer.render(this);
      memo.put(renderer, done);
    }
    return done;
  }

  /** Records what Scope's in-place rewrite left in node {@code id}'s list ({@link InPlaceAdjacency}). */
  synchronized void noteRewrittenInPlace(String id, StringSet inputAfterwards) {
    rewrittenInPlace.put(id, inputAfterwards);
  }

  /** The lists the container view's rewrite changed in the process view's nodes, by node id. */
  synchronized Map<String, StringSet> rewrittenInPlace() {
    return Map.copyOf(rewrittenInPlace);
  }

  /** The CIDRs of all hosts and overlay peers, plus the smallest network holding all service IPs. */
  synchronized Networks localNetworks() {
    if (localNetworks == null) {
      Networks nets = new Networks();
      for (TopologyType t : new TopologyType[] {TopologyType.HOST, TopologyType.OVERLAY}) {
        for (Map.Entry<String, Node> e : report.topology(t).nodes()) {
          StringSet cidrs = e.getValue().sets().get(Keys.LOCAL_NETWORKS);
          if (cidrs != null) {
            cidrs.forEach(nets::addCidr);
          }
        }
      }
      addServiceNetwork(nets, report.topology(TopologyType.SERVICE).nodes());
      localNetworks = nets;
    }
    return localNetworks;
  }

  private static void addServiceNetwork(Networks nets, KeyedMap<Node> services) {
    long lo = -1;
    long hi = -1;
    for (Map.Entry<String, Node> e : services) {
      String ip = e.getValue().latest().get(Keys.K8S_IP);
      long v = ip == null ? -1 : Networks.parseIpv4(ip);
      if (v < 0) {
        continue;
      }
      lo = lo < 0 ? v : Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (lo < 0) {
      return;
    }
    int bits = 32;
    long mask = 0xFFFFFFFFL;
    while (bits > 0 && (lo & mask) != (hi & mask)) {
      bits--;
      mask = (mask << 1) & 0xFFFFFFFFL;
    }
    nets.add(lo, mask);
  }
}
