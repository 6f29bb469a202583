package io.scopeline.model;

/** How to show one metadata row: where its value comes from ({@code from} = latest, sets or counters). */
public record MetadataTemplate(String id, String label, int truncate, String dataType, double priority, String from) {
  public MetadataTemplate {
    id = Control.nz(id);
    label = Control.nz(label);
    dataType = Control.nz(dataType);
    from = Control.nz(from);
  }

  /** On a key collision the template with the higher priority wins (this one on a tie). */
  public MetadataTemplate merge(MetadataTemplate other) {
    return other.priority > priority ? other : this;
  }
}
