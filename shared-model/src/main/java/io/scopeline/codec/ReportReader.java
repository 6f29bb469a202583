package io.scopeline.codec;

import io.scopeline.codec.StructReader.Kind;
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
import io.scopeline.model.Sampling;
import io.scopeline.model.StringSet;
import io.scopeline.model.TableTemplate;
import io.scopeline.model.Timestamps;
import io.scopeline.model.Topology;
import io.scopeline.model.TopologyType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Knows the report schema and builds the model from a {@link StructReader}, for JSON and msgpack
 * alike. Tolerates what Scope's decoder tolerates: null or absent fields, unknown fields, legacy
 * node fields ({@code counters}, {@code latestControls}) and the legacy report field {@code nodes}.
 */
final class ReportReader {
  private static final String COUNTER_PREFIX = "count_";
  /** Rendered nodes nest children one or two levels; deeper input is an attack on the stack. */
  private static final int MAX_CHILD_DEPTH = 8;
  private static final KeySet NODE_FIELDS = KeySet.of("id", "topology", "sets", "adjacency", "latest", "metrics",
      "parents", "children", "counters", "latestControls");
  private static final KeySet LATEST_FIELDS = KeySet.of("timestamp", "value");
  private static final KeySet METRIC_FIELDS = KeySet.of("samples", "min", "max");
  private static final KeySet SAMPLE_FIELDS = KeySet.of("date", "value");

  private final StructReader in;
  private final ReportLimits limits;
  private final DecodeBudget budget;
  /** Where we are, for error messages: topology key and node id. */
  private String whereTopology = "";
  private String whereNode = "";
  private int childDepth;

  ReportReader(StructReader in, ReportLimits limits, DecodeBudget budget) {
    this.in = in;
    this.limits = limits;
    this.budget = budget;
  }

  String location() {
    if (whereTopology.isEmpty()) {
      return "report";
    }
    return whereNode.isEmpty() ? whereTopology : whereTopology + " node '" + whereNode + "'";
  }

  Report readReport() {
    if (in.peek() != Kind.MAP) {
      throw new IllegalArgumentException("expected a report object, got " + in.describeNext());
    }
    Report.Builder b = Report.builder();
    KeyedMap<DnsRecord> dns = KeyedMap.empty();
    KeyedMap<DnsRecord> legacyDns = KeyedMap.empty();
    in.beginMap();
    while (in.nextEntry()) {
      String key = in.readKey();
      TopologyType type = TopologyType.byWireKey(key);
      if (type != null) {
        whereTopology = key;
        b.topology(type, readTopology(key));
        whereTopology = "";
        continue;
      }
      switch (key) {
        case "TS" -> b.ts(in.readTime());
        case "DNS" -> dns = readDns();
        case "nodes" -> legacyDns = readDns();
        case "Sampling" -> b.sampling(readSampling());
        case "Window" -> b.windowNanos(nullOr(0L, "Window", this::readLong));
        case "Shortcut" -> b.shortcut(nullOr(false, "Shortcut", this::readBoolean));
        case "Plugins" -> b.plugins(readPlugins());
        case "ID" -> b.id(readString("ID"));
        default -> in.skipValue();
      }
    }
    if (in.peek() != Kind.END) {
      throw new IllegalArgumentException("trailing data after the report: " + in.describeNext());
    }
    return b.dns(dns.merge(legacyDns, DnsRecord::merge)).build();
  }

  private interface Read<T> {
    T read(String what);
  }

  private <T> T nullOr(T fallback, String what, Read<T> read) {
    return in.readNilIfPresent() ? fallback : read.read(what);
  }

  private long readLong(String what) {
    expect(Kind.NUMBER, what);
    return in.readLong();
  }

  private double readDouble(String what) {
    if (in.readNilIfPresent()) {
      return 0;
    }
    expect(Kind.NUMBER, what);
    return in.readDouble();
  }

  private boolean readBoolean(String what) {
    expect(Kind.BOOLEAN, what);
    return in.readBoolean();
  }

