package io.scopeline.ingest.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Which store failures are retried. Throttling cannot be provoked from DynamoDB Local or S3Proxy,
 * so these use the SDK's own exception types, built as the SDK builds them.
 */
class WriteRetryTest {
  private static S3Exception s3(int status, String code) {
    return (S3Exception) S3Exception.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
  }

  @Test
  void throttlingServerErrorsAndTransportFailuresAreRetried() {
    assertThat(WriteRetry.isRetryable(ProvisionedThroughputExceededException.builder().statusCode(400)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
        .build())).isTrue();
    assertThat(WriteRetry.isRetryable(s3(503, "SlowDown"))).isTrue();
    assertThat(WriteRetry.isRetryable(s3(500, "InternalError"))).isTrue();
    assertThat(WriteRetry.isRetryable(new CompletionException(SdkClientException.create("connection refused"))))
        .isTrue();
  }

  @Test
  void clientErrorsAreNotRetried() {
    assertThat(WriteRetry.isRetryable(s3(403, "AccessDenied"))).isFalse();
    assertThat(WriteRetry.isRetryable(s3(404, "NoSuchBucket"))).isFalse();
    assertThat(WriteRetry.isRetryable(new IllegalArgumentException("bug"))).isFalse();
  }

  @Test
  void retriesWithGrowingCappedBackoffUntilTheWriteSucceeds() {
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger retries = new AtomicInteger();
    Mono<String> write = Mono.defer(() -> attempts.incrementAndGet() < 6 ? Mono.error(s3(503, "SlowDown"))
        : Mono.just("stored"));
    StepVerifier.withVirtualTime(() -> write.retryWhen(
            WriteRetry.forever(Duration.ofMillis(50), Duration.ofSeconds(1), retries::incrementAndGet)))
        .thenAwait(Duration.ofMinutes(1))
        .expectNext("stored").verifyComplete();
    assertThat(attempts).hasValue(6);
    assertThat(retries).hasValue(5);
  }
}
