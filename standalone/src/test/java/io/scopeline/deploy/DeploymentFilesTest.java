package io.scopeline.deploy;

import static io.scopeline.deploy.Kustomize.cast;
import static io.scopeline.deploy.Kustomize.list;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deployment files, checked statically (no Docker engine or cluster here): the Compose file
 * and every Kubernetes manifest as each overlay renders it, against the Kubernetes API schema and
 * against the properties the services actually read.
 */
class DeploymentFilesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  /** Variables the manifests set for the JVM or for interpolation, not for Spring. */
  private static final Set<String> NOT_SPRING = Set.of("JAVA_TOOL_OPTIONS", "POD_IP", "SPRING_APPLICATION_JSON");
  private static AppProperties props;

  @BeforeAll
  static void readProperties() throws Exception {
    props = new AppProperties();
    assertThat(props.env).contains("SCOPELINE_STORAGE_S3_BUCKET", "SCOPELINE_KAFKA_BOOTSTRAPSERVERS",
        "SCOPELINE_QUERY_PEERS_DNSNAME", "SCOPELINE_STORAGE_CREATERESOURCES");
  }

  /** The port a service serves health and metrics on, from its own application.yml. */
  private static int managementPort(String module) throws Exception {
    Map<String, Object> yml = Kustomize.yamlDocuments(ROOT.resolve(module + "/src/main/resources/application.yml"))
        .get(0);
    return (Integer) cast(cast(yml.get("management")).get("server")).get("port");
  }

  /** The HTTP port a service listens on, from its own application.yml. */
  private static int appPort(String module) throws Exception {
    Map<String, Object> yml = Kustomize.yamlDocuments(ROOT.resolve(module + "/src/main/resources/application.yml"))
        .get(0);
    return (Integer) cast(yml.get("server")).get("port");
  }

  @Test
  void composeFileRunsTheStackWithSettingsTheServicesRead() throws Exception {
    Path compose = ROOT.resolve("docker/docker-compose.yml");
    Map<String, Object> doc = Kustomize.yamlDocuments(compose).get(0);
    Map<String, Object> services = cast(doc.get("services"));
    assertThat(services.keySet()).contains("kafka", "redis", "minio", "dynamodb", "ingest-1", "ingest-2", "query-1",
        "query-2", "simulator");
    for (Map.Entry<String, Object> e : services.entrySet()) {
      String name = e.getKey();
      Map<String, Object> svc = cast(e.getValue());
      assertThat(svc.containsKey("image") || svc.containsKey("build")).as(name + " has an image or a build").isTrue();
      if (svc.get("build") instanceof Map<?, ?> build) {
        Path context = compose.getParent().resolve((String) build.get("context")).normalize();
        assertThat(context.resolve((String) build.get("dockerfile"))).as(name + "'s Dockerfile").exists();
      }
      for (Object dep : list(svc.get("depends_on"))) {
        assertThat(services).as(name + " depends on").containsKey((String) dep);
      }
      String image = String.valueOf(svc.get("image"));
      if (!image.startsWith("scopeline/")) {
        continue; // third-party images: their settings are theirs
      }
      Map<String, Object> env = svc.get("environment") == null ? Map.of() : cast(svc.get("environment"));
      for (String key : env.keySet()) {
        assertThat(props.reads(key) || NOT_SPRING.contains(key)).as(name + ": " + key + " is read by the app").isTrue();
      }
      int port = image.contains("ingest") ? appPort("ingest-service") : image.contains("query")
          ? appPort("query-service") : -1;
      for (Object mapping : list(svc.get("ports"))) {
        String container = String.valueOf(mapping).substring(String.valueOf(mapping).lastIndexOf(':') + 1);
        assertThat(Integer.parseInt(container)).as(name + " exposes the port the app listens on").isEqualTo(port);
      }
    }
    // Nothing is published beyond this machine, Redis wants a password, and the services do not use MinIO's root account.
    for (Map.Entry<String, Object> e : services.entrySet()) {
      for (Object mapping : list(cast(e.getValue()).get("ports"))) {
        assertThat(String.valueOf(mapping)).as(e.getKey() + " publishes on loopback only").startsWith("127.0.0.1:");
      }
    }
    assertThat(String.valueOf(cast(services.get("redis")).get("command"))).contains("--requirepass");
    Map<String, Object> ingestEnv = cast(cast(services.get("ingest-1")).get("environment"));
    assertThat(String.valueOf(ingestEnv.get("SCOPELINE_STORAGE_REDIS_URI"))).contains(":compose-redis-secret@");
    assertThat(ingestEnv.get("SCOPELINE_STORAGE_ACCESSKEY"))
        .isNotEqualTo(cast(cast(services.get("minio")).get("environment")).get("MINIO_ROOT_USER"));
    // Probes open pipes only to the app a control request names: one app id across both services.
    java.util.Set<Object> appIds = new java.util.HashSet<>();
    for (String name : List.of("ingest-1", "ingest-2", "query-1", "query-2")) {
      Map<String, Object> env = cast(cast(services.get(name)).get("environment"));
      assertThat(env).as(name + " has the shared app id").containsKey("SCOPELINE_CONTROL_APPID");
      appIds.add(env.get("SCOPELINE_CONTROL_APPID"));
    }
    assertThat(appIds).hasSize(1);
    for (String dockerfile : List.of("ingest.Dockerfile", "query.Dockerfile", "simulator.Dockerfile")) {
      String text = Files.readString(ROOT.resolve("docker").resolve(dockerfile));
      assertThat(text).as(dockerfile).contains("USER 10001").contains("FROM eclipse-temurin:17-jre");
    }
    assertThat(Files.readString(ROOT.resolve("docker/ingest.Dockerfile"))).contains("extract --layers")
        .contains("EXPOSE " + appPort("ingest-service")).contains("MaxRAMPercentage");
    assertThat(Files.readString(ROOT.resolve("docker/query.Dockerfile"))).contains("EXPOSE " + appPort("query-service"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
  void kubernetesManifestsAreValidAndWiredToWhatTheServicesRead(String dir) throws Exception {
    List<Map<String, Object>> objects = Kustomize.render(ROOT.resolve("k8s").resolve(dir));
    Gson gson = new Gson();
    List<String> kinds = new ArrayList<>();
    for (Map<String, Object> o : objects) {
      String kind = (String) o.get("kind");
      kinds.add(kind);
      var json = JsonParser.parseString(gson.toJson(o));
      // The models generated from Kubernetes' OpenAPI schema reject unknown fields and missing required ones.
      switch (o.get("apiVersion") + " " + kind) {
        case "apps/v1 Deployment" -> V1Deployment.validateJsonElement(json);
        case "apps/v1 StatefulSet" -> V1StatefulSet.validateJsonElement(json);
        case "v1 Service" -> V1Service.validateJsonElement(json);
        case "v1 ConfigMap" -> V1ConfigMap.validateJsonElement(json);
        case "v1 Secret" -> V1Secret.validateJsonElement(json);
        case "v1 ServiceAccount" -> V1ServiceAccount.validateJsonElement(json);
        case "networking.k8s.io/v1 NetworkPolicy" -> V1NetworkPolicy.validateJsonElement(json);
        case "policy/v1 PodDisruptionBudget" -> V1PodDisruptionBudget.validateJsonElement(json);
        case "autoscaling/v2 HorizontalPodAutoscaler" -> V2HorizontalPodAutoscaler.validateJsonElement(json);
        default -> throw new AssertionError("no schema check for " + o.get("apiVersion") + " " + kind);
      }
      if (kind.equals("ConfigMap") || kind.equals("Secret")) {
        Map<String, Object> data = cast(o.getOrDefault("data", o.get("stringData")));
        data.keySet().forEach(k -> assertThat(props.reads(k) || NOT_SPRING.contains(k))
            .as(dir + ": " + k + " is read by the app").isTrue());
        if (data.containsKey("SPRING_APPLICATION_JSON")) {
          // What it carries must parse and name settings the ingest service reads.
          Map<?, ?> app = new Gson().fromJson((String) data.get("SPRING_APPLICATION_JSON"), Map.class);
          Map<?, ?> client = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) app.get("scopeline")).get("kafka")).get("client");
          assertThat(client.containsKey("security.protocol")).as(dir + ": Kafka client settings").isTrue();
        }
      }
      for (Map<String, Object> c : Kustomize.containers(o)) {
        for (Object env : list(c.get("env"))) {
          String key = (String) cast(env).get("name");
          assertThat(props.reads(key) || NOT_SPRING.contains(key)).as(dir + ": " + key).isTrue();
        }
        Set<String> ports = Set.copyOf(list(c.get("ports")).stream().map(p -> (String) cast(p).get("name")).toList());
        String module = Kustomize.name(o).contains("ingest") ? "ingest-service" : "query-service";
        assertThat(list(c.get("ports")).stream().map(p -> cast(p).get("containerPort")).toList())
            .containsExactly(appPort(module), managementPort(module));
        assertThat(managementPort(module)).as("health and metrics stay off the public port").isNotEqualTo(appPort(module));
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
          Map<String, Object> get = cast(cast(c.get(probe)).get("httpGet"));
          assertThat(ports).as(probe + " port").contains((String) get.get("port"));
          assertThat(get.get("port")).as(probe + " on the management port").isEqualTo("management");
          assertThat((String) get.get("path")).startsWith("/actuator/health/");
        }
        assertThat(cast(c.get("resources")).keySet()).contains("requests", "limits");
      }
    }
    assertThat(kinds).contains("Deployment", "StatefulSet", "Service", "PodDisruptionBudget",
        "HorizontalPodAutoscaler", "ConfigMap", "Secret", "ServiceAccount", "NetworkPolicy");
    // Each service runs as its own identity (so each gets only its own access) and mounts no API token.
    Map<String, Object> queryPods = cast(cast(cast(Kustomize.find(objects, "Deployment", "scopeline-query").get("spec"))
        .get("template")).get("spec"));
    Map<String, Object> ingestPods = cast(cast(cast(Kustomize.find(objects, "StatefulSet", "scopeline-ingest").get("spec"))
        .get("template")).get("spec"));
    assertThat(queryPods.get("serviceAccountName")).isEqualTo("scopeline-query");
    assertThat(ingestPods.get("serviceAccountName")).isEqualTo("scopeline-ingest");
    assertThat(List.of(queryPods, ingestPods)).allSatisfy(p -> assertThat(p.get("automountServiceAccountToken"))
        .isEqualTo(false));
    for (String service : List.of("scopeline-query", "scopeline-ingest")) {
      assertThat(Kustomize.find(objects, "ServiceAccount", service)).as(service + "'s account").isNotNull();
      Map<String, Object> policy = Kustomize.find(objects, "NetworkPolicy", service);
      assertThat(policy).as(service + "'s network policy").isNotNull();
      assertThat(list(cast(policy.get("spec")).get("policyTypes"))).containsExactlyInAnyOrder("Ingress", "Egress");
    }
    // Ingest pods keep their names across restarts, and that name is their Kafka group member name
    // (static membership: a restarted pod gets its partitions back at once).
    Map<String, Object> ingest = Kustomize.find(objects, "StatefulSet", "scopeline-ingest");
    assertThat(ingest).as("ingest runs as a StatefulSet").isNotNull();
    assertThat(Kustomize.find(objects, "Service", (String) cast(ingest.get("spec")).get("serviceName")))
        .as("the StatefulSet's governing service").isNotNull();
    Map<String, Object> instanceId = list(Kustomize.containers(ingest).get(0).get("env")).stream().map(e -> cast(e))
        .filter(e -> "SCOPELINE_KAFKA_GROUPINSTANCEID".equals(e.get("name"))).findFirst().orElseThrow();
    assertThat(cast(cast(instanceId.get("valueFrom")).get("fieldRef")).get("fieldPath")).isEqualTo("metadata.name");
    Map<String, Object> hpaTarget = cast(cast(Kustomize.find(objects, "HorizontalPodAutoscaler", "scopeline-ingest")
        .get("spec")).get("scaleTargetRef"));
    assertThat(hpaTarget.get("kind")).isEqualTo("StatefulSet");
    // Ingest cannot usefully scale beyond the topic's partitions.
    Map<String, Object> ingestHpa = Kustomize.find(objects, "HorizontalPodAutoscaler", "scopeline-ingest");
    // Both services read the shared settings, among them the one app id probes open pipes to.
    Map<String, Object> config = Kustomize.find(objects, "ConfigMap", "scopeline-config");
    assertThat(cast(config.get("data"))).containsKey("SCOPELINE_CONTROL_APPID");
    Map<String, Object> ingestYml = Kustomize.yamlDocuments(ROOT.resolve("ingest-service/src/main/resources/application.yml"))
        .get(0);
    int partitions = (Integer) cast(cast(ingestYml.get("scopeline")).get("kafka")).get("topic-partitions");
    assertThat((Integer) cast(ingestHpa.get("spec")).get("maxReplicas")).isLessThanOrEqualTo(partitions);
    if (dir.startsWith("overlays")) {
      objects.forEach(o -> assertThat(cast(o.get("metadata")).get("namespace")).as(Kustomize.name(o)).isNotNull());
    }
    if (dir.equals("overlays/prod")) {
      String ingestRole = (String) cast(cast(Kustomize.find(objects, "ServiceAccount", "scopeline-ingest")
          .get("metadata")).get("annotations")).get("eks.amazonaws.com/role-arn");
      String queryRole = (String) cast(cast(Kustomize.find(objects, "ServiceAccount", "scopeline-query")
          .get("metadata")).get("annotations")).get("eks.amazonaws.com/role-arn");
      assertThat(ingestRole).isNotBlank();
      assertThat(queryRole).isNotBlank().isNotEqualTo(ingestRole);
      Map<String, Object> query = Kustomize.find(objects, "Deployment", "scopeline-query");
      assertThat(Kustomize.containers(query).get(0).get("image"))
          .isEqualTo("registry.example.com/scopeline/query-service:0.1.0");
      assertThat(cast(query.get("spec")).get("replicas")).isEqualTo(3);
    }
  }

  @Test
  void theQueryServicesIamPolicyOnlyReadsAndTheIngestPolicyCoversWhatIngestCalls() throws Exception {
    Gson gson = new Gson();
    Set<String> query = actions(gson, "k8s/iam/query-policy.json");
    Set<String> ingest = actions(gson, "k8s/iam/ingest-policy.json");
    assertThat(query).containsExactlyInAnyOrder("s3:GetObject", "dynamodb:Query", "dynamodb:DescribeTable");
    assertThat(query).noneMatch(a -> a.contains("Put") || a.contains("Delete") || a.contains("Write")
        || a.contains("Update") || a.contains("Create"));
    // What the ingest service calls: ObjectStore, ReportIndex, StorageBootstrap (HeadBucket needs ListBucket).
    assertThat(ingest).contains("s3:PutObject", "s3:ListBucket", "dynamodb:PutItem", "dynamodb:BatchWriteItem",
        "dynamodb:DescribeTable");
    assertThat(ingest).noneMatch(a -> a.contains("Delete") || a.endsWith("*"));
  }

  private static Set<String> actions(Gson gson, String file) throws Exception {
    Map<?, ?> doc = gson.fromJson(Files.readString(ROOT.resolve(file)), Map.class);
    Set<String> out = new java.util.HashSet<>();
    for (Object st : (List<?>) doc.get("Statement")) {
      Object a = ((Map<?, ?>) st).get("Action");
      if (a instanceof List<?> l) {
        l.forEach(x -> out.add((String) x));
      } else {
        out.add((String) a);
      }
    }
    return out;
  }
}
