package io.scopeline.testsupport;

import io.scopeline.embedded.EmbeddedDynamoDb;
import io.scopeline.embedded.EmbeddedKafka;
import io.scopeline.embedded.EmbeddedRedis;
import io.scopeline.embedded.EmbeddedS3;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real Kafka, S3, DynamoDB and Redis servers, started once per test JVM on first use. Use as
 * {@code @ExtendWith(SharedInfrastructure.class)} and read the endpoints from {@link #get()}.
 * Tests isolate themselves by topic, bucket, table and tenant names rather than by restarting
 * servers.
 *
 * <p>The servers live as long as the JVM: Spring test contexts are closed by a JVM shutdown hook,
 * and their graceful shutdown (flush, commit) needs the servers still up. The in-process servers
 * end with the JVM; the Redis child process is stopped by a shutdown hook of its own.
 */
public final class SharedInfrastructure implements BeforeAllCallback {
  public static final String ACCESS_KEY = "scopeline";
  public static final String SECRET_KEY = "scopeline";

  private static Servers servers;

  /** The running servers (started on first call). */
  public static synchronized Servers get() {
    if (servers == null) {
      servers = Servers.start();
    }
    return servers;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    get();
  }

  /** The four servers and how to reach them. */
  public static final class Servers implements AutoCloseable {
    private final EmbeddedKafka kafka;
    private final EmbeddedS3 s3;
    private final EmbeddedDynamoDb dynamo;
    private final EmbeddedRedis redis;

    private Servers(EmbeddedKafka kafka, EmbeddedS3 s3, EmbeddedDynamoDb dynamo, EmbeddedRedis redis) {
      this.kafka = kafka;
      this.s3 = s3;
      this.dynamo = dynamo;
      this.redis = redis;
    }

    static Servers start() {
      Servers s = new Servers(EmbeddedKafka.start(null, 0), EmbeddedS3.start(null, 0, ACCESS_KEY, SECRET_KEY),
          EmbeddedDynamoDb.start(null, 0), EmbeddedRedis.start(0));
      Runtime.getRuntime().addShutdownHook(new Thread(s.redis::stop, "stop-test-redis"));
      return s;
    }

    public EmbeddedKafka kafka() {
      return kafka;
    }

    public EmbeddedS3 s3() {
      return s3;
    }

    public EmbeddedDynamoDb dynamo() {
      return dynamo;
    }

    public EmbeddedRedis redis() {
      return redis;
    }

    /** A client of the shared S3 (close it). */
    public software.amazon.awssdk.services.s3.S3AsyncClient s3Client() {
      return software.amazon.awssdk.services.s3.S3AsyncClient.builder().endpointOverride(s3.endpoint())
          .region(software.amazon.awssdk.regions.Region.US_EAST_1).forcePathStyle(true)
          .credentialsProvider(credentials()).build();
    }

    /** A client of the shared DynamoDB (close it). */
    public software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient dynamoClient() {
      return software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient.builder().endpointOverride(dynamo.endpoint())
          .region(software.amazon.awssdk.regions.Region.US_EAST_1).credentialsProvider(credentials()).build();
    }

    private static software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials() {
      return software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
          software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /**
     * Creates a bucket and an index table shaped as the ingest service creates them, if missing
     * (service-support's IndexRows owns that shape; test-support cannot depend on it, as
     * shared-model's tests use this module).
     */
    public void createBucketAndTable(String bucket, String table) {
      try (var s3c = s3Client(); var dynamoc = dynamoClient()) {
        s3c.createBucket(b -> b.bucket(bucket)).exceptionally(e -> null).join();
        dynamoc.createTable(b -> b.tableName(table)
            .billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(attribute("hour", "S"), attribute("ts", "N"))
            .keySchema(key("hour", "HASH"), key("ts", "RANGE"))).exceptionally(e -> null).join();
      }
    }

    private static software.amazon.awssdk.services.dynamodb.model.AttributeDefinition attribute(String name,
        String type) {
      return software.amazon.awssdk.services.dynamodb.model.AttributeDefinition.builder().attributeName(name)
          .attributeType(type).build();
    }

    private static software.amazon.awssdk.services.dynamodb.model.KeySchemaElement key(String name, String type) {
      return software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder().attributeName(name)
          .keyType(type).build();
    }

    /** Spring properties pointing a Scopeline service at these servers. */
    public Map<String, String> springProperties() {
      return Map.of(
          "scopeline.kafka.bootstrap-servers", kafka.bootstrapServers(),
          "scopeline.storage.s3.endpoint", s3.endpoint().toString(),
          "scopeline.storage.dynamodb.endpoint", dynamo.endpoint().toString(),
          "scopeline.storage.access-key", ACCESS_KEY,
          "scopeline.storage.secret-key", SECRET_KEY,
          "scopeline.storage.redis.uri", redis.uri());
    }

    @Override
    public void close() {
      redis.close();
      kafka.close();
      s3.close();
      dynamo.close();
    }
  }
}