  private String readString(String what) {
    if (in.readNilIfPresent()) {
      return "";
    }
    expect(Kind.STRING, what);
    return in.readString();
  }

  private void expect(Kind kind, String what) {
    Kind actual = in.peek();
    if (actual != kind) {
      String article = "a ";
      String name = switch (kind) {
        case MAP -> "map";
        case ARRAY -> "list";
        case STRING -> "string";
        case NUMBER -> "number";
        case BOOLEAN -> "boolean";
        default -> kind.name().toLowerCase();
      };
      throw new IllegalArgumentException("expected " + article + name + " for " + what + ", got " + in.describeNext());
    }
  }

  /** Opens a map that may be null; returns false (consuming the null) when it is. */
  private boolean openMap(String what) {
    if (in.readNilIfPresent()) {
      return false;
    }
    expect(Kind.MAP, what);
    in.beginMap();
    return true;
  }

  private boolean openArray(String what) {
    if (in.readNilIfPresent()) {
      return false;
    }
    expect(Kind.ARRAY, what);
    in.beginArray();
    return true;
  }

  private Topology readTopology(String wireKey) {
    String shape = "";
    String tag = "";
    String label = "";
    String labelPlural = "";
    KeyedMap<Node> nodes = KeyedMap.empty();
    KeyedMap<Control> controls = KeyedMap.empty();
    KeyedMap<MetadataTemplate> metadata = KeyedMap.empty();
    KeyedMap<MetricTemplate> metrics = KeyedMap.empty();
    KeyedMap<TableTemplate> tables = KeyedMap.empty();
    if (!openMap("topology " + wireKey)) {
      return Topology.EMPTY;
    }
    while (in.nextEntry()) {
      String key = in.readKey();
      switch (key) {
        case "shape" -> shape = readString("shape");
        case "tag" -> tag = readString("tag");
        case "label" -> label = readString("label");
        case "label_plural" -> labelPlural = readString("label_plural");
        case "nodes" -> nodes = readNodes(wireKey);
        case "controls" -> controls = readControls();
        case "metadata_templates" -> metadata = readMetadataTemplates();
        case "metric_templates" -> metrics = readMetricTemplates();
        case "table_templates" -> tables = readTableTemplates();
        default -> in.skipValue();
      }
    }
    return new Topology(shape, tag, label, labelPlural, nodes, controls, metadata, metrics, tables);
  }

  private KeyedMap<Node> readNodes(String wireKey) {
    if (in.readNilIfPresent()) {
      return KeyedMap.empty();
    }
    expect(Kind.MAP, wireKey + " nodes");
    int size = in.beginMap();
    if (size > limits.maxNodesPerTopology()) {
      throw new TooManyNodesException(wireKey, limits.maxNodesPerTopology());
    }
    KeyedMap.Builder<Node> nodes = KeyedMap.builder(initialCapacity(size));
    TopologyType type = TopologyType.byWireKey(wireKey);
    String expected = type == null ? null : type.internalName();
    while (in.nextEntry()) {
      String id = in.readKey();
      whereNode = id;
      Node node = readNode();
      // A node naming another topology than the one holding it could never merge with the same
      // node of another report (Scope panics there): refused here, the sender hears why at once
      // instead of its report being dead-lettered later as a conflict.
      if (expected != null && !node.topology().isEmpty() && !node.topology().equals(expected)) {
        throw new IllegalArgumentException("node '" + id + "' of " + wireKey + " names topology '" + node.topology()
            + "', not '" + expected + "'");
      }
      nodes.put(id, node);
      if (nodes.size() > limits.maxNodesPerTopology()) {
        throw new TooManyNodesException(wireKey, limits.maxNodesPerTopology());
      }
    }
    whereNode = "";
    return nodes.build();
  }

  /** A declared size sizes a buffer only up to a bound: the bytes behind it may never arrive. */
  private static int initialCapacity(int declared) {
    return declared < 0 ? 8 : Math.min(declared, 1024);
  }

