package io.scopeline.service.storage;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** The async S3 and DynamoDB clients both services use, as beans. */
@Configuration(proxyBeanMethods = false)
public class StorageClients {
  @Bean(destroyMethod = "close")
  S3AsyncClient s3Client(StorageProperties storage) {
    return AwsClients.s3(storage);
  }

  @Bean(destroyMethod = "close")
  DynamoDbAsyncClient dynamoClient(StorageProperties storage) {
    return AwsClients.dynamo(storage);
  }
}
