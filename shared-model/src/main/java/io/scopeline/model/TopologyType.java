package io.scopeline.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 23 report topologies in Scope's canonical order, with the wire key (report field name), the
 * internal name (used in node topology, parents and counters) and the shape and labels Scope presets.
 */
public enum TopologyType {
  ENDPOINT("Endpoint", "endpoint", "", "", "", ""),
  PROCESS("Process", "process", "square", "", "process", "processes"),
  CONTAINER("Container", "container", "hexagon", "", "container", "containers"),
  CONTAINER_IMAGE("ContainerImage", "container_image", "hexagon", "", "image", "images"),
  POD("Pod", "pod", "heptagon", "", "pod", "pods"),
  SERVICE("Service", "service", "heptagon", "", "service", "services"),
  DEPLOYMENT("Deployment", "deployment", "heptagon", "", "deployment", "deployments"),
  REPLICA_SET("ReplicaSet", "replica_set", "triangle", "", "replica set", "replica sets"),
  DAEMON_SET("DaemonSet", "daemon_set", "pentagon", "", "daemonset", "daemonsets"),
  STATEFUL_SET("StatefulSet", "stateful_set", "octagon", "", "stateful set", "stateful sets"),
  CRON_JOB("CronJob", "cron_job", "triangle", "", "cron job", "cron jobs"),
  NAMESPACE("Namespace", "namespace", "", "", "", ""),
  HOST("Host", "host", "circle", "", "host", "hosts"),
  OVERLAY("Overlay", "overlay", "circle", "", "peer", "peers"),
  ECS_TASK("ECSTask", "ecs_task", "heptagon", "", "task", "tasks"),
  ECS_SERVICE("ECSService", "ecs_service", "heptagon", "", "service", "services"),
  SWARM_SERVICE("SwarmService", "swarm_service", "heptagon", "", "service", "services"),
  PERSISTENT_VOLUME("PersistentVolume", "persistent_volume", "cylinder", "", "persistent volume", "persistent volumes"),
  PERSISTENT_VOLUME_CLAIM("PersistentVolumeClaim", "persistent_volume_claim", "dottedcylinder", "",
      "persistent volume claim", "persistent volume claims"),
  STORAGE_CLASS("StorageClass", "storage_class", "sheet", "", "storage class", "storage classes"),
  VOLUME_SNAPSHOT("VolumeSnapshot", "volume_snapshot", "dottedcylinder", "camera", "volume snapshot",
      "volume snapshots"),
  VOLUME_SNAPSHOT_DATA("VolumeSnapshotData", "volume_snapshot_data", "cylinder", "camera", "volume snapshot data",
      "volume snapshot data"),
  JOB("Job", "job", "dottedtriangle", "", "job", "jobs");

  private static final TopologyType[] ALL = values();
  private static final Map<String, TopologyType> BY_WIRE_KEY = new HashMap<>();
  private static final Map<String, TopologyType> BY_NAME = new HashMap<>();

  static {
    for (TopologyType t : ALL) {
      BY_WIRE_KEY.put(t.wireKey, t);
      BY_NAME.put(t.internalName, t);
    }
  }

  private final String wireKey;
  private final String internalName;
  private final String defaultShape;
  private final String defaultTag;
  private final String defaultLabel;
  private final String defaultLabelPlural;

  TopologyType(String wireKey, String internalName, String shape, String tag, String label, String labelPlural) {
    this.wireKey = wireKey;
    this.internalName = internalName;
    this.defaultShape = shape;
    this.defaultTag = tag;
    this.defaultLabel = label;
    this.defaultLabelPlural = labelPlural;
  }

  /** All topologies in canonical order. */
  public static List<TopologyType> all() {
    return List.of(ALL);
  }

  static TopologyType[] allArray() {
    return ALL;
  }

  /** The topology whose report field is {@code key} (e.g. "Endpoint"), or null. */
  public static TopologyType byWireKey(String key) {
    return BY_WIRE_KEY.get(key);
  }

  /** The topology with internal name {@code name} (e.g. "endpoint"), or null. */
  public static TopologyType byName(String name) {
    return BY_NAME.get(name);
  }

  public String wireKey() {
    return wireKey;
  }

  public String internalName() {
    return internalName;
  }

  /** An empty topology with the shape, tag and labels Scope's MakeReport presets. */
  public Topology defaultTopology() {
    return Topology.EMPTY.withShape(defaultShape).withTag(defaultTag).withLabels(defaultLabel, defaultLabelPlural);
  }
}