  private Node readNode() {
    budget.checkTime();
    String id = "";
    String topology = "";
    KeyedMap<StringSet> sets = KeyedMap.empty();
    StringSet adjacency = StringSet.EMPTY;
    LatestMap latest = LatestMap.EMPTY;
    KeyedMap<Metric> metrics = KeyedMap.empty();
    KeyedMap<StringSet> parents = KeyedMap.empty();
    KeyedMap<Node> children = KeyedMap.empty();
    KeyedMap<Long> legacyCounters = null;
    LatestMap legacyControls = null;
    if (!openMap("node")) {
      return Node.of("", "");
    }
    while (in.nextEntry()) {
      switch (in.readKey(NODE_FIELDS)) {
        case 0 -> id = readString("node id");
        case 1 -> topology = readString("node topology");
        case 2 -> sets = readSets("sets");
        case 3 -> adjacency = readStringSet("adjacency");
        case 4 -> latest = readLatest();
        case 5 -> metrics = readMetrics();
        case 6 -> parents = readSets("parents");
        case 7 -> children = readChildren();
        case 8 -> legacyCounters = readCounters();
        case 9 -> legacyControls = readLatestControls();
        default -> in.skipValue();
      }
    }
    if (legacyCounters != null && !legacyCounters.isEmpty()) {
      latest = addLegacyCounters(latest, legacyCounters);
    }
    if (legacyControls != null) {
      latest = latest.merge(legacyControls);
    }
    return new Node(id, topology, sets, adjacency, latest, metrics, parents, children);
  }

  private KeyedMap<Node> readChildren() {
    if (!openArray("children")) {
      return KeyedMap.empty();
    }
    if (++childDepth > MAX_CHILD_DEPTH) {
      throw new IllegalArgumentException("node children nested deeper than " + MAX_CHILD_DEPTH + " levels");
    }
    KeyedMap.Builder<Node> b = KeyedMap.builder(4);
    while (in.nextElement()) {
      Node child = readNode();
      b.put(child.id(), child);
    }
    childDepth--;
    return b.build();
  }

  private KeyedMap<StringSet> readSets(String what) {
    if (!openMap(what)) {
      return KeyedMap.empty();
    }
    KeyedMap.Builder<StringSet> b = KeyedMap.builder(4);
    while (in.nextEntry()) {
      String key = in.readKey();
      b.put(key, readStringSet(what));
    }
    return b.build();
  }

  private StringSet readStringSet(String what) {
    if (in.readNilIfPresent()) {
      return StringSet.EMPTY;
    }
    expect(Kind.ARRAY, what);
    int n = in.beginArray();
    String[] items = new String[initialCapacity(n)];
    int count = 0;
    while (in.nextElement()) {
      if (count == items.length) {
        items = Arrays.copyOf(items, Math.max(4, count * 2));
      }
      items[count++] = readString(what);
    }
    return StringSet.fromArrayOwned(count == items.length ? items : Arrays.copyOf(items, count));
  }

  private LatestMap readLatest() {
    if (in.readNilIfPresent()) {
      return LatestMap.EMPTY;
    }
    expect(Kind.MAP, "latest");
    int n = in.beginMap();
    LatestMap.Builder b = LatestMap.builder(initialCapacity(n));
    while (in.nextEntry()) {
      String key = in.readKey();
      long ts = Timestamps.ZERO;
      String value = "";
      if (openMap("a latest entry")) {
        while (in.nextEntry()) {
          switch (in.readKey(LATEST_FIELDS)) {
            case 0 -> ts = in.readTime();
            case 1 -> value = readString("a latest value");
            default -> in.skipValue();
          }
        }
      }
      b.put(key, ts, value);
    }
    return b.build();
  }

  private KeyedMap<Metric> readMetrics() {
    if (!openMap("metrics")) {
      return KeyedMap.empty();
    }
    KeyedMap.Builder<Metric> b = KeyedMap.builder(4);
    while (in.nextEntry()) {
      String key = in.readKey();
      b.put(key, readMetric(key));
    }
    return b.build();
  }

