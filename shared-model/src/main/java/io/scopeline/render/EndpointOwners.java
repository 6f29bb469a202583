package io.scopeline.render;

import io.scopeline.model.KeyedMap;
import io.scopeline.model.LatestMap;
import io.scopeline.model.Node;
import io.scopeline.model.Report;
import io.scopeline.model.ReportAccumulator;
import io.scopeline.model.Reports;
import io.scopeline.model.StringSet;
import io.scopeline.model.TopologyType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the pieces of a long window (quanta, roll-ups) so that an address reused over time is
 * not joined to whoever held it last.
 *
 * <p>An endpoint node ({@code <scope>;<addr>;<port>}) is one node however long the window, and its
 * latest pid and host win; the pod or container it joins is looked up by IP in the whole window,
 * where two pods that held one IP a day apart make the address ambiguous. Merged plainly, an old
 * connection then shows on the new holder (a false edge) or on nobody (a lost edge).
 *
 * <p>Here each piece first records, on each endpoint, the pod, container and process its address
 * and pid belonged to within that piece ({@link #POD}, {@link #CONTAINER}, {@link #PROCESS}; the
 * joins use them before any lookup). Pieces are then compared newest first: a process node whose
 * container or name differs from a newer piece's (a reused pid) is renamed
 * {@code <host>;<pid>;<owner tag>} in the older piece; where an endpoint's owner in an older piece
 * (host, pid, pod, container, process: what both pieces know of it) differs from its owner in
 * newer ones, the older piece's endpoint is renamed {@code <id>;<owner tag>} (and the edges to it
 * in that piece with it), so the newest owner keeps the plain id and each earlier owner gets a
 * node of its own. Rendering the merge then gives the edges that rendering each piece alone gives.
 * The result depends on the pieces' order, not on how they were grouped into roll-ups, up to
 * which earlier owner's node holds an edge.
 */
public final class EndpointOwners {
  /** Latest key on an endpoint: the pod its address belonged to in the piece it came from. */
  public static final String POD = "scopeline_pod_owner";
  /** Latest key on an endpoint: the container its address (or host port) belonged to in its piece. */
  public static final String CONTAINER = "scopeline_container_owner";
  /** Latest key on an endpoint: the process node its pid named in its piece. */
  public static final String PROCESS = "scopeline_process_owner";

  private EndpointOwners() {}

  /** Merges pieces given oldest first, keeping endpoints of different owners apart. */
  public static Report merge(List<Report> oldestFirst) {
    Merger m = new Merger();
    for (int i = oldestFirst.size() - 1; i >= 0; i--) {
      m.addOlder(oldestFirst.get(i));
    }
    return m.build();
  }

  /**
   * A merge of pieces handed over newest first, one at a time, so memory holds the merge and not
   * the pieces (a day of raw quanta is tens of thousands). Merging is commutative but for the
   * result's ID, which is that of {@link Reports#merge} of the pieces oldest first.
   */
  public static final class Merger {
    private final ReportAccumulator merged = new ReportAccumulator(Report.withDefaults());
    private final Map<String, Owner> newest = new HashMap<>();
    private final Map<String, ProcessOwner> newestProcesses = new HashMap<>();
    private final ArrayDeque<String> ids = new ArrayDeque<>();

    /** Merges in a piece older than every piece added before. */
    public Merger addOlder(Report piece) {
      Report annotated = annotate(piece);
      Map<String, String> processRenames = new HashMap<>();
      KeyedMap<Node> processes = annotated.topology(TopologyType.PROCESS).nodes();
      for (int j = 0; j < processes.size(); j++) {
        String id = processes.keyAt(j);
        ProcessOwner owner = ProcessOwner.of(processes.valueAt(j));
        ProcessOwner later = newestProcesses.putIfAbsent(id, owner);
        if (later != null && later.conflictsWith(owner)) {
          processRenames.put(id, id + ";" + owner.tag());
        } else if (later != null) {
          newestProcesses.put(id, later.orElse(owner));
        }
      }
      Map<String, String> renames = new HashMap<>();
      KeyedMap<Node> endpoints = annotated.topology(TopologyType.ENDPOINT).nodes();
      for (int j = 0; j < endpoints.size(); j++) {
        String id = endpoints.keyAt(j);
        Owner owner = Owner.of(endpoints.valueAt(j), processRenames);
        if (owner.unknown()) {
          continue;
        }
        Owner later = newest.get(id);
        if (later == null) {
          newest.put(id, owner);
        } else if (later.conflictsWith(owner)) {
          renames.put(id, id + ";" + owner.tag());
        } else {
          newest.put(id, later.orElse(owner));
        }
      }
      merged.add(renames.isEmpty() && processRenames.isEmpty() ? annotated
          : renamed(annotated, renames, processRenames));
      ids.addFirst(piece.id());
      return this;
    }

