package io.scopeline.embedded;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real S3 API (S3Proxy) in this JVM on loopback, storing objects on disk or in memory. */
public final class EmbeddedS3 implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedS3.class);

  private final BlobStore store;
  private final String accessKey;
  private final String secretKey;
  private final int port;
  private S3Proxy proxy;

  private EmbeddedS3(S3Proxy proxy, BlobStore store, String accessKey, String secretKey) {
    this.proxy = proxy;
    this.store = store;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.port = proxy.getPort();
  }

  /** Starts S3Proxy; {@code dataDir} null keeps objects in memory; {@code port} 0 picks one. */
  public static EmbeddedS3 start(Path dataDir, int port, String accessKey, String secretKey) {
    try {
      BlobStore store = dataDir == null ? new TransientNio2BlobStore()
          : new FilesystemNio2BlobStore(Files.createDirectories(dataDir).toString());
      S3Proxy proxy = startProxy(store, port, accessKey, secretKey);
      log.info("Embedded S3 (S3Proxy) ready on http://127.0.0.1:{}, {}", proxy.getPort(),
          dataDir == null ? "in memory" : "data in " + dataDir);
      return new EmbeddedS3(proxy, store, accessKey, secretKey);
    } catch (Exception e) {
      throw new IllegalStateException("embedded S3 failed to start: " + e.getMessage(), e);
    }
  }

  private static S3Proxy startProxy(BlobStore store, int port, String accessKey, String secretKey) throws Exception {
    S3Proxy proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey).ignoreUnknownHeaders(true)
        .build();
    proxy.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start within 30 s (state " + proxy.getState() + ")");
      }
      Thread.sleep(10);
    }
    return proxy;
  }

  /** Stops serving (connections are refused) but keeps the objects, for outage tests. */
  public synchronized void stop() {
    try {
      proxy.stop();
    } catch (Exception e) {
      log.warn("S3Proxy did not stop cleanly: {}", e.toString());
    }
  }

  /** Serves the same objects again on the same port after {@link #stop()}. */
  public synchronized void restart() {
    try {
      proxy = startProxy(store, port, accessKey, secretKey);
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not restart: " + e.getMessage(), e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  @Override
  public void close() {
    stop();
  }
}
