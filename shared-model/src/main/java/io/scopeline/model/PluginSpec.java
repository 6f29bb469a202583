package io.scopeline.model;

import java.util.List;

/** A probe plugin's self-description; reports carry the union of these by id. */
public record PluginSpec(String id, String label, String description, List<String> interfaces, String apiVersion,
    String status) {
  public PluginSpec {
    id = Control.nz(id);
    label = Control.nz(label);
    description = Control.nz(description);
    interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
    apiVersion = Control.nz(apiVersion);
    status = Control.nz(status);
  }
}
