package io.scopeline.codec;

import io.scopeline.model.Control;
import io.scopeline.model.DnsRecord;
import io.scopeline.model.KeyedMap;
import io.scopeline.model.LatestMap;
import io.scopeline.model.MetadataTemplate;
import io.scopeline.model.Metric;
import io.scopeline.model.MetricTemplate;
import io.scopeline.model.Node;
import io.scopeline.model.PluginSpec;
import io.scopeline.model.Report;
import io.scopeline.model.StringSet;
import io.scopeline.model.TableTemplate;
import io.scopeline.model.Topology;
import io.scopeline.model.TopologyType;
import java.util.List;

/**
 * Writes the model in the shape Scope's Go codec produces: the same keys, the same omitted empty
 * fields, and {@code null} where Go writes a nil map (node sets, parents and children).
 */
final class ReportWriter {
  private final StructWriter out;

  ReportWriter(StructWriter out) {
    this.out = out;
  }

  void write(Report r) {
    boolean hasDns = !r.dns().isEmpty();
    out.beginMap(TopologyType.all().size() + 6 + (hasDns ? 1 : 0));
    out.key("TS");
    out.time(r.ts());
    for (TopologyType type : TopologyType.all()) {
      out.key(type.wireKey());
      writeTopology(r.topology(type));
    }
    if (hasDns) {
      out.key("DNS");
      writeDns(r.dns());
    }
    out.key("Sampling");
    out.beginMap(2);
    out.key("Count");
    out.number(r.sampling().count());
    out.key("Total");
    out.number(r.sampling().total());
    out.endMap();
    out.key("Window");
    out.number(r.windowNanos());
    out.key("Shortcut");
    out.bool(r.shortcut());
    out.key("Plugins");
    writePlugins(r.plugins());
    out.key("ID");
    out.string(r.id());
    out.endMap();
    out.flush();
  }

  private static int nonEmpty(String... values) {
    int n = 0;
    for (String v : values) {
      if (!v.isEmpty()) {
        n++;
      }
    }
    return n;
  }

  private void optionalString(String key, String value) {
    if (!value.isEmpty()) {
      out.key(key);
      out.string(value);
    }
  }

  private void writeTopology(Topology t) {
    int size = nonEmpty(t.shape(), t.tag(), t.label(), t.labelPlural()) + (t.nodes().isEmpty() ? 0 : 1)
        + (t.controls().isEmpty() ? 0 : 1) + (t.metadataTemplates().isEmpty() ? 0 : 1)
        + (t.metricTemplates().isEmpty() ? 0 : 1) + (t.tableTemplates().isEmpty() ? 0 : 1);
    out.beginMap(size);
    optionalString("shape", t.shape());
    optionalString("tag", t.tag());
    optionalString("label", t.label());
    optionalString("label_plural", t.labelPlural());
    if (!t.nodes().isEmpty()) {
      out.key("nodes");
      out.beginMap(t.nodes().size());
      t.nodes().forEach((id, node) -> {
        out.key(id);
        writeNode(node);
      });
      out.endMap();
    }
    if (!t.controls().isEmpty()) {
      out.key("controls");
      out.beginMap(t.controls().size());
      t.controls().forEach((id, c) -> {
        out.key(id);
        writeControl(c);
      });
      out.endMap();
    }
    if (!t.metadataTemplates().isEmpty()) {
      out.key("metadata_templates");
      out.beginMap(t.metadataTemplates().size());
      t.metadataTemplates().forEach((id, m) -> {
        out.key(id);
        writeMetadataTemplate(m);
      });
      out.endMap();
    }
    if (!t.metricTemplates().isEmpty()) {
      out.key("metric_templates");
      out.beginMap(t.metricTemplates().size());
      t.metricTemplates().forEach((id, m) -> {
        out.key(id);
        writeMetricTemplate(m);
      });
      out.endMap();
    }
    if (!t.tableTemplates().isEmpty()) {
      out.key("table_templates");
      out.beginMap(t.tableTemplates().size());
      t.tableTemplates().forEach((id, m) -> {
        out.key(id);
        writeTableTemplate(m);
      });
      out.endMap();
    }
    out.endMap();
  }

  private void writeNode(Node n) {
    int size = 3 + nonEmpty(n.id(), n.topology()) + (n.adjacency().isEmpty() ? 0 : 1) + (n.latest().isEmpty() ? 0 : 1)
        + (n.metrics().isEmpty() ? 0 : 1);
    out.beginMap(size);
    optionalString("id", n.id());
    optionalString("topology", n.topology());
    out.key("sets");
    writeSetsOrNull(n.sets());
    if (!n.adjacency().isEmpty()) {
      out.key("adjacency");
      writeStringSet(n.adjacency());
    }
    if (!n.latest().isEmpty()) {
      out.key("latest");
      writeLatest(n.latest());
    }
    if (!n.metrics().isEmpty()) {
      out.key("metrics");
      out.beginMap(n.metrics().size());
      n.metrics().forEach((id, m) -> {
        out.key(id);
        writeMetric(m);
      });
      out.endMap();
    }
    out.key("parents");
    writeSetsOrNull(n.parents());
    out.key("children");
    if (n.children().isEmpty()) {
      out.nil();
    } else {
      out.beginArray(n.children().size());
      n.children().forEach((id, child) -> writeNode(child));
      out.endArray();
    }
    out.endMap();
  }

