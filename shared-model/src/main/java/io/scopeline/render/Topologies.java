package io.scopeline.render;

import static io.scopeline.render.Render.filter;
import static io.scopeline.render.Render.map;
import static io.scopeline.render.Render.mapRewritingInPlace;
import static io.scopeline.render.Render.memo;
import static io.scopeline.render.Render.reduce;
import static io.scopeline.render.Render.select;
import static io.scopeline.render.Render.when;

import io.scopeline.model.StringSet;
import io.scopeline.model.TopologyType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The renderer of every topology the API offers, composed the way Scope composes them. */
public final class Topologies {
  static final String ENDPOINT = TopologyType.ENDPOINT.internalName();
  static final String PROCESS = TopologyType.PROCESS.internalName();
  static final String CONTAINER = TopologyType.CONTAINER.internalName();
  static final String IMAGE = TopologyType.CONTAINER_IMAGE.internalName();
  static final String POD = TopologyType.POD.internalName();
  static final String HOST = TopologyType.HOST.internalName();

  private static final Pattern PORT_MAPPING =
      Pattern.compile("([0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}):([0-9]+)->([0-9]+)/tcp");

  private Topologies() {}

  static final Renderer ENDPOINTS = select(TopologyType.ENDPOINT);

  /** Endpoints joined onto processes by (host, pid). */
  static final Renderer PROCESSES = memo(when(ctx -> !ctx.report().topology(TopologyType.PROCESS).nodes().isEmpty(),
      ctx -> {
        Map<String, RNode> endpoints = ENDPOINTS.render(ctx).nodes();
        return Render.mapEndpoints(n -> {
          String pid = n.get(Keys.PID);
          if (pid == null || hasMoreThanOneConnection(n, endpoints)) {
            return null;
          }
          // The process the pid named in the endpoint's own time, where a long window says so.
          String owner = n.get(EndpointOwners.PROCESS);
          if (owner != null) {
            return owner;
          }
          String host = Ids.hostId(n);
          return host.isEmpty() ? null : host + ";" + pid;
        }, TopologyType.PROCESS, ENDPOINTS, select(TopologyType.PROCESS)).render(ctx);
      }));

  /** Processes marked with whether they have edges, which the container view passes on. */
  static final Renderer COLORED_PROCESSES = memo(Render.custom(Topologies::colorConnected, PROCESSES));

  static final Renderer PROCESS_NAMES = processNames(PROCESSES);

  /**
   * The process view as Scope's topology listing sees it: the listing renders containers first,
   * and their rewrite of pass-through nodes' edges in place ({@link InPlaceAdjacency}) has changed
   * the cached process view's lists; an edge it pushed out is gone, an id it pushed in stays, and
   * the colouring of connected nodes makes an empty node for each such id that is no node.
   */
  static final Renderer PROCESSES_AS_LISTED = ctx -> {
    Rendered processes = processesAfterContainers(ctx);
    Map<String, StringSet> rewritten = ctx.rewrittenInPlace();
    if (rewritten.isEmpty()) {
      return processes;
    }
    Map<String, RNode> out = new HashMap<>(processes.nodes());
    for (StringSet adjacency : rewritten.values()) {
      for (String a : adjacency) {
        out.computeIfAbsent(a, x -> RNode.of(x, "").withLatest(Keys.IS_CONNECTED, 0, "true"));
      }
    }
    return new Rendered(out, processes.filtered());
  };

  /** By name: its own rewiring drops the ids that are no process, so no empty nodes. */
  static final Renderer PROCESS_NAMES_AS_LISTED = processNames(Topologies::processesAfterContainers);

  /** The process view with the lists the container view's rewrite left in its nodes. */
  private static Rendered processesAfterContainers(RenderContext ctx) {
    ctx.render(Topologies.CONTAINERS);
    Rendered processes = ctx.render(PROCESSES);
    Map<String, StringSet> rewritten = ctx.rewrittenInPlace();
    if (rewritten.isEmpty()) {
      return processes;
    }
    Map<String, RNode> out = new HashMap<>(processes.nodes());
    rewritten.forEach((id, adjacency) -> out.computeIfPresent(id, (k, n) -> n.withAdjacency(adjacency)));
    return new Rendered(out, processes.filtered());
  }

