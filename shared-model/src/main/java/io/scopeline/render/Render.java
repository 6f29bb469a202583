package io.scopeline.render;

import io.scopeline.model.Node;
import io.scopeline.model.StringSet;
import io.scopeline.model.TopologyType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** The building blocks renderers are composed of: select, map, reduce, filter, condition, joins. */
final class Render {
  private Render() {}

  /** A renderer whose result is computed once per report. */
  static Renderer memo(Renderer r) {
    return new Renderer() {
      @Override
      public Rendered render(RenderContext ctx) {
        return ctx.render(r);
      }
    };
  }

  /** The nodes of one report topology. */
  static Renderer select(TopologyType type) {
    return memo(ctx -> {
      Map<String, RNode> out = new HashMap<>();
      for (Map.Entry<String, Node> e : ctx.report().topology(type).nodes()) {
        Node n = e.getValue();
        RNode r = RNode.of(n);
        if (r.topology().isEmpty()) {
          r = r.withTopology(type.internalName());
        }
        out.put(e.getKey(), r);
      }
      return new Rendered(out, 0);
    });
  }

  /** Each input node becomes zero or more output nodes; edges follow the nodes they were mapped to. */
  static Renderer map(Function<RNode, Collection<RNode>> f, Renderer input) {
    return map(f, input, false);
  }

  /**
   * As {@link #map}, but a node {@code f} passes through unchanged keeps only the edges Scope's
   * in-place rewrite of its adjacency reaches ({@link InPlaceAdjacency}).
   */
  static Renderer mapRewritingInPlace(Function<RNode, Collection<RNode>> f, Renderer input) {
    return map(f, input, true);
  }

  private static Renderer map(Function<RNode, Collection<RNode>> f, Renderer input, boolean inPlace) {
    return ctx -> {
      Rendered in = input.render(ctx);
      Map<String, List<RNode>> parts = new HashMap<>();
      Map<String, List<String>> mapped = new HashMap<>();
      Map<String, List<StringSet>> inEdges = new HashMap<>();
      Set<String> passedThrough = new HashSet<>();
      for (RNode n : in.nodes().values()) {
        for (RNode out : f.apply(n)) {
          parts.computeIfAbsent(out.id(), x -> new ArrayList<>(1)).add(out);
          mapped.computeIfAbsent(n.id(), x -> new ArrayList<>(1)).add(out.id());
          inEdges.computeIfAbsent(out.id(), x -> new ArrayList<>()).add(n.adjacency());
          if (inPlace && out == n) {
            passedThrough.add(n.id());
          }
        }
      }
      Map<String, RNode> output = mergeParts(parts);
      for (Map.Entry<String, List<StringSet>> e : inEdges.entrySet()) {
        Set<String> adj = new HashSet<>();
        for (StringSet s : e.getValue()) {
          Iterable<String> reached = s;
          if (passedThrough.contains(e.getKey()) && e.getValue().size() == 1) {
            InPlaceAdjacency.Rewrite rw = InPlaceAdjacency.rewrite(s, a -> mapped.getOrDefault(a, List.of()));
            reached = rw.visited();
            if (rw.changedInput(s)) {
              ctx.noteRewrittenInPlace(e.getKey(), StringSet.of(rw.inputAfterwards()));
            }
            // Entries the loop skipped stay in Scope's list under their own id; they survive
            // wherever that id is a node of the output.
            for (String a : s) {
              if (output.containsKey(a)) {
                adj.add(a);
              }
            }
          }
          for (String a : reached) {
            List<String> to = mapped.get(a);
            if (to != null) {
              adj.addAll(to);
            }
          }
        }
        output.computeIfPresent(e.getKey(), (id, n) -> n.withAdjacency(StringSet.of(adj)));
      }
      return new Rendered(output, 0);
    };
  }

  /** {@code parts[hi].merge(parts[hi-1]).merge(...).merge(parts[lo])}, as a balanced tree of merges. */
  /** As {@link #map}, but no edges follow the nodes: outputs only gather them as children (Scope's unmapped children). */
  static Renderer mapWithoutEdges(Function<RNode, Collection<RNode>> f, Renderer input) {
    return ctx -> {
      Map<String, List<RNode>> parts = new HashMap<>();
      for (RNode n : input.render(ctx).nodes().values()) {
        for (RNode out : f.apply(n)) {
          parts.computeIfAbsent(out.id(), x -> new ArrayList<>(1)).add(out);
        }
      }
      return new Rendered(mergeParts(parts), 0);
    };
  }

