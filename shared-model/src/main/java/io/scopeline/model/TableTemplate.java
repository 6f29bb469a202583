package io.scopeline.model;

import java.util.List;

/** How to show a table built from prefixed latest keys (property-list or multicolumn-table). */
public record TableTemplate(String id, String label, String prefix, String type, List<Column> columns,
    KeyedMap<String> fixedRows) {

  /** One column of a multicolumn table. */
  public record Column(String id, String label, boolean defaultSort, String dataType) {
    public Column {
      id = Control.nz(id);
      label = Control.nz(label);
      dataType = Control.nz(dataType);
    }
  }

  public TableTemplate {
    id = Control.nz(id);
    label = Control.nz(label);
    prefix = Control.nz(prefix);
    type = Control.nz(type);
    columns = columns == null ? List.of() : List.copyOf(columns);
    fixedRows = fixedRows == null ? KeyedMap.empty() : fixedRows;
  }

  /** Scope's field-wise merge: greater string per field, the longer columns and fixed-row lists. */
  public TableTemplate merge(TableTemplate other) {
    return new TableTemplate(max(id, other.id), max(label, other.label), max(prefix, other.prefix),
        max(type, other.type), other.columns.size() > columns.size() ? other.columns : columns,
        other.fixedRows.size() > fixedRows.size() ? other.fixedRows : fixedRows);
  }

  private static String max(String a, String b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