  private Metric readMetric(String key) {
    long[] dates = new long[0];
    double[] values = new double[0];
    double min = 0;
    double max = 0;
    String what = "metric";
    if (!openMap(what)) {
      return Metric.EMPTY;
    }
    while (in.nextEntry()) {
      switch (in.readKey(METRIC_FIELDS)) {
        case 0 -> {
          int declared = in.readNilIfPresent() ? -2 : beginSamples();
          if (declared != -2) {
            int count = 0;
            dates = new long[initialCapacity(declared)];
            values = new double[dates.length];
            while (in.nextElement()) {
              if (count == dates.length) {
                dates = Arrays.copyOf(dates, Math.max(4, count * 2));
                values = Arrays.copyOf(values, dates.length);
              }
              long date = Timestamps.ZERO;
              double value = 0;
              if (openMap("metric sample")) {
                while (in.nextEntry()) {
                  switch (in.readKey(SAMPLE_FIELDS)) {
                    case 0 -> date = in.readTime();
                    case 1 -> value = readDouble("metric sample value");
                    default -> in.skipValue();
                  }
                }
              }
              dates[count] = date;
              values[count++] = value;
            }
            if (count != dates.length) {
              dates = Arrays.copyOf(dates, count);
              values = Arrays.copyOf(values, count);
            }
          }
        }
        case 1 -> min = readDouble("metric min");
        case 2 -> max = readDouble("metric max");
        default -> in.skipValue();
      }
    }
    sortSamples(dates, values);
    return Metric.ofOwned(dates, values, min, max);
  }

  /** Merge relies on time order; probes send it, but a hand-made report may not. */
  private static void sortSamples(long[] dates, double[] values) {
    for (int i = 1; i < dates.length; i++) {
      if (dates[i - 1] > dates[i]) {
        Integer[] order = new Integer[dates.length];
        for (int k = 0; k < order.length; k++) {
          order[k] = k;
        }
        long[] d = dates.clone();
        double[] v = values.clone();
        Arrays.sort(order, (a, b) -> Long.compare(d[a], d[b]));
        for (int k = 0; k < order.length; k++) {
          dates[k] = d[order[k]];
          values[k] = v[order[k]];
        }
        return;
      }
    }
  }

  /** Opens a metric's sample list (the caller has handled null); returns its declared size or -1. */
  private int beginSamples() {
    expect(Kind.ARRAY, "metric samples");
    return in.beginArray();
  }

  private KeyedMap<Long> readCounters() {
    if (!openMap("counters")) {
      return KeyedMap.empty();
    }
    KeyedMap.Builder<Long> b = KeyedMap.builder(4);
    while (in.nextEntry()) {
      String key = in.readKey();
      b.put(key, nullOr(0L, "counters", this::readLong));
    }
    return b.build();
  }

  /** Legacy counters become {@code count_<name>} latest entries, added to any already present. */
  private static LatestMap addLegacyCounters(LatestMap latest, KeyedMap<Long> counters) {
    long ts = latest.newestTimestamp();
    LatestMap out = latest;
    for (int i = 0; i < counters.size(); i++) {
      String key = COUNTER_PREFIX + counters.keyAt(i);
      long value = counters.valueAt(i);
      String existing = out.get(key);
      if (existing != null) {
        try {
          value += Long.parseLong(existing);
        } catch (NumberFormatException e) {
          // A non-numeric counter is the probe's problem; the legacy value replaces it.
        }
      }
      out = out.with(key, ts, Long.toString(value));
    }
    return out;
  }