  /** The parts mapped to each output id, merged into one node per id. */
  private static Map<String, RNode> mergeParts(Map<String, List<RNode>> parts) {
    Map<String, RNode> output = new HashMap<>(parts.size() * 2);
    // A later part takes precedence, as in folding each into the one before; merging in a balanced
    // tree gives the same node (merge is associative) without copying a growing group per part.
    parts.forEach((id, list) -> output.put(id, mergeLatestFirst(list, list.size() - 1, 0)));
    return output;
  }

  private static RNode mergeLatestFirst(List<RNode> parts, int hi, int lo) {
    if (hi == lo) {
      return parts.get(hi);
    }
    int mid = (hi + lo + 1) >>> 1;
    return mergeLatestFirst(parts, hi, mid).merge(mergeLatestFirst(parts, mid - 1, lo));
  }

  /** The union of several renderings, nodes with the same id merged. */
  static Renderer reduce(Renderer... parts) {
    return ctx -> {
      Map<String, RNode> out = new HashMap<>();
      int filtered = 0;
      for (Renderer r : parts) {
        Rendered done = r.render(ctx);
        filtered += done.filtered();
        done.nodes().forEach((id, n) -> out.merge(id, n, RNode::merge));
      }
      return new Rendered(out, filtered);
    };
  }

  /** Keeps the nodes {@code keep} accepts; pseudo nodes always pass. */
  static Renderer filter(Predicate<RNode> keep, Renderer input) {
    Transformer t = filterTransform(n -> n.isPseudo() || keep.test(n));
    return ctx -> t.transform(input.render(ctx));
  }

  /** Keeps the nodes {@code keep} accepts, edges to removed nodes cut, removals counted. */
  static Transformer filterTransform(Predicate<RNode> keep) {
    return in -> {
      Map<String, RNode> out = new HashMap<>();
      int removed = 0;
      for (RNode n : in.nodes().values()) {
        if (keep.test(n)) {
          out.put(n.id(), n);
        } else {
          removed++;
        }
      }
      if (removed > 0) {
        out.replaceAll((id, n) -> prune(n, out));
      }
      return new Rendered(out, in.filtered() + removed);
    };
  }

  private static RNode prune(RNode n, Map<String, RNode> kept) {
    List<String> adj = null;
    for (String a : n.adjacency()) {
      if (!kept.containsKey(a)) {
        adj = new ArrayList<>();
        break;
      }
    }
    if (adj == null) {
      return n;
    }
    for (String a : n.adjacency()) {
      if (kept.containsKey(a)) {
        adj.add(a);
      }
    }
    return n.withAdjacency(StringSet.of(adj));
  }

  static Renderer when(Predicate<RenderContext> condition, Renderer r) {
    return ctx -> condition.test(ctx) ? r.render(ctx) : Rendered.EMPTY;
  }

  static Renderer custom(UnaryOperator<Rendered> f, Renderer input) {
    return ctx -> f.apply(input.render(ctx));
  }

  /**
   * Joins endpoints onto the nodes of {@code topology}: endpoints without a host become internet or
   * known-service pseudo nodes; the others go to the node {@code toId} names, if any.
   */
  static Renderer mapEndpoints(Function<RNode, String> toId, TopologyType topology, Renderer endpoints,
      Renderer targets) {
    return ctx -> {
      Rendered eps = endpoints.render(ctx);
      JoinResults ret = new JoinResults(targets.render(ctx).nodes());
      Networks local = ctx.localNetworks();
      for (RNode n : eps.nodes().values()) {
        if (n.get(Keys.HOST_NODE_ID) == null) {
          String pseudo = externalNodeId(ctx, n, local);
          if (pseudo != null) {
            ret.addChild(n, pseudo, Ids.PSEUDO);
            continue;
          }
        }
        String id = toId.apply(n);
        if (id != null && !id.isEmpty()) {
          ret.addChild(n, id, topology.internalName());
        }
      }
      return ret.result(eps.nodes());
    };
  }

  /** The pseudo node an endpoint outside the local networks belongs to, or null when it is local. */
  static String externalNodeId(RenderContext ctx, RNode n, Networks local) {
    String[] parts = Ids.parseEndpoint(n.id());
    if (parts == null) {
      return null;
    }
    var dns = ctx.report().dns().get(parts[1]);
    String service = dns == null ? null : dns.firstMatch(Ids::isKnownService);
    if (service != null) {
      return Ids.SERVICE_PREFIX + service;
    }
    long ip = Networks.parseIpv4(parts[1]);
    if (ip >= 0 && !local.contains(ip)) {
      return n.adjacency().isEmpty() ? Ids.OUTGOING_INTERNET : Ids.INCOMING_INTERNET;
    }
    return null;
  }
}
