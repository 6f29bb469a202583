package io.scopeline.service.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where reports are kept.
 *
 * @param region AWS region of S3 and DynamoDB
 * @param accessKey static access key (standalone and tests); unset = the AWS default credentials chain
 * @param secretKey static secret key, with {@code accessKey}
 * @param requestTimeout longest one S3 or DynamoDB request attempt may take (the SDK retries it)
 * @param createResources create the bucket and table when missing (standalone and development);
 *     otherwise their absence keeps readiness DOWN with a message saying what is missing
 * @param s3 object store for quantum objects
 * @param dynamodb index table of quanta per tenant and hour
 * @param redis hot copies, shortcut notifications and the probe status table
 */
@ConfigurationProperties("scopeline.storage")
public record StorageProperties(
    @DefaultValue("us-east-1") String region,
    String accessKey,
    String secretKey,
    @DefaultValue("10s") java.time.Duration requestTimeout,
    @DefaultValue("false") boolean createResources,
    @DefaultValue S3 s3,
    @DefaultValue DynamoDb dynamodb,
    @DefaultValue Redis redis) {

  /**
   * @param endpoint S3 endpoint override (S3Proxy, MinIO); unset = AWS
   * @param bucket bucket holding quantum objects
   * @param pathStyle path-style addressing, needed by most S3-compatible servers
   */
  public record S3(String endpoint, @DefaultValue("scopeline-reports") String bucket,
      @DefaultValue("true") boolean pathStyle) {}

  /**
   * @param endpoint DynamoDB endpoint override (DynamoDB Local); unset = AWS
   * @param table index table: hash key {@code hour} (S), range key {@code ts} (N)
   */
  public record DynamoDb(String endpoint, @DefaultValue("scopeline_reports") String table) {}

  /**
   * @param uri Redis URI
   * @param commandTimeout how long a Redis command may take before it counts as failed
   */
  public record Redis(@DefaultValue("redis://localhost:6379") String uri,
      @DefaultValue("1s") java.time.Duration commandTimeout) {}
}