  private static Renderer processNames(Renderer processesRenderer) {
    return when(ctx -> !ctx.report().topology(TopologyType.PROCESS).nodes().isEmpty(), ctx -> {
        Rendered processes = processesRenderer.render(ctx);
        JoinResults ret = new JoinResults(Map.of());
        for (RNode n : processes.nodes().values()) {
          if (n.isPseudo()) {
            ret.passThrough(n);
            continue;
          }
          int i = n.latest().indexOf(Keys.NAME);
          if (i < 0) {
            continue;
          }
          String name = n.latest().valueAt(i);
          long ts = n.latest().timestampAt(i);
          ret.addChild(n, name, id -> RNode.of(id, Ids.groupTopology(PROCESS, Keys.NAME)).withLatest(Keys.NAME, ts, id),
              true);
        }
        return ret.result(processes.nodes());
      });
  }

  static final Renderer CONTAINERS = memo(filter(n -> !"deleted".equals(n.get(Keys.CONTAINER_STATE)),
      reduce(mapRewritingInPlace(Topologies::process2Container, COLORED_PROCESSES),
          connectionJoin(Topologies::container2Ips, TopologyType.CONTAINER, EndpointOwners.CONTAINER))));

  /** Containers with their image's name, size and role, and the image parent by name. */
  static final Renderer CONTAINERS_WITH_IMAGE_NAMES = memo(ctx -> {
    Rendered containers = CONTAINERS.render(ctx);
    Map<String, RNode> images = select(TopologyType.CONTAINER_IMAGE).render(ctx).nodes();
    Map<String, RNode> out = new HashMap<>(containers.nodes());
    out.replaceAll((id, c) -> {
      String imageId = c.get(Keys.IMAGE_ID);
      RNode image = imageId == null ? null : images.get(imageId + ";<container_image>");
      String imageName = image == null ? null : image.get(Keys.IMAGE_NAME);
      if (imageName == null) {
        return c;
      }
      // The Scope app whose answers the fixtures hold shows the image's tag in container details too.
      RNode withImage = c.withLatestFrom(image, Keys.IMAGE_NAME).withLatestFrom(image, Keys.IMAGE_TAG)
          .withLatestFrom(image, Keys.IMAGE_SIZE).withLatestFrom(image, Keys.IMAGE_VIRTUAL_SIZE)
          .withLatestFrom(image, Keys.IMAGE_LABEL_PREFIX + "works.weave.role");
      String byName = Ids.imageNameWithoutVersion(imageName) + ";<container_image>";
      return withImage.withParents(withImage.parents().with(IMAGE, StringSet.of(byName)));
    });
    return new Rendered(out, containers.filtered());
  });

  static final Renderer CONTAINER_IMAGES = memo(filter(hasChildren(CONTAINER),
      map(Topologies::image2Name, reduce(map(Topologies::container2Image, CONTAINERS_WITH_IMAGE_NAMES),
          select(TopologyType.CONTAINER_IMAGE)))));

  static final Renderer CONTAINER_HOSTNAMES = filter(hasChildren(CONTAINER),
      map(Topologies::container2Hostname, CONTAINERS_WITH_IMAGE_NAMES));

  private static final Predicate<RenderContext> HAS_KUBERNETES = ctx -> {
    for (TopologyType t : new TopologyType[] {TopologyType.POD, TopologyType.SERVICE, TopologyType.DEPLOYMENT,
        TopologyType.DAEMON_SET, TopologyType.STATEFUL_SET, TopologyType.CRON_JOB, TopologyType.JOB}) {
      if (!ctx.report().topology(t).nodes().isEmpty()) {
        return true;
      }
    }
    return false;
  };

  static final Renderer PODS = memo(when(HAS_KUBERNETES, Render.custom(Topologies::podHostsFromChildren,
      filter(n -> !"deleted".equals(n.get(Keys.K8S_STATE)) && !"Failed".equals(n.get(Keys.K8S_STATE)),
          reduce(propagateSingleMetrics(CONTAINER,
                  map(map2Parent(List.of(POD), Ids.UNMANAGED_PREFIX),
                      filter(n -> Filters.isRunning(n) && !Filters.isPauseContainer(n), CONTAINERS_WITH_IMAGE_NAMES))),
              connectionJoin(Topologies::pod2Ips, TopologyType.POD, EndpointOwners.POD),
              Volumes.RENDERER)))));

