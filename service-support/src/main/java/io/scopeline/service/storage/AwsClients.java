package io.scopeline.service.storage;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Builds the async S3 and DynamoDB clients from {@link StorageProperties}. */
public final class AwsClients {
  private AwsClients() {}

  static AwsCredentialsProvider credentials(StorageProperties props) {
    if (props.accessKey() != null && !props.accessKey().isBlank()) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(props.accessKey(), props.secretKey()));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  private static ClientOverrideConfiguration timeouts(StorageProperties props) {
    return ClientOverrideConfiguration.builder().apiCallAttemptTimeout(props.requestTimeout()).build();
  }

  private static NettyNioAsyncHttpClient.Builder http(StorageProperties props) {
    Duration connect = props.requestTimeout().compareTo(Duration.ofSeconds(5)) < 0 ? props.requestTimeout()
        : Duration.ofSeconds(5);
    return NettyNioAsyncHttpClient.builder().connectionTimeout(connect);
  }

  public static S3AsyncClient s3(StorageProperties props) {
    var b = S3AsyncClient.builder().region(Region.of(props.region())).credentialsProvider(credentials(props))
        .forcePathStyle(props.s3().pathStyle())
        // Checksums only where S3 requires them: S3-compatible servers vary in trailer support.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(timeouts(props))
        .httpClientBuilder(http(props));
    if (props.s3().endpoint() != null && !props.s3().endpoint().isBlank()) {
      b.endpointOverride(URI.create(props.s3().endpoint()));
    }
    return b.build();
  }

  public static DynamoDbAsyncClient dynamo(StorageProperties props) {
    var b = DynamoDbAsyncClient.builder().region(Region.of(props.region())).credentialsProvider(credentials(props))
        .overrideConfiguration(timeouts(props))
        .httpClientBuilder(http(props));
    if (props.dynamodb().endpoint() != null && !props.dynamodb().endpoint().isBlank()) {
      b.endpointOverride(URI.create(props.dynamodb().endpoint()));
    }
    return b.build();
  }
}
