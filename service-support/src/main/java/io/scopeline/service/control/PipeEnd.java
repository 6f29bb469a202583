package io.scopeline.service.control;

/** The two ends of a pipe: the browser's and the probe's. */
public enum PipeEnd {
  UI, PROBE;

  String wireName() {
    return this == UI ? "ui" : "probe";
  }

  PipeEnd other() {
    return this == UI ? PROBE : UI;
  }
}