  static final Renderer SERVICES = when(HAS_KUBERNETES,
      renderParents(POD, List.of(TopologyType.SERVICE), null, PODS));

  static final Renderer KUBE_CONTROLLERS = when(HAS_KUBERNETES, renderParents(POD, List.of(TopologyType.DEPLOYMENT,
      TopologyType.DAEMON_SET, TopologyType.STATEFUL_SET, TopologyType.CRON_JOB, TopologyType.JOB),
      Ids.UNMANAGED_PREFIX, PODS));

  static final Renderer HOSTS = memo(reduce(
      Render.mapEndpoints(n -> Ids.hostId(n).isEmpty() ? null : Ids.hostId(n) + ";<host>", TopologyType.HOST, ENDPOINTS, ctx -> Rendered.EMPTY),
      map(Topologies::x2Host, COLORED_PROCESSES),
      map(Topologies::x2Host, CONTAINERS),
      // An image's edges are those of its containers on every host it runs on: mapped to hosts
      // they would join hosts whose containers never talked (Scope adds images to hosts as
      // children only).
      Render.mapWithoutEdges(Topologies::x2Host, CONTAINER_IMAGES),
      map(Topologies::x2Host, PODS),
      select(TopologyType.HOST)));

  /** Weave peers; Docker's overlay peers are mapped away, not filtered, so they count as no filtered nodes (Scope). */
  static final Renderer WEAVE = map(n -> n.id().startsWith("#docker_peer_") ? List.of() : List.of(n),
      select(TopologyType.OVERLAY));

  static final Renderer ECS_TASKS = when(ctx -> !ctx.report().topology(TopologyType.ECS_TASK).nodes().isEmpty(),
      renderParents(CONTAINER, List.of(TopologyType.ECS_TASK), Ids.UNMANAGED_PREFIX, CONTAINERS_WITH_IMAGE_NAMES));

  static final Renderer ECS_SERVICES = when(ctx -> !ctx.report().topology(TopologyType.ECS_SERVICE).nodes().isEmpty(),
      renderParents(TopologyType.ECS_TASK.internalName(), List.of(TopologyType.ECS_SERVICE), Ids.UNMANAGED_PREFIX,
          ECS_TASKS));

  static final Renderer SWARM_SERVICES =
      when(ctx -> !ctx.report().topology(TopologyType.SWARM_SERVICE).nodes().isEmpty(), renderParents(CONTAINER,
          List.of(TopologyType.SWARM_SERVICE), Ids.UNMANAGED_PREFIX, CONTAINERS_WITH_IMAGE_NAMES));

  // ---- map functions -------------------------------------------------------------------------

  /**
   * A source endpoint connected to several remote endpoints may have been reused by another
   * process, so its pid cannot be trusted; NAT copies of one remote endpoint count once, and so do
   * the holders of one address over a long window ({@link EndpointOwners}).
   */
  private static boolean hasMoreThanOneConnection(RNode n, Map<String, RNode> endpoints) {
    if (n.adjacency().size() < 2) {
      return false;
    }
    String first = null;
    for (String id : n.adjacency()) {
      RNode ep = endpoints.get(id);
      String copyOf = ep == null ? null : ep.get(Keys.COPY_OF);
      String real = Ids.untaggedEndpoint(copyOf != null ? copyOf : id);
      if (first == null) {
        first = real;
      } else if (!first.equals(real)) {
        return true;
      }
    }
    return false;
  }

  static Rendered colorConnected(Rendered in) {
    var connected = Filters.connected(in.nodes());
    if (connected.isEmpty()) {
      return in;
    }
    Map<String, RNode> out = new HashMap<>(in.nodes());
    for (String id : connected) {
      out.computeIfPresent(id, (k, n) -> n.withLatest(Keys.IS_CONNECTED, 0, "true"));
    }
    return new Rendered(out, in.filtered());
  }

  private static List<RNode> process2Container(RNode n) {
    if (n.isPseudo()) {
      return List.of(n);
    }
    String containerId = n.get(Keys.CONTAINER_ID);
    if (containerId != null) {
      return List.of(RNode.derived(containerId + ";<container>", CONTAINER, n));
    }
    RNode u = RNode.derived(Ids.UNCONTAINED_PREFIX + Ids.hostId(n), Ids.PSEUDO, n)
        .withLatestFrom(n, Keys.HOST_NODE_ID).withLatestFrom(n, Keys.IS_CONNECTED);
    return List.of(u);
  }

