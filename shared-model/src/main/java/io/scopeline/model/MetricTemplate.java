package io.scopeline.model;

/** How to show one metric: label, format (filesize, integer, percent), group and priority. */
public record MetricTemplate(String id, String label, String format, String group, double priority) {
  public MetricTemplate {
    id = Control.nz(id);
    label = Control.nz(label);
    format = Control.nz(format);
    group = Control.nz(group);
  }

  /** On a key collision the template with the higher priority wins (this one on a tie). */
  public MetricTemplate merge(MetricTemplate other) {
    return other.priority > priority ? other : this;
  }
}
