package io.scopeline.render;

import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;

/**
 * A node as the Scope UI lists it (Scope's NodeSummary). A value: two renderings' summaries of a
 * node are equal exactly when the UI would show no change, which is what a WebSocket diff needs.
 * Empty strings, false flags and empty lists are left out of the JSON, as Scope's omitempty does.
 */
public record NodeSummary(String id, String label, String labelMinor, String rank, String shape, String tag,
    boolean stack, boolean pseudo, List<Metadata> metadata, List<Parent> parents, List<Metric> metrics,
    List<Table> tables, List<String> adjacency) implements JsonOut.Writable {

  /** The summary of a node Scope would not summarise but whose details were asked for. */
  static NodeSummary bare(String id) {
    return new NodeSummary(id, "", "", "", "", "", false, false, List.of(), List.of(), List.of(), List.of(),
        List.of());
  }

  @Override
  public void writeJson(JsonGenerator g) {
    g.writeStartObject();
    writeFields(g);
    g.writeEndObject();
  }

  /** The summary's fields without the enclosing object, for details that add their own. */
  void writeFields(JsonGenerator g) {
    g.writeStringProperty("id", id);
    g.writeStringProperty("label", label);
    g.writeStringProperty("labelMinor", labelMinor);
    g.writeStringProperty("rank", rank);
    if (!shape.isEmpty()) {
      g.writeStringProperty("shape", shape);
    }
    if (!tag.isEmpty()) {
      g.writeStringProperty("tag", tag);
    }
    if (stack) {
      g.writeBooleanProperty("stack", true);
    }
    if (pseudo) {
      g.writeBooleanProperty("pseudo", true);
    }
    JsonOut.writeIfNotEmpty(g, "metadata", metadata);
    JsonOut.writeIfNotEmpty(g, "parents", parents);
    JsonOut.writeIfNotEmpty(g, "metrics", metrics);
    JsonOut.writeIfNotEmpty(g, "tables", tables);
    JsonOut.writeIfNotEmpty(g, "adjacency", adjacency);
  }

  /** One metadata row, from the topology's metadata template. */
  public record Metadata(String id, String label, String value, double priority, String dataType, int truncate)
      implements JsonOut.Writable {
    @Override
    public void writeJson(JsonGenerator g) {
      g.writeStartObject();
      g.writeStringProperty("id", id);
      g.writeStringProperty("label", label);
      g.writeStringProperty("value", value);
      if (priority != 0) {
        g.writeNumberProperty("priority", priority);
      }
      if (!dataType.isEmpty()) {
        g.writeStringProperty("dataType", dataType);
      }
      if (truncate != 0) {
        g.writeNumberProperty("truncate", truncate);
      }
      g.writeEndObject();
    }
  }

  /** A parent the node belongs to (its host, pod, image, …) and the API topology that shows it. */
  public record Parent(String id, String label, String topologyId) implements JsonOut.Writable {
    @Override
    public void writeJson(JsonGenerator g) {
      g.writeStartObject();
      g.writeStringProperty("id", id);
      g.writeStringProperty("label", label);
      g.writeStringProperty("topologyId", topologyId);
      g.writeEndObject();
    }
  }

  /**
   * One metric, from the topology's metric template: the last value (cut to two decimals, as
   * Scope's UI shows it), its range, and the samples in details only ({@code samples} null
   * otherwise, which Scope sends as null).
   */
  public record Metric(String id, String label, String format, String group, double value, boolean valueEmpty,
      double priority, List<Sample> samples, double min, double max) implements JsonOut.Writable {
    @Override
    public void writeJson(JsonGenerator g) {
      g.writeStartObject();
      g.writeStringProperty("id", id);
      g.writeStringProperty("label", label);
      if (!format.isEmpty()) {
        g.writeStringProperty("format", format);
      }
      if (!group.isEmpty()) {
        g.writeStringProperty("group", group);
      }
      g.writeNumberProperty("value", value);
      if (valueEmpty) {
        g.writeBooleanProperty("valueEmpty", true);
      }
      if (priority != 0) {
        g.writeNumberProperty("priority", priority);
      }
      g.writeName("samples");
      JsonOut.write(g, samples);
      g.writeNumberProperty("min", min);
      g.writeNumberProperty("max", max);
      g.writeStringProperty("url", "");
      g.writeEndObject();
    }
  }

  /** One sample of a metric: RFC 3339 time with nanoseconds, and value. */
  public record Sample(String date, double value) implements JsonOut.Writable {
    @Override
    public void writeJson(JsonGenerator g) {
      g.writeStartObject();
      g.writeStringProperty("date", date);
      g.writeNumberProperty("value", value);
      g.writeEndObject();
    }
  }

  /**
   * A table from the topology's table templates; {@code columns} null for a property list (Scope
   * sends null there), {@code truncationCount} the rows the probe left out (0: none, omitted).
   */
  public record Table(String id, String label, String type, List<Column> columns, List<Row> rows,
      int truncationCount) implements JsonOut.Writable {
    @Override
    public void writeJson(JsonGenerator g) {
      g.writeStartObject();
      g.writeStringProperty("id", id);
      g.writeStringProperty("label", label);
      g.writeStringProperty("type", type);
      g.writeName("columns");
      JsonOut.write(g, columns);
      g.writeName("rows");
      JsonOut.write(g, rows);
      if (truncationCount != 0) {
        g.writeNumberProperty("truncationCount", truncationCount);
      }
      g.writeEndObject();
    }
  }

  /** A table column (also used by details' child tables). */
  public record Column(String id, String label, boolean defaultSort, String dataType) implements JsonOut.Writable {
    @Override
    public void writeJson(JsonGenerator g) {
      g.writeStartObject();
      g.writeStringProperty("id", id);
      g.writeStringProperty("label", label);
      g.writeBooleanProperty("defaultSort", defaultSort);
      g.writeStringProperty("dataType", dataType);
      g.writeEndObject();
    }
  }

  /** A table row: its entries by column id, in order. */
  public record Row(String id, Map<String, String> entries) implements JsonOut.Writable {
    @Override
    public void writeJson(JsonGenerator g) {
      g.writeStartObject();
      g.writeStringProperty("id", id);
      g.writeName("entries");
      JsonOut.write(g, entries);
      g.writeEndObject();
    }
  }
}
