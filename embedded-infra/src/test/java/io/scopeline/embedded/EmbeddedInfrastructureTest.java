package io.scopeline.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;

/** Each embedded server is the real thing: real clients talk to it, and persisted data survives a restart. */
class EmbeddedInfrastructureTest {
  private static final StaticCredentialsProvider CREDS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("scopeline", "scopeline"));

  @TempDir
  Path dir;

  @Test
  void kafkaBrokerServesProducersAndConsumersAndKeepsDataAcrossRestart() {
    Path data = dir.resolve("kafka");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(data, 0)) {
      kafka.createTopics(2, "t");
      Properties pp = new Properties();
      pp.put("bootstrap.servers", kafka.bootstrapServers());
      pp.put("acks", "all");
      try (var producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("t", "k", "hello")).get();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(data, 0)) {
      Properties cp = new Properties();
      cp.put("bootstrap.servers", kafka.bootstrapServers());
      cp.put("group.id", "g");
      cp.put("auto.offset.reset", "earliest");
      try (var consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of("t"));
        String value = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (value == null && System.nanoTime() < deadline) {
          ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
          for (var r : records) {
            value = r.value();
          }
        }
        assertThat(value).isEqualTo("hello");
      }
    }
  }

  @Test
  void s3ProxyStoresObjectsOnDiskAcrossRestart() {
    Path data = dir.resolve("s3");
    try (EmbeddedS3 s3 = EmbeddedS3.start(data, 0, "scopeline", "scopeline")) {
      try (S3Client client = s3Client(s3.endpoint())) {
        client.createBucket(b -> b.bucket("reports"));
        client.putObject(b -> b.bucket("reports").key("ab/1-0"), RequestBody.fromString("payload"));
      }
    }
    try (EmbeddedS3 s3 = EmbeddedS3.start(data, 0, "scopeline", "scopeline")) {
      try (S3Client client = s3Client(s3.endpoint())) {
        assertThat(client.getObjectAsBytes(b -> b.bucket("reports").key("ab/1-0")).asUtf8String()).isEqualTo("payload");
      }
    }
  }

  @Test
  void dynamoDbLocalKeepsTablesOnDiskAcrossRestart() {
    Path data = dir.resolve("dynamo");
    try (EmbeddedDynamoDb ddb = EmbeddedDynamoDb.start(data, 0); DynamoDbClient client = dynamo(ddb.endpoint())) {
      client.createTable(b -> b.tableName("index").billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(AttributeDefinition.builder().attributeName("hour").attributeType(ScalarAttributeType.S).build(),
              AttributeDefinition.builder().attributeName("ts").attributeType(ScalarAttributeType.N).build())
          .keySchema(KeySchemaElement.builder().attributeName("hour").keyType(KeyType.HASH).build(),
              KeySchemaElement.builder().attributeName("ts").keyType(KeyType.RANGE).build()));
      client.putItem(b -> b.tableName("index").item(Map.of("hour", AttributeValue.fromS("acme-1"),
          "ts", AttributeValue.fromN("5"), "report", AttributeValue.fromS("k"))));
    }
    try (EmbeddedDynamoDb ddb = EmbeddedDynamoDb.start(data, 0); DynamoDbClient client = dynamo(ddb.endpoint())) {
      var item = client.getItem(b -> b.tableName("index").key(Map.of("hour", AttributeValue.fromS("acme-1"),
          "ts", AttributeValue.fromN("5")))).item();
      assertThat(item.get("report").s()).isEqualTo("k");
    }
  }

  @Test
  void redisAnswersAndStopsAndRestarts() {
    try (EmbeddedRedis redis = EmbeddedRedis.start(0)) {
      assertThat(EmbeddedRedis.answersPing(redis.port())).isTrue();
      redis.stop();
      assertThat(EmbeddedRedis.answersPing(redis.port())).isFalse();
      try (EmbeddedRedis again = redis.restart()) {
        assertThat(EmbeddedRedis.answersPing(again.port())).isTrue();
      }
    }
  }

  private static S3Client s3Client(URI endpoint) {
    return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDS)
        .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create()).build();
  }

  private static DynamoDbClient dynamo(URI endpoint) {
    return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDS)
        .httpClient(UrlConnectionHttpClient.create()).build();
  }
}
