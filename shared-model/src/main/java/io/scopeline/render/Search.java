package io.scopeline.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Scope's search, on the server: a query is a term (a case-insensitive regular expression, or
 * the literal text when it is not one) matched against a node's label, minor label, metadata,
 * parents and tables; {@code field:term} limits it to fields whose label (letters and digits,
 * lower case) the field part matches; {@code metric > n}, {@code < n} or {@code = n} compares a
 * metric's last value, {@code n} with an optional K, M, G or T (powers of 1024, so
 * {@code memory < 1GB}). Several queries must all match (Scope's pinned searches).
 */
public final class Search {
  /** The query parameter that carries a search; repeated, every one must match. */
  public static final String PARAM = "q";

  /** Where a term matched: the field's label, its text and the matched part, for highlighting. */
  public record Match(String field, String text, int start, int length) implements JsonOut.Writable {
    @Override
    public void writeJson(tools.jackson.core.JsonGenerator g) {
      g.writeStartObject();
      g.writeStringProperty("field", field);
      if (text != null) {
        g.writeStringProperty("text", text);
        g.writeNumberProperty("start", start);
        g.writeNumberProperty("length", length);
      }
      g.writeEndObject();
    }
  }

  /** A query that cannot be searched for; its message says why. */
  public static final class BadQueryException extends IllegalArgumentException {
    BadQueryException(String message) {
      super(message);
    }
  }

  private interface Term {
    /** The node's matches, empty when it does not match. */
    List<Match> matches(NodeSummary n);
  }

  private final List<Term> terms;

  private Search(List<Term> terms) {
    this.terms = terms;
  }

  /** Whether a query asks for a search (has {@code q} parameters), without reading them. */
  public static boolean asks(Map<String, List<String>> query) {
    List<String> q = query.get(PARAM);
    return q != null && !q.isEmpty();
  }

  /** The search the {@code q} parameters of a query ask for; null when there are none. */
  public static Search of(Map<String, List<String>> query) {
    List<String> q = query.get(PARAM);
    if (q == null || q.isEmpty()) {
      return null;
    }
    List<Term> terms = new ArrayList<>();
    for (String s : q) {
      terms.add(parse(s));
    }
    return new Search(terms);
  }

  private static final Pattern COMPARISON = Pattern.compile("^(.*?)\\s*([<>=])\\s*(.*)$");
  private static final Pattern NUMBER = Pattern.compile("^([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)\\s*([kmgtKMGT]?)[bB]?$");

  /** The longest query: longer ones are refused rather than compiled. */
  static final int MAX_LENGTH = 500;

  /**
   * Character reads one match of a term may take in one field: a regular expression that
   * backtracks without end is stopped here (a few milliseconds) and refused, not left to spin.
   */
  static final int MATCH_BUDGET = 1_000_000;

  private static Term parse(String raw) {
    String q = raw.trim();
    if (q.length() > MAX_LENGTH) {
      throw new BadQueryException("q is " + q.length() + " characters long; at most " + MAX_LENGTH);
    }
    if (q.isEmpty()) {
      throw new BadQueryException("q is empty: give a term, field:term, or a metric comparison such as cpu > 2");
    }
    String[] prefixed = q.split(":", -1);
    if (prefixed.length == 2) {
      String field = prefixed[0].trim();
      String text = prefixed[1].trim();
      if (field.isEmpty() || text.isEmpty()) {
        throw new BadQueryException("q '" + raw + "': both the field and the term of field:term are needed");
      }
      return text(pattern(field), pattern(text));
    }
    Matcher c = COMPARISON.matcher(q);
    if (prefixed.length == 1 && c.matches()) {
      String metric = slug(c.group(1));
      Matcher number = NUMBER.matcher(c.group(3).trim());
      if (metric.isEmpty()) {
        throw new BadQueryException("q '" + raw + "': name the metric to compare, e.g. cpu > 2");
      }
      if (!number.matches()) {
        throw new BadQueryException("q '" + raw + "': compare " + c.group(1).trim()
            + " with a number, optionally with K, M, G or T (e.g. 1.5GB), not '" + c.group(3).trim() + "'");
      }
      return metric(metric, c.group(2).charAt(0), value(number));
    }
    return text(null, pattern(q));
  }

  /** A field's text for matching, that refuses the query once {@link #MATCH_BUDGET} reads are spent. */
  private static final class Budgeted implements CharSequence {
    private final String text;
    private final Pattern term;
    private int left = MATCH_BUDGET;

    Budgeted(String text, Pattern term) {
      this.text = text;
      this.term = term;
    }

    @Override
    public char charAt(int index) {
      if (--left < 0) {
        throw new BadQueryException("q '" + term.pattern() + "' takes too long to match (a regular expression that "
            + "backtracks without end?): simplify it");
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.subSequence(start, end);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private static double value(Matcher number) {
    double v = Double.parseDouble(number.group(1));
    String unit = number.group(2).toLowerCase(Locale.ROOT);
    int power = unit.isEmpty() ? 0 : "kmgt".indexOf(unit) + 1;
    return v * Math.pow(1024, power);
  }

  /** The expression as a case-insensitive pattern, or the literal text when it is not a valid one (Scope's rule). */
  private static Pattern pattern(String expression) {
    try {
      return Pattern.compile(expression, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    } catch (PatternSyntaxException e) {
      return Pattern.compile(Pattern.quote(expression), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }
  }

  /** A field label as search prefixes see it: letters and digits only, lower case. */
  static String slug(String label) {
    StringBuilder sb = new StringBuilder(label.length());
    for (int i = 0; i < label.length(); i++) {
      char ch = label.charAt(i);
      if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) {
        sb.append(Character.toLowerCase(ch));
      }
    }
    return sb.toString();
  }

  private static Term text(Pattern field, Pattern term) {
    return n -> {
      List<Match> out = new ArrayList<>();
      find(out, field, "label", n.label(), term);
      find(out, field, "sublabel", n.labelMinor(), term);
      for (NodeSummary.Metadata m : n.metadata()) {
        find(out, field, m.label(), m.value(), term);
      }
      for (NodeSummary.Parent p : n.parents()) {
        find(out, field, p.topologyId(), p.label(), term);
      }
      for (NodeSummary.Table t : n.tables()) {
        for (NodeSummary.Row row : t.rows()) {
          if (t.columns() == null) {
            // A property list: each row is a label and a value.
            find(out, field, row.entries().getOrDefault("label", ""), row.entries().get("value"), term);
          } else if (field == null) {
            // Scope matches the cells of other tables only when no field is named.
            for (String cell : row.entries().values()) {
              find(out, null, t.label(), cell, term);
            }
          }
        }
      }
      return out;
    };
  }

  private static void find(List<Match> out, Pattern field, String label, String text, Pattern term) {
    if (text == null || text.isEmpty() || (field != null && !field.matcher(new Budgeted(slug(label), field)).find())) {
      return;
    }
    Matcher m = term.matcher(new Budgeted(text, term));
    if (m.find()) {
      out.add(new Match(label, text, m.start(), m.end() - m.start()));
    }
  }

  private static Term metric(String metric, char comparison, double value) {
    return n -> {
      for (NodeSummary.Metric m : n.metrics()) {
        if (m.valueEmpty() || !slug(m.label()).equals(metric)) {
          continue;
        }
        boolean hit = switch (comparison) {
          case '>' -> m.value() > value;
          case '<' -> m.value() < value;
          default -> m.value() == value;
        };
        if (hit) {
          return List.of(new Match(m.label(), null, 0, 0));
        }
      }
      return List.of();
    };
  }

  /** What every query matched in {@code n}, or null when one of them did not match. */
  public List<Match> matches(NodeSummary n) {
    List<Match> all = new ArrayList<>();
    for (Term t : terms) {
      List<Match> m = t.matches(n);
      if (m.isEmpty()) {
        return null;
      }
      all.addAll(m);
    }
    return all;
  }

  /** The result of a search over a view: the matched nodes, edges among them only, and what matched. */
  public record Result(Map<String, NodeSummary> nodes, Map<String, List<Match>> matches) {}

  /** The nodes of a view that match, with their edges to other matched nodes. */
  public Result apply(Map<String, NodeSummary> view) {
    Map<String, List<Match>> matched = new LinkedHashMap<>();
    view.forEach((id, n) -> {
      List<Match> m = matches(n);
      if (m != null) {
        matched.put(id, List.copyOf(m));
      }
    });
    Map<String, NodeSummary> nodes = new LinkedHashMap<>();
    matched.keySet().forEach(id -> nodes.put(id, keepingEdgesTo(view.get(id), matched.keySet())));
    return new Result(java.util.Collections.unmodifiableMap(nodes), java.util.Collections.unmodifiableMap(matched));
  }

  /** {@code n} with only its edges to {@code kept} nodes. */
  static NodeSummary keepingEdgesTo(NodeSummary n, java.util.Set<String> kept) {
    List<String> adjacency = n.adjacency().stream().filter(kept::contains).toList();
    return adjacency.size() == n.adjacency().size() ? n : new NodeSummary(n.id(), n.label(), n.labelMinor(),
        n.rank(), n.shape(), n.tag(), n.stack(), n.pseudo(), n.metadata(), n.parents(), n.metrics(), n.tables(),
        adjacency);
  }
}
