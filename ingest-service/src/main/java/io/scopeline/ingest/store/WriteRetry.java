package io.scopeline.ingest.store;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

/**
 * Capped exponential backoff with jitter for durable writes. Throttling, 5xx and connection
 * failures are retried without limit: while a store is down, persistence waits, which holds back
 * offset commits and, through the per-partition bound, stops consumption. Client errors (4xx
 * other than throttling) are not retried: they are bugs or misconfiguration and must surface.
 */
public final class WriteRetry {
  private WriteRetry() {}

  public static RetryBackoffSpec forever(Duration initial, Duration max, Runnable onRetry) {
    return Retry.backoff(Long.MAX_VALUE, initial).maxBackoff(max).jitter(0.5).filter(WriteRetry::isRetryable)
        .doBeforeRetry(s -> onRetry.run());
  }

  /** A batch the store took only part of (DynamoDB's unprocessed items): the rest is retried with backoff. */
  public static final class Incomplete extends RuntimeException {
    public Incomplete(String message) {
      super(message, null, false, false);
    }
  }

  /** The SDK's exception inside a future's CompletionException. */
  public static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  /** True for throttling, server errors, transport failures and incomplete batches. */
  public static boolean isRetryable(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof Incomplete) {
      return true;
    }
    if (e instanceof SdkServiceException s) {
      return s.isThrottlingException() || s.statusCode() >= 500 || s.statusCode() == 429
          || "ProvisionedThroughputExceededException".equals(errorCode(s)) || "SlowDown".equals(errorCode(s));
    }
    return e instanceof SdkClientException || e instanceof java.io.IOException;
  }

  private static String errorCode(SdkServiceException s) {
    if (s instanceof software.amazon.awssdk.awscore.exception.AwsServiceException a && a.awsErrorDetails() != null) {
      return a.awsErrorDetails().errorCode();
    }
    return "";
  }
}
