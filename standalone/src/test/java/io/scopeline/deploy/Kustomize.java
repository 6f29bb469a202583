package io.scopeline.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The part of kustomize the manifests use — resources, namespace, images, replicas and
 * strategic-merge patches (maps merged, containers merged by name) — so the tests can check what
 * {@code kubectl apply -k} would apply without a kustomize binary.
 */
final class Kustomize {
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding");

  private Kustomize() {}

  static List<Map<String, Object>> yamlDocuments(Path file) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
        if (doc != null) {
          out.add(cast(doc));
        }
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }

  /** The objects {@code kubectl apply -k dir} would apply. */
  static List<Map<String, Object>> render(Path dir) throws IOException {
    Map<String, Object> k = yamlDocuments(dir.resolve("kustomization.yaml")).get(0);
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object r : list(k.get("resources"))) {
      Path p = dir.resolve((String) r).normalize();
      if (Files.isDirectory(p)) {
        objects.addAll(render(p));
      } else {
        objects.addAll(yamlDocuments(p));
      }
    }
    for (Object patch : list(k.get("patches"))) {
      for (Map<String, Object> change : yamlDocuments(dir.resolve((String) cast(patch).get("path")))) {
        Map<String, Object> target = find(objects, (String) change.get("kind"), name(change));
        if (target == null) {
          throw new IllegalStateException(dir + ": patch for missing " + change.get("kind") + "/" + name(change));
        }
        merge(target, change);
      }
    }
    for (Object r : list(k.get("replicas"))) {
      Map<String, Object> replicas = cast(r);
      Map<String, Object> target = find(objects, "Deployment", (String) replicas.get("name"));
      if (target == null) {
        target = find(objects, "StatefulSet", (String) replicas.get("name"));
      }
      cast(target.get("spec")).put("replicas", replicas.get("count"));
    }
    for (Object i : list(k.get("images"))) {
      Map<String, Object> image = cast(i);
      for (Map<String, Object> o : objects) {
        for (Map<String, Object> c : containers(o)) {
          String current = (String) c.get("image");
          String base = current.contains(":") ? current.substring(0, current.lastIndexOf(':')) : current;
          if (base.equals(image.get("name"))) {
            String name = (String) image.getOrDefault("newName", base);
            String tag = (String) image.getOrDefault("newTag", current.contains(":")
                ? current.substring(current.lastIndexOf(':') + 1) : "latest");
            c.put("image", name + ":" + tag);
          }
        }
      }
    }
    if (k.get("namespace") != null) {
      for (Map<String, Object> o : objects) {
        if (!CLUSTER_SCOPED.contains(o.get("kind"))) {
          cast(o.get("metadata")).put("namespace", k.get("namespace"));
        }
      }
    }
    return objects;
  }

  static String name(Map<String, Object> o) {
    return (String) cast(o.get("metadata")).get("name");
  }

  static Map<String, Object> find(List<Map<String, Object>> objects, String kind, String name) {
    for (Map<String, Object> o : objects) {
      if (kind.equals(o.get("kind")) && name.equals(name(o))) {
        return o;
      }
    }
    return null;
  }

  static List<Map<String, Object>> containers(Map<String, Object> o) {
    if (!"Deployment".equals(o.get("kind")) && !"StatefulSet".equals(o.get("kind"))) {
      return List.of();
    }
    Map<String, Object> pod = cast(cast(cast(o.get("spec")).get("template")).get("spec"));
    List<Map<String, Object>> out = new ArrayList<>();
    list(pod.get("containers")).forEach(c -> out.add(cast(c)));
    return out;
  }

  /** Strategic merge: maps recursively, lists of named items (containers, env) by name, other lists replaced. */
  @SuppressWarnings("unchecked")
  static void merge(Map<String, Object> target, Map<String, Object> patch) {
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      Object current = target.get(e.getKey());
      Object change = e.getValue();
      if (current instanceof Map && change instanceof Map) {
        merge((Map<String, Object>) current, (Map<String, Object>) change);
      } else if (current instanceof List<?> cl && change instanceof List<?> pl && !cl.isEmpty()
          && cl.get(0) instanceof Map<?, ?> first && first.containsKey("name")) {
        List<Object> merged = new ArrayList<>((List<Object>) cl);
        for (Object item : pl) {
          Map<String, Object> named = (Map<String, Object>) item;
          Map<String, Object> existing = merged.stream().map(x -> (Map<String, Object>) x)
              .filter(x -> named.get("name").equals(x.get("name"))).findFirst().orElse(null);
          if (existing == null) {
            merged.add(new LinkedHashMap<>(named));
          } else {
            merge(existing, named);
          }
        }
        target.put(e.getKey(), merged);
      } else {
        target.put(e.getKey(), change);
      }
    }
  }
}