  /** Legacy {@code latestControls}: the ids of controls not marked dead, as {@code active_controls}. */
  private LatestMap readLatestControls() {
    if (!openMap("latestControls")) {
      return null;
    }
    TreeSet<String> alive = new TreeSet<>();
    long newest = Timestamps.ZERO;
    while (in.nextEntry()) {
      String control = in.readKey();
      boolean dead = false;
      if (openMap("latestControls")) {
        while (in.nextEntry()) {
          String field = in.readKey();
          if ("timestamp".equals(field)) {
            newest = Math.max(newest, in.readTime());
          } else if ("value".equals(field) && openMap("latestControls value")) {
            while (in.nextEntry()) {
              if ("dead".equals(in.readKey())) {
                dead = nullOr(false, "dead", this::readBoolean);
              } else {
                in.skipValue();
              }
            }
          } else if (!"value".equals(field)) {
            in.skipValue();
          }
        }
      }
      if (!dead) {
        alive.add(control);
      }
    }
    return LatestMap.builder(1).put(Node.ACTIVE_CONTROLS, newest, String.join(";", alive)).build();
  }

  private KeyedMap<Control> readControls() {
    if (!openMap("controls")) {
      return KeyedMap.empty();
    }
    KeyedMap.Builder<Control> b = KeyedMap.builder(4);
    while (in.nextEntry()) {
      String key = in.readKey();
      String id = "";
      String human = "";
      String icon = "";
      String confirmation = "";
      String probeId = "";
      long rank = 0;
      if (openMap("control")) {
        while (in.nextEntry()) {
          switch (in.readKey()) {
            case "id" -> id = readString("control id");
            case "human" -> human = readString("control human");
            case "icon" -> icon = readString("control icon");
            case "confirmation" -> confirmation = readString("control confirmation");
            case "rank" -> rank = nullOr(0L, "control rank", this::readLong);
            case "probeId" -> probeId = readString("control probeId");
            default -> in.skipValue();
          }
        }
      }
      b.put(key, new Control(id, human, icon, confirmation, (int) rank, probeId));
    }
    return b.build();
  }

  private KeyedMap<MetadataTemplate> readMetadataTemplates() {
    if (!openMap("metadata_templates")) {
      return KeyedMap.empty();
    }
    KeyedMap.Builder<MetadataTemplate> b = KeyedMap.builder(8);
    while (in.nextEntry()) {
      String key = in.readKey();
      String id = "";
      String label = "";
      String dataType = "";
      String from = "";
      long truncate = 0;
      double priority = 0;
      if (openMap("metadata template")) {
        while (in.nextEntry()) {
          switch (in.readKey()) {
            case "id" -> id = readString("template id");
            case "label" -> label = readString("template label");
            case "truncate" -> truncate = nullOr(0L, "template truncate", this::readLong);
            case "dataType" -> dataType = readString("template dataType");
            case "priority" -> priority = readDouble("template priority");
            case "from" -> from = readString("template from");
            default -> in.skipValue();
          }
        }
      }
      b.put(key, new MetadataTemplate(id, label, (int) truncate, dataType, priority, from));
    }
    return b.build();
  }

  private KeyedMap<MetricTemplate> readMetricTemplates() {
    if (!openMap("metric_templates")) {
      return KeyedMap.empty();
    }
    KeyedMap.Builder<MetricTemplate> b = KeyedMap.builder(4);
    while (in.nextEntry()) {
      String key = in.readKey();
      String id = "";
      String label = "";
      String format = "";
      String group = "";
      double priority = 0;
      if (openMap("metric template")) {
        while (in.nextEntry()) {
          switch (in.readKey()) {
            case "id" -> id = readString("template id");
            case "label" -> label = readString("template label");
            case "format" -> format = readString("template format");
            case "group" -> group = readString("template group");
            case "priority" -> priority = readDouble("template priority");
            default -> in.skipValue();
          }
        }
      }
      b.put(key, new MetricTemplate(id, label, format, group, priority));
    }
    return b.build();
  }