  private static List<RNode> container2Image(RNode n) {
    if (n.isPseudo()) {
      return List.of(n);
    }
    int i = n.latest().indexOf(Keys.IMAGE_ID);
    if (i < 0) {
      return List.of();
    }
    String imageId = n.latest().valueAt(i);
    RNode image = RNode.derived(imageId + ";<container_image>", IMAGE, n)
        .withLatest(Keys.IMAGE_ID, n.latest().timestampAt(i), imageId).addCounter(n.topology(), 1);
    return List.of(image);
  }

  private static List<RNode> image2Name(RNode n) {
    if (n.isPseudo()) {
      return List.of(n);
    }
    String name = n.get(Keys.IMAGE_NAME);
    if (name == null) {
      return List.of();
    }
    String id = Ids.imageNameWithoutVersion(name) + ";<container_image>";
    return List.of(n.withId(id));
  }

  private static List<RNode> container2Hostname(RNode n) {
    if (n.isPseudo()) {
      return List.of(n);
    }
    int i = n.latest().indexOf(Keys.CONTAINER_HOSTNAME);
    if (i < 0) {
      return List.of();
    }
    String hostname = n.latest().valueAt(i);
    RNode group = RNode.derived(hostname, Ids.groupTopology(CONTAINER, Keys.CONTAINER_HOSTNAME), n)
        .withLatest(Keys.CONTAINER_HOSTNAME, n.latest().timestampAt(i), hostname).addCounter(n.topology(), 1);
    return List.of(group);
  }

  private static List<RNode> x2Host(RNode n) {
    if (n.isPseudo()) {
      return List.of();
    }
    StringSet hosts = n.parents().get(HOST);
    if (hosts == null) {
      return List.of();
    }
    List<RNode> out = new ArrayList<>(hosts.size());
    for (String id : hosts) {
      out.add(RNode.of(id, HOST).withChildren(Map.of(n.id(), n)).addCounter(n.topology(), 1));
    }
    return out;
  }

  /** Maps nodes to their parents in {@code parentTopologies}; parentless nodes to a pseudo node per host, or drops them. */
  private static Function<RNode, Collection<RNode>> map2Parent(List<String> parentTopologies, String noParentPrefix) {
    return n -> {
      if (noParentPrefix != null && n.id().startsWith(Ids.UNCONTAINED_PREFIX)) {
        return List.of(RNode.derived(noParentPrefix + Ids.hostId(n), Ids.PSEUDO, n));
      }
      if (n.isPseudo()) {
        return List.of(n);
      }
      List<RNode> out = new ArrayList<>();
      for (String topology : parentTopologies) {
        StringSet ids = n.parents().get(topology);
        if (ids == null) {
          continue;
        }
        for (String id : ids) {
          out.add(RNode.derived(id, topology, n).addCounter(n.topology(), 1));
        }
      }
      if (out.isEmpty() && noParentPrefix != null) {
        out.add(RNode.derived(noParentPrefix + Ids.hostId(n), Ids.PSEUDO, n));
      }
      return out;
    };
  }

  private static Renderer renderParents(String childTopology, List<TopologyType> parents, String noParentPrefix,
      Renderer children) {
    List<String> names = parents.stream().map(TopologyType::internalName).toList();
    Renderer[] parts = new Renderer[parents.size() + 1];
    for (int i = 0; i < parents.size(); i++) {
      parts[i] = select(parents.get(i));
    }
    parts[parents.size()] = propagateSingleMetrics(childTopology, map(map2Parent(names, noParentPrefix), children));
    return reduce(parts);
  }

  /** A node with exactly one child of {@code topology} shows that child's metrics. */
  private static Renderer propagateSingleMetrics(String topology, Renderer input) {
    return Render.custom(in -> {
      Map<String, RNode> out = new HashMap<>(in.nodes());
      out.replaceAll((id, n) -> {
        RNode only = null;
        int count = 0;
        for (RNode child : n.children().values()) {
          if (topology.equals(child.topology())) {
            only = child;
            count++;
          }
        }
        return count == 1 ? n.withMetrics(only.metrics()) : n;
      });
      return new Rendered(out, in.filtered());
    }, input);
  }

