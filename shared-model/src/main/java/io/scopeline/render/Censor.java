package io.scopeline.render;

import io.scopeline.model.LatestMap;
import io.scopeline.model.Report;

/**
 * Scope's censoring query parameters: {@code hideCommandLineArguments=true} keeps only the command
 * of {@code cmdline} and {@code docker_container_command}; {@code hideEnvironmentVariables=true}
 * drops {@code docker_env_*} values.
 */
public final class Censor {
  private Censor() {}

  /**
   * The report to render censored views from: as {@link #apply}, and without the environment
   * table, which Scope drops along with its values rather than showing it empty.
   */
  public static Report forViews(Report report, boolean hideArguments, boolean hideEnvironment) {
    Report censored = apply(report, hideArguments, hideEnvironment);
    return !hideEnvironment ? censored : censored.mapTopologies(t -> t.withTableTemplates(t.tableTemplates()
        .filter((id, template) -> !template.prefix().equals(Keys.ENV_PREFIX))));
  }

  /** The raw report with the censored values removed ({@code /api/report}). */
  public static Report apply(Report report, boolean hideArguments, boolean hideEnvironment) {
    if (!hideArguments && !hideEnvironment) {
      return report;
    }
    return report.mapTopologies(t -> t.withNodes(t.nodes().mapValues(n -> {
      LatestMap latest = n.latest();
      LatestMap.Builder b = LatestMap.builder(latest.size());
      boolean changed = false;
      for (int i = 0; i < latest.size(); i++) {
        String key = latest.keyAt(i);
        String value = latest.valueAt(i);
        if (hideEnvironment && key.startsWith(Keys.ENV_PREFIX)) {
          changed = true;
          continue;
        }
        if (hideArguments && (key.equals("cmdline") || key.equals("docker_container_command"))) {
          int space = value.indexOf(' ');
          if (space >= 0) {
            value = value.substring(0, space);
            changed = true;
          }
        }
        b.put(key, latest.timestampAt(i), value);
      }
      return changed ? n.withLatest(b.build()) : n;
    })));
  }
}
