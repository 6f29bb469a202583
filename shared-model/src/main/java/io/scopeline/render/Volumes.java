package io.scopeline.render;

import io.scopeline.model.StringSet;
import io.scopeline.model.TopologyType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes storage in the pods view: storage class → claim → volume → snapshot → snapshot data,
 * and pod → claim, linked by the names the objects carry.
 */
final class Volumes {
  static final String PV = TopologyType.PERSISTENT_VOLUME.internalName();
  static final String PVC = TopologyType.PERSISTENT_VOLUME_CLAIM.internalName();
  static final String STORAGE_CLASS = TopologyType.STORAGE_CLASS.internalName();
  static final String SNAPSHOT = TopologyType.VOLUME_SNAPSHOT.internalName();
  static final String SNAPSHOT_DATA = TopologyType.VOLUME_SNAPSHOT_DATA.internalName();

  private Volumes() {}

  static final Renderer RENDERER = ctx -> {
    Map<String, RNode> out = new HashMap<>();
    for (TopologyType t : new TopologyType[] {TopologyType.PERSISTENT_VOLUME, TopologyType.PERSISTENT_VOLUME_CLAIM,
        TopologyType.STORAGE_CLASS, TopologyType.VOLUME_SNAPSHOT, TopologyType.VOLUME_SNAPSHOT_DATA}) {
      out.putAll(Render.select(t).render(ctx).nodes());
    }
    List<RNode> all = new ArrayList<>(out.values());
    for (RNode from : all) {
      List<String> to = new ArrayList<>();
      String name = from.get(Keys.K8S_NAME);
      for (RNode other : all) {
        if (links(from, name, other)) {
          to.add(other.id());
        }
      }
      if (!to.isEmpty()) {
        out.put(from.id(), from.withAdjacency(from.adjacency().merge(StringSet.of(to))));
      }
    }
    for (RNode pod : Render.select(TopologyType.POD).render(ctx).nodes().values()) {
      String claims = pod.get(Keys.K8S_VOLUME_CLAIM);
      if (claims == null || claims.isEmpty()) {
        continue;
      }
      List<String> to = new ArrayList<>();
      for (String claim : claims.split(Keys.SEPARATOR_REGEX)) {
        for (RNode other : all) {
          if (PVC.equals(other.topology()) && claim.equals(other.get(Keys.K8S_NAME))) {
            to.add(other.id());
          }
        }
      }
      if (!to.isEmpty()) {
        out.put(pod.id(), RNode.of(pod.id(), pod.topology()).withAdjacency(StringSet.of(to)));
      }
    }
    return new Rendered(out, 0);
  };

  private static boolean links(RNode from, String name, RNode to) {
    if (name == null) {
      return false;
    }
    String t = from.topology();
    if (t.equals(STORAGE_CLASS)) {
      return PVC.equals(to.topology()) && name.equals(to.get(Keys.K8S_STORAGE_CLASS_NAME));
    }
    if (t.equals(PVC)) {
      return PV.equals(to.topology()) && equal(from.get(Keys.K8S_VOLUME_NAME), to.get(Keys.K8S_NAME));
    }
    if (t.equals(PV)) {
      return SNAPSHOT.equals(to.topology()) && name.equals(to.get(Keys.K8S_VOLUME_NAME));
    }
    if (t.equals(SNAPSHOT)) {
      return SNAPSHOT_DATA.equals(to.topology()) && name.equals(to.get(Keys.K8S_SNAPSHOT_NAME));
    }
    return false;
  }

  private static boolean equal(String a, String b) {
    return a != null && a.equals(b);
  }
}