    /** The merge of every piece added. */
    public Report build() {
      return merged.build().withId(Reports.mergedId(ids));
    }
  }

  /**
   * {@code piece} with each endpoint that does not say so yet carrying the pod and the container
   * its address belongs to within the piece, where exactly one does.
   */
  public static Report annotate(Report piece) {
    KeyedMap<Node> endpoints = piece.topology(TopologyType.ENDPOINT).nodes();
    if (endpoints.isEmpty()) {
      return piece;
    }
    Topologies.IpOwners pods = owners(piece, TopologyType.POD, Topologies::pod2Ips);
    Topologies.IpOwners containers = owners(piece, TopologyType.CONTAINER, Topologies::container2Ips);
    KeyedMap<Node> processes = piece.topology(TopologyType.PROCESS).nodes();
    if (pods == null && containers == null && processes.isEmpty()) {
      return piece;
    }
    KeyedMap.Builder<Node> out = KeyedMap.builder(endpoints.size());
    boolean changed = false;
    for (int i = 0; i < endpoints.size(); i++) {
      Node n = endpoints.valueAt(i);
      Node annotated = withProcess(withOwner(withOwner(n, POD, pods), CONTAINER, containers), processes);
      changed |= annotated != n;
      out.put(endpoints.keyAt(i), annotated);
    }
    return changed
        ? piece.withTopology(TopologyType.ENDPOINT, piece.topology(TopologyType.ENDPOINT).withNodes(out.build()))
        : piece;
  }

  private static Topologies.IpOwners owners(Report piece, TopologyType type,
      java.util.function.Function<RNode, List<String>> toIps) {
    KeyedMap<Node> nodes = piece.topology(type).nodes();
    if (nodes.isEmpty()) {
      return null;
    }
    List<RNode> targets = new ArrayList<>(nodes.size());
    nodes.forEach((id, n) -> targets.add(RNode.of(n)));
    return new Topologies.IpOwners(targets, toIps);
  }

  private static Node withOwner(Node n, String key, Topologies.IpOwners owners) {
    if (owners == null || n.latest().containsKey(key)) {
      return n;
    }
    String owner = owners.owner(n.id());
    // The endpoint's own newest time, so the same piece annotates the same way every time.
    return owner == null ? n : n.withLatest(key, n.latest().newestTimestamp(), owner);
  }

  private static Node withProcess(Node n, KeyedMap<Node> processes) {
    String host = n.latest().get(Keys.HOST_NODE_ID);
    String pid = n.latest().get(Keys.PID);
    if (host == null || pid == null || n.latest().containsKey(PROCESS)) {
      return n;
    }
    String process = Ids.firstPart(host) + ";" + pid;
    return processes.containsKey(process) ? n.withLatest(PROCESS, n.latest().newestTimestamp(), process) : n;
  }

