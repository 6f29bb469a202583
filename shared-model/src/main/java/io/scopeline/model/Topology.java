package io.scopeline.model;

import java.util.Objects;

/** The nodes of one kind in a report, with their presentation (shape, labels) and templates. */
public final class Topology {
  public static final Topology EMPTY = new Topology("", "", "", "", KeyedMap.empty(), KeyedMap.empty(),
      KeyedMap.empty(), KeyedMap.empty(), KeyedMap.empty());

  private final String shape;
  private final String tag;
  private final String label;
  private final String labelPlural;
  private final KeyedMap<Node> nodes;
  private final KeyedMap<Control> controls;
  private final KeyedMap<MetadataTemplate> metadataTemplates;
  private final KeyedMap<MetricTemplate> metricTemplates;
  private final KeyedMap<TableTemplate> tableTemplates;

  public Topology(String shape, String tag, String label, String labelPlural, KeyedMap<Node> nodes,
      KeyedMap<Control> controls, KeyedMap<MetadataTemplate> metadataTemplates,
      KeyedMap<MetricTemplate> metricTemplates, KeyedMap<TableTemplate> tableTemplates) {
    this.shape = Control.nz(shape);
    this.tag = Control.nz(tag);
    this.label = Control.nz(label);
    this.labelPlural = Control.nz(labelPlural);
    this.nodes = nodes == null ? KeyedMap.empty() : nodes;
    this.controls = controls == null ? KeyedMap.empty() : controls;
    this.metadataTemplates = metadataTemplates == null ? KeyedMap.empty() : metadataTemplates;
    this.metricTemplates = metricTemplates == null ? KeyedMap.empty() : metricTemplates;
    this.tableTemplates = tableTemplates == null ? KeyedMap.empty() : tableTemplates;
  }

  public String shape() {
    return shape;
  }

  public String tag() {
    return tag;
  }

  public String label() {
    return label;
  }

  public String labelPlural() {
    return labelPlural;
  }

  public KeyedMap<Node> nodes() {
    return nodes;
  }

  public KeyedMap<Control> controls() {
    return controls;
  }

  public KeyedMap<MetadataTemplate> metadataTemplates() {
    return metadataTemplates;
  }

  public KeyedMap<MetricTemplate> metricTemplates() {
    return metricTemplates;
  }

  public KeyedMap<TableTemplate> tableTemplates() {
    return tableTemplates;
  }

  public boolean isEmpty() {
    return equals(EMPTY);
  }

  public Topology withShape(String s) {
    return new Topology(s, tag, label, labelPlural, nodes, controls, metadataTemplates, metricTemplates, tableTemplates);
  }

  public Topology withTag(String t) {
    return new Topology(shape, t, label, labelPlural, nodes, controls, metadataTemplates, metricTemplates, tableTemplates);
  }

  public Topology withLabels(String l, String plural) {
    return new Topology(shape, tag, l, plural, nodes, controls, metadataTemplates, metricTemplates, tableTemplates);
  }

  public Topology withNodes(KeyedMap<Node> n) {
    return n == nodes ? this
        : new Topology(shape, tag, label, labelPlural, n, controls, metadataTemplates, metricTemplates, tableTemplates);
  }

  /** Adds a node, merging it into an existing node with the same id. */
  public Topology withNode(Node node) {
    Node existing = nodes.get(node.id());
    return withNodes(nodes.with(node.id(), existing == null ? node : existing.merge(node)));
  }

  public Topology withControls(KeyedMap<Control> c) {
    return new Topology(shape, tag, label, labelPlural, nodes, c, metadataTemplates, metricTemplates, tableTemplates);
  }

  public Topology withMetadataTemplates(KeyedMap<MetadataTemplate> m) {
    return new Topology(shape, tag, label, labelPlural, nodes, controls, m, metricTemplates, tableTemplates);
  }

  public Topology withMetricTemplates(KeyedMap<MetricTemplate> m) {
    return new Topology(shape, tag, label, labelPlural, nodes, controls, metadataTemplates, m, tableTemplates);
  }

  public Topology withTableTemplates(KeyedMap<TableTemplate> t) {
    return new Topology(shape, tag, label, labelPlural, nodes, controls, metadataTemplates, metricTemplates, t);
  }

  /**
   * Scope's topology merge: shape, tag and labels keep this side's value unless empty; nodes merge
   * by id; controls are a union (the other side's control replaces one with the same id); metadata
   * and metric templates keep the higher priority; table templates merge field-wise.
   */
  public Topology merge(Topology other) {
    if (other == this || other == EMPTY) {
      return this;
    }
    if (this == EMPTY) {
      return other;
    }
    String s = shape.isEmpty() ? other.shape : shape;
    String t = tag.isEmpty() ? other.tag : tag;
    boolean takeLabels = label.isEmpty();
    String l = takeLabels ? other.label : label;
    String lp = takeLabels ? other.labelPlural : labelPlural;
    KeyedMap<Node> n = nodes.merge(other.nodes, Node::merge);
    KeyedMap<Control> c = controls.merge(other.controls, (a, b) -> b);
    KeyedMap<MetadataTemplate> md = metadataTemplates.merge(other.metadataTemplates, MetadataTemplate::merge);
    KeyedMap<MetricTemplate> mt = metricTemplates.merge(other.metricTemplates, MetricTemplate::merge);
    KeyedMap<TableTemplate> tt = tableTemplates.merge(other.tableTemplates, TableTemplate::merge);
    if (s == shape && t == tag && l == label && lp == labelPlural && n == nodes && c == controls
        && md == metadataTemplates && mt == metricTemplates && tt == tableTemplates) {
      return this;
    }
    return new Topology(s, t, l, lp, n, c, md, mt, tt);
  }

  /** This topology without nodes that still lack a topology after merging. */
  public Topology withoutPartMergedNodes() {
    return withNodes(nodes.filter((id, node) -> !node.isPartMerged()));
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof Topology t && shape.equals(t.shape) && tag.equals(t.tag) && label.equals(t.label)
        && labelPlural.equals(t.labelPlural) && nodes.equals(t.nodes) && controls.equals(t.controls)
        && metadataTemplates.equals(t.metadataTemplates) && metricTemplates.equals(t.metricTemplates)
        && tableTemplates.equals(t.tableTemplates);
  }

  @Override
  public int hashCode() {
    return Objects.hash(shape, tag, label, labelPlural, nodes, controls, metadataTemplates, metricTemplates,
        tableTemplates);
  }

  @Override
  public String toString() {
    return "Topology{shape=" + shape + ", label=" + label + ", nodes=" + nodes.size() + "}";
  }
}
