package io.scopeline.model;

/** A control a probe offers on nodes of a topology, e.g. "Exec shell" (icon is a Font Awesome class). */
public record Control(String id, String human, String icon, String confirmation, int rank, String probeId) {
  public Control {
    id = nz(id);
    human = nz(human);
    icon = nz(icon);
    confirmation = nz(confirmation);
    probeId = nz(probeId);
  }

  static String nz(String s) {
    return s == null ? "" : s;
  }
}