  private KeyedMap<TableTemplate> readTableTemplates() {
    if (!openMap("table_templates")) {
      return KeyedMap.empty();
    }
    KeyedMap.Builder<TableTemplate> b = KeyedMap.builder(4);
    while (in.nextEntry()) {
      String key = in.readKey();
      String id = "";
      String label = "";
      String prefix = "";
      String type = "";
      List<TableTemplate.Column> columns = new ArrayList<>();
      KeyedMap<String> fixedRows = KeyedMap.empty();
      if (openMap("table template")) {
        while (in.nextEntry()) {
          switch (in.readKey()) {
            case "id" -> id = readString("table id");
            case "label" -> label = readString("table label");
            case "prefix" -> prefix = readString("table prefix");
            case "type" -> type = readString("table type");
            case "columns" -> {
              if (openArray("table columns")) {
                while (in.nextElement()) {
                  columns.add(readColumn());
                }
              }
            }
            case "fixedRows" -> fixedRows = readStringMap("table fixedRows");
            default -> in.skipValue();
          }
        }
      }
      b.put(key, new TableTemplate(id, label, prefix, type, columns, fixedRows));
    }
    return b.build();
  }

  private TableTemplate.Column readColumn() {
    String id = "";
    String label = "";
    String dataType = "";
    boolean defaultSort = false;
    if (openMap("table column")) {
      while (in.nextEntry()) {
        switch (in.readKey()) {
          case "id" -> id = readString("column id");
          case "label" -> label = readString("column label");
          case "dataType" -> dataType = readString("column dataType");
          case "defaultSort" -> defaultSort = nullOr(false, "column defaultSort", this::readBoolean);
          default -> in.skipValue();
        }
      }
    }
    return new TableTemplate.Column(id, label, defaultSort, dataType);
  }

  private KeyedMap<String> readStringMap(String what) {
    if (!openMap(what)) {
      return KeyedMap.empty();
    }
    KeyedMap.Builder<String> b = KeyedMap.builder(4);
    while (in.nextEntry()) {
      String key = in.readKey();
      b.put(key, readString(what));
    }
    return b.build();
  }

  private KeyedMap<DnsRecord> readDns() {
    if (!openMap("DNS")) {
      return KeyedMap.empty();
    }
    KeyedMap.Builder<DnsRecord> b = KeyedMap.builder(8);
    while (in.nextEntry()) {
      String addr = in.readKey();
      StringSet forward = StringSet.EMPTY;
      StringSet reverse = StringSet.EMPTY;
      if (openMap("DNS record")) {
        while (in.nextEntry()) {
          switch (in.readKey()) {
            case "forward" -> forward = readStringSet("DNS forward names");
            case "reverse" -> reverse = readStringSet("DNS reverse names");
            default -> in.skipValue();
          }
        }
      }
      b.put(addr, new DnsRecord(forward, reverse));
    }
    return b.build();
  }

  private Sampling readSampling() {
    long count = 0;
    long total = 0;
    if (openMap("Sampling")) {
      while (in.nextEntry()) {
        switch (in.readKey()) {
          case "Count" -> count = nullOr(0L, "Sampling.Count", this::readLong);
          case "Total" -> total = nullOr(0L, "Sampling.Total", this::readLong);
          default -> in.skipValue();
        }
      }
    }
    return new Sampling(count, total);
  }

  private KeyedMap<PluginSpec> readPlugins() {
    if (!openArray("Plugins")) {
      return KeyedMap.empty();
    }
    KeyedMap.Builder<PluginSpec> b = KeyedMap.builder(2);
    while (in.nextElement()) {
      String id = "";
      String label = "";
      String description = "";
      String apiVersion = "";
      String status = "";
      List<String> interfaces = List.of();
      if (openMap("plugin")) {
        while (in.nextEntry()) {
          switch (in.readKey()) {
            case "id" -> id = readString("plugin id");
            case "label" -> label = readString("plugin label");
            case "description" -> description = readString("plugin description");
            case "interfaces" -> interfaces = readStringList("plugin interfaces");
            case "api_version" -> apiVersion = readString("plugin api_version");
            case "status" -> status = readString("plugin status");
            default -> in.skipValue();
          }
        }
      }
      b.put(id, new PluginSpec(id, label, description, interfaces, apiVersion, status));
    }
    return b.build();
  }

  private List<String> readStringList(String what) {
    if (!openArray(what)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    while (in.nextElement()) {
      out.add(readString(what));
    }
    return out;
  }
}