  /**
   * {@code piece} with endpoints and processes renamed, and every edge, NAT copy and process
   * owner that names them.
   */
  private static Report renamed(Report piece, Map<String, String> renames, Map<String, String> processRenames) {
    KeyedMap<Node> endpoints = piece.topology(TopologyType.ENDPOINT).nodes();
    KeyedMap.Builder<Node> out = KeyedMap.builder(endpoints.size());
    for (int i = 0; i < endpoints.size(); i++) {
      Node n = endpoints.valueAt(i);
      String id = renames.getOrDefault(endpoints.keyAt(i), endpoints.keyAt(i));
      Node r = n;
      if (!id.equals(n.id())) {
        // An earlier owner's endpoint joins what it joined in its own time or nothing, never a
        // pod or container that holds its address elsewhere in the window.
        r = n.withId(id);
        for (String key : new String[] {POD, CONTAINER, PROCESS}) {
          if (!r.latest().containsKey(key)) {
            r = r.withLatest(key, r.latest().newestTimestamp(), "");
          }
        }
      }
      r = r.withAdjacency(renamedSet(r.adjacency(), renames));
      String copyOf = r.latest().get(Keys.COPY_OF);
      if (copyOf != null && renames.containsKey(copyOf)) {
        r = r.withLatest(r.latest().with(Keys.COPY_OF, r.latest().timestamp(Keys.COPY_OF), renames.get(copyOf)));
      }
      String process = r.latest().get(PROCESS);
      if (process != null && processRenames.containsKey(process)) {
        r = r.withLatest(r.latest().with(PROCESS, r.latest().timestamp(PROCESS), processRenames.get(process)));
      }
      out.put(id, r);
    }
    Report result =
        piece.withTopology(TopologyType.ENDPOINT, piece.topology(TopologyType.ENDPOINT).withNodes(out.build()));
    if (processRenames.isEmpty()) {
      return result;
    }
    KeyedMap<Node> processes = piece.topology(TopologyType.PROCESS).nodes();
    KeyedMap.Builder<Node> renamedProcesses = KeyedMap.builder(processes.size());
    processes.forEach((id, n) -> {
      String to = processRenames.get(id);
      renamedProcesses.put(to == null ? id : to, to == null ? n : n.withId(to));
    });
    return result.withTopology(TopologyType.PROCESS,
        piece.topology(TopologyType.PROCESS).withNodes(renamedProcesses.build()));
  }

  private static StringSet renamedSet(StringSet ids, Map<String, String> renames) {
    List<String> out = null;
    for (int i = 0; i < ids.size(); i++) {
      String to = renames.get(ids.get(i));
      if (to != null && out == null) {
        out = new ArrayList<>(ids.asList());
      }
      if (to != null) {
        out.set(i, to);
      }
    }
    return out == null ? ids : StringSet.of(out);
  }

  /** What is known of who held an endpoint: each part null when unknown. */
  private record Owner(String host, String pid, String pod, String container, String process) {
    /** The endpoint's owner, its process as renamed in its piece. */
    static Owner of(Node n, Map<String, String> processRenames) {
      LatestMap l = n.latest();
      String process = l.get(PROCESS);
      return new Owner(l.get(Keys.HOST_NODE_ID), l.get(Keys.PID), l.get(POD), l.get(CONTAINER),
          process == null ? null : processRenames.getOrDefault(process, process));
    }

    boolean unknown() {
      return host == null && pid == null && pod == null && container == null && process == null;
    }

    boolean conflictsWith(Owner o) {
      return differ(host, o.host) || differ(pid, o.pid) || differ(pod, o.pod) || differ(container, o.container)
          || differ(process, o.process);
    }

    /** This owner, with what {@code o} knows and this does not. */
    Owner orElse(Owner o) {
      return new Owner(or(host, o.host), or(pid, o.pid), or(pod, o.pod), or(container, o.container),
          or(process, o.process));
    }

    String tag() {
      return EndpointOwners.tag(host, pid, pod, container, process);
    }
  }

  /** What is known of the process a node {@code <host>;<pid>} was: a pid reused on a host is another process. */
  private record ProcessOwner(String container, String name) {
    static ProcessOwner of(Node n) {
      return new ProcessOwner(n.latest().get(Keys.CONTAINER_ID), n.latest().get(Keys.NAME));
    }

    boolean conflictsWith(ProcessOwner o) {
      return differ(container, o.container) || differ(name, o.name);
    }

    ProcessOwner orElse(ProcessOwner o) {
      return new ProcessOwner(or(container, o.container), or(name, o.name));
    }

    String tag() {
      return EndpointOwners.tag(container, name);
    }
  }

  private static boolean differ(String a, String b) {
    return a != null && b != null && !a.equals(b);
  }

  private static String or(String a, String b) {
    return a != null ? a : b;
  }

  /** A short name of an owner: 12 hex digits of a 64-bit FNV-1a hash of what is known of it. */
  private static String tag(String... parts) {
    long hash = 0xcbf29ce484222325L;
    for (String part : parts) {
      byte[] bytes = (part == null ? "\u0000" : part + "\u0001").getBytes(StandardCharsets.UTF_8);
      for (byte b : bytes) {
        hash ^= b & 0xff;
        hash *= 0x100000001b3L;
      }
    }
    return String.format("%012x", hash >>> 16);
  }
}
