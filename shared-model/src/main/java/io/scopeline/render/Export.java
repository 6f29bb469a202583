package io.scopeline.render;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** A rendered view in a format other tools read: Scope's JSON, GraphML or Graphviz DOT. */
public final class Export {
  /** An export format and the media type it is served as. */
  public enum Format {
    JSON("application/json", "json"),
    GRAPHML("application/graphml+xml", "graphml"),
    DOT("text/vnd.graphviz", "dot");

    private final String mediaType;
    private final String extension;

    Format(String mediaType, String extension) {
      this.mediaType = mediaType;
      this.extension = extension;
    }

    public String mediaType() {
      return mediaType;
    }

    public String extension() {
      return extension;
    }

    /** The format a {@code format=} value names (json, graphml, dot), or null. */
    public static Format parse(String value) {
      for (Format f : values()) {
        if (f.extension.equals(value.toLowerCase(Locale.ROOT))) {
          return f;
        }
      }
      return null;
    }
  }

  private Export() {}

  /** The view {@code name}'s nodes in {@code format}, nodes and edges in id order. */
  public static byte[] of(Format format, String name, Map<String, NodeSummary> nodes) {
    Map<String, NodeSummary> sorted = new TreeMap<>(nodes);
    return switch (format) {
      case JSON -> JsonOut.bytes(Map.of("nodes", sorted));
      case GRAPHML -> graphml(name, sorted);
      case DOT -> dot(name, sorted);
    };
  }

  /** Node attributes that GraphML declares as keys: id in the document, and the summary field. */
  private static final String[][] KEYS = {
      {"label", "label"}, {"labelMinor", "labelMinor"}, {"rank", "rank"}, {"shape", "shape"}, {"pseudo", "pseudo"}};

  private static byte[] graphml(String name, Map<String, NodeSummary> nodes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
      x.writeStartDocument("UTF-8", "1.0");
      x.writeStartElement("graphml");
      x.writeDefaultNamespace("http://graphml.graphdrawing.org/xmlns");
      for (String[] key : KEYS) {
        x.writeEmptyElement("key");
        x.writeAttribute("id", key[0]);
        x.writeAttribute("for", "node");
        x.writeAttribute("attr.name", key[1]);
        x.writeAttribute("attr.type", key[0].equals("pseudo") ? "boolean" : "string");
      }
      x.writeStartElement("graph");
      x.writeAttribute("id", name);
      x.writeAttribute("edgedefault", "directed");
      for (NodeSummary n : nodes.values()) {
        x.writeStartElement("node");
        x.writeAttribute("id", n.id());
        data(x, "label", n.label());
        data(x, "labelMinor", n.labelMinor());
        data(x, "rank", n.rank());
        data(x, "shape", n.shape());
        data(x, "pseudo", Boolean.toString(n.pseudo()));
        x.writeEndElement();
      }
      for (NodeSummary n : nodes.values()) {
        for (String to : n.adjacency()) {
          if (nodes.containsKey(to)) {
            x.writeEmptyElement("edge");
            x.writeAttribute("source", n.id());
            x.writeAttribute("target", to);
          }
        }
      }
      x.writeEndElement();
      x.writeEndElement();
      x.writeEndDocument();
      x.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("writing GraphML to memory failed", e);
    }
    return out.toByteArray();
  }

  private static void data(XMLStreamWriter x, String key, String value) throws XMLStreamException {
    if (value == null || value.isEmpty()) {
      return;
    }
    x.writeStartElement("data");
    x.writeAttribute("key", key);
    x.writeCharacters(xmlSafe(value));
    x.writeEndElement();
  }

  /** Characters XML 1.0 cannot hold at all (control characters but tab and newlines) become U+FFFD. */
  private static String xmlSafe(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        if (sb == null) {
          sb = new StringBuilder(s);
        }
        sb.setCharAt(i, '\uFFFD');
      }
    }
    return sb == null ? s : sb.toString();
  }

  private static byte[] dot(String name, Map<String, NodeSummary> nodes) {
    StringBuilder sb = new StringBuilder();
    sb.append("digraph ").append(quoted(name)).append(" {\n");
    sb.append("  node [shape=box, style=rounded];\n");
    for (NodeSummary n : nodes.values()) {
      String label = n.labelMinor().isEmpty() ? n.label() : n.label() + "\n" + n.labelMinor();
      sb.append("  ").append(quoted(n.id())).append(" [label=").append(quoted(label));
      if (n.pseudo()) {
        sb.append(", style=dashed");
      }
      sb.append("];\n");
    }
    for (NodeSummary n : nodes.values()) {
      for (String to : n.adjacency()) {
        if (nodes.containsKey(to)) {
          sb.append("  ").append(quoted(n.id())).append(" -> ").append(quoted(to)).append(";\n");
        }
      }
    }
    sb.append("}\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A DOT double-quoted string: quotes and backslashes escaped, line breaks as Graphviz's \n. */
  static String quoted(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> { }
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
