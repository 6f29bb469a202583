package io.scopeline.deploy;

import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/**
 * Every property the services bind ({@code @ConfigurationProperties} records found on the
 * classpath), in the environment-variable form Spring's relaxed binding reads: dots become
 * underscores, dashes disappear, upper case.
 */
final class AppProperties {
  /** Exact variable names the apps read. */
  final TreeSet<String> env = new TreeSet<>();
  /** Prefixes of map properties, under which any key is read. */
  final TreeSet<String> mapPrefixes = new TreeSet<>();

  AppProperties() throws ClassNotFoundException {
    var scanner = new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    for (String pkg : new String[] {"io.scopeline.ingest", "io.scopeline.query", "io.scopeline.service"}) {
      for (var candidate : scanner.findCandidateComponents(pkg)) {
        Class<?> type = Class.forName(candidate.getBeanClassName());
        ConfigurationProperties cp = type.getAnnotation(ConfigurationProperties.class);
        add(cp.value().isEmpty() ? cp.prefix() : cp.value(), type);
      }
    }
  }

  private void add(String prefix, Class<?> type) {
    for (RecordComponent c : type.getRecordComponents()) {
      String path = prefix + "." + kebab(c.getName());
      Class<?> t = c.getType();
      if (t.isRecord()) {
        add(path, t);
      } else if (Map.class.isAssignableFrom(t)) {
        mapPrefixes.add(envName(path) + "_");
      } else {
        env.add(envName(path));
      }
    }
  }

  static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }

  static String envName(String property) {
    return property.replace(".", "_").replace("-", "").toUpperCase(java.util.Locale.ROOT);
  }

  /** Whether the services read {@code variable}. */
  boolean reads(String variable) {
    return env.contains(variable) || mapPrefixes.stream().anyMatch(variable::startsWith);
  }
}