  /** Pods the probe reported without a host take the hosts of their containers. */
  private static Rendered podHostsFromChildren(Rendered in) {
    Map<String, RNode> out = new HashMap<>(in.nodes());
    out.replaceAll((id, n) -> {
      if (!POD.equals(n.topology()) || n.parents().containsKey(HOST)) {
        return n;
      }
      StringSet hosts = StringSet.EMPTY;
      for (RNode child : n.children().values()) {
        hosts = hosts.merge(child.parents().getOrDefault(HOST, StringSet.EMPTY));
      }
      return hosts.isEmpty() ? n : n.withParents(n.parents().with(HOST, hosts));
    });
    return new Rendered(out, in.filtered());
  }

  private static Predicate<RNode> hasChildren(String topology) {
    return n -> n.children().values().stream().anyMatch(c -> topology.equals(c.topology()));
  }

  // ---- IP joins ------------------------------------------------------------------------------

  /**
   * Joins endpoints onto the nodes of {@code topology} whose IPs (or host:port mappings) they carry.
   * An endpoint that carries the owner it had in its own time ({@code ownerKey}, set by
   * {@link EndpointOwners} when pieces of a long window are merged) joins that owner or nothing:
   * the window's IPs may name a later holder of the address.
   */
  private static Renderer connectionJoin(Function<RNode, List<String>> toIps, TopologyType topology,
      String ownerKey) {
    Renderer targets = select(topology);
    return ctx -> {
      Map<String, RNode> nodes = targets.render(ctx).nodes();
      IpOwners byIp = new IpOwners(nodes.values(), toIps);
      return Render.mapEndpoints(m -> {
        String owner = m.get(ownerKey);
        if (owner != null) {
          return nodes.containsKey(owner) ? owner : null;
        }
        return byIp.owner(m.id());
      }, topology, ENDPOINTS, targets).render(ctx);
    };
  }

  /** Which node of a topology an endpoint's address belongs to, by the IPs and port mappings the nodes carry. */
  static final class IpOwners {
    private final Map<String, String> byIp = new HashMap<>();

    IpOwners(Collection<RNode> targets, Function<RNode, List<String>> toIps) {
      for (RNode n : targets) {
        for (String ip : toIps.apply(n)) {
          byIp.merge(ip, n.id(), (a, b) -> ""); // an IP shared by several nodes says nothing
        }
      }
    }

    /** The id of the one node holding the endpoint's address (or its host:port), or null. */
    String owner(String endpointId) {
      String[] p = Ids.parseEndpoint(endpointId);
      if (p == null) {
        return null;
      }
      String id = byIp.get(Ids.scopedEndpoint(p[0], p[1], ""));
      if (id == null) {
        id = byIp.get(Ids.scopedEndpoint(p[0], p[1], p[2]));
      }
      return id == null || id.isEmpty() ? null : id;
    }
  }

  static List<String> container2Ips(RNode m) {
    if (m.get(Keys.DOES_NOT_MAKE_CONNECTIONS) != null || m.get(Keys.CONTAINER_IN_HOST_NETWORK) != null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String scoped : m.sets().getOrDefault(Keys.CONTAINER_IPS_WITH_SCOPES, StringSet.EMPTY)) {
      int semi = scoped.indexOf(';');
      if (semi < 0) {
        continue;
      }
      String scope = scoped.substring(0, semi);
      String addr = scoped.substring(semi + 1);
      if (isLoopback(addr)) {
        continue;
      }
      out.add(Ids.scopedEndpoint(scope, addr, ""));
    }
    for (String mapping : m.sets().getOrDefault(Keys.CONTAINER_PORTS, StringSet.EMPTY)) {
      Matcher pm = PORT_MAPPING.matcher(mapping);
      if (pm.find()) {
        out.add(Ids.scopedEndpoint("", pm.group(1), pm.group(2)));
      }
    }
    return out;
  }

  private static boolean isLoopback(String addr) {
    return addr.startsWith("127.") || addr.equals("::1");
  }

  static List<String> pod2Ips(RNode m) {
    if (m.get(Keys.K8S_IN_HOST_NETWORK) != null) {
      return List.of();
    }
    String ip = m.get(Keys.K8S_IP);
    return ip == null ? List.of() : List.of(Ids.scopedEndpoint("", ip, ""));
  }
}