  private void writeSetsOrNull(KeyedMap<StringSet> sets) {
    if (sets.isEmpty()) {
      out.nil();
      return;
    }
    out.beginMap(sets.size());
    sets.forEach((k, v) -> {
      out.key(k);
      writeStringSet(v);
    });
    out.endMap();
  }

  private void writeStringSet(StringSet set) {
    out.beginArray(set.size());
    for (int i = 0; i < set.size(); i++) {
      out.string(set.get(i));
    }
    out.endArray();
  }

  private void writeStringList(List<String> list) {
    out.beginArray(list.size());
    for (String s : list) {
      out.string(s);
    }
    out.endArray();
  }

  private void writeLatest(LatestMap latest) {
    out.beginMap(latest.size());
    for (int i = 0; i < latest.size(); i++) {
      out.key(latest.keyAt(i));
      out.beginMap(2);
      out.key("timestamp");
      out.time(latest.timestampAt(i));
      out.key("value");
      out.string(latest.valueAt(i));
      out.endMap();
    }
    out.endMap();
  }

  private void writeMetric(Metric m) {
    out.beginMap(m.sampleCount() == 0 ? 2 : 3);
    if (m.sampleCount() > 0) {
      out.key("samples");
      out.beginArray(m.sampleCount());
      for (int i = 0; i < m.sampleCount(); i++) {
        out.beginMap(2);
        out.key("date");
        out.time(m.dateAt(i));
        out.key("value");
        out.number(m.valueAt(i));
        out.endMap();
      }
      out.endArray();
    }
    out.key("min");
    out.number(m.min());
    out.key("max");
    out.number(m.max());
    out.endMap();
  }

  private void writeControl(Control c) {
    out.beginMap(4 + nonEmpty(c.confirmation(), c.probeId()));
    out.key("id");
    out.string(c.id());
    out.key("human");
    out.string(c.human());
    out.key("icon");
    out.string(c.icon());
    optionalString("confirmation", c.confirmation());
    out.key("rank");
    out.number(c.rank());
    optionalString("probeId", c.probeId());
    out.endMap();
  }

  private void writeMetadataTemplate(MetadataTemplate m) {
    out.beginMap(1 + nonEmpty(m.label(), m.dataType(), m.from()) + (m.truncate() != 0 ? 1 : 0)
        + (m.priority() != 0 ? 1 : 0));
    out.key("id");
    out.string(m.id());
    optionalString("label", m.label());
    if (m.truncate() != 0) {
      out.key("truncate");
      out.number(m.truncate());
    }
    optionalString("dataType", m.dataType());
    if (m.priority() != 0) {
      out.key("priority");
      out.number(m.priority());
    }
    optionalString("from", m.from());
    out.endMap();
  }

  private void writeMetricTemplate(MetricTemplate m) {
    out.beginMap(1 + nonEmpty(m.label(), m.format(), m.group()) + (m.priority() != 0 ? 1 : 0));
    out.key("id");
    out.string(m.id());
    optionalString("label", m.label());
    optionalString("format", m.format());
    optionalString("group", m.group());
    if (m.priority() != 0) {
      out.key("priority");
      out.number(m.priority());
    }
    out.endMap();
  }

  private void writeTableTemplate(TableTemplate t) {
    out.beginMap(6);
    out.key("id");
    out.string(t.id());
    out.key("label");
    out.string(t.label());
    out.key("prefix");
    out.string(t.prefix());
    out.key("type");
    out.string(t.type());
    out.key("columns");
    if (t.columns().isEmpty()) {
      out.nil();
    } else {
      out.beginArray(t.columns().size());
      for (TableTemplate.Column c : t.columns()) {
        out.beginMap(4);
        out.key("id");
        out.string(c.id());
        out.key("label");
        out.string(c.label());
        out.key("defaultSort");
        out.bool(c.defaultSort());
        out.key("dataType");
        out.string(c.dataType());
        out.endMap();
      }
      out.endArray();
    }
    out.key("fixedRows");
    if (t.fixedRows().isEmpty()) {
      out.nil();
    } else {
      out.beginMap(t.fixedRows().size());
      t.fixedRows().forEach((k, v) -> {
        out.key(k);
        out.string(v);
      });
      out.endMap();
    }
    out.endMap();
  }

  private void writeDns(KeyedMap<DnsRecord> dns) {
    out.beginMap(dns.size());
    dns.forEach((addr, record) -> {
      out.key(addr);
      out.beginMap((record.forward().isEmpty() ? 0 : 1) + (record.reverse().isEmpty() ? 0 : 1));
      if (!record.forward().isEmpty()) {
        out.key("forward");
        writeStringSet(record.forward());
      }
      if (!record.reverse().isEmpty()) {
        out.key("reverse");
        writeStringSet(record.reverse());
      }
      out.endMap();
    });
    out.endMap();
  }

  private void writePlugins(KeyedMap<PluginSpec> plugins) {
    if (plugins.isEmpty()) {
      out.nil();
      return;
    }
    out.beginArray(plugins.size());
    plugins.forEach((id, p) -> {
      out.beginMap(3 + nonEmpty(p.description(), p.apiVersion(), p.status()));
      out.key("id");
      out.string(p.id());
      out.key("label");
      out.string(p.label());
      optionalString("description", p.description());
      out.key("interfaces");
      writeStringList(p.interfaces());
      optionalString("api_version", p.apiVersion());
      optionalString("status", p.status());
      out.endMap();
    });
    out.endArray();
  }
}
