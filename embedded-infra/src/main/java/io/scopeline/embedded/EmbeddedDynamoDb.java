package io.scopeline.embedded;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real DynamoDB API (DynamoDB Local) in this JVM, served by our own Jetty connector so that it
 * binds loopback only and sends no telemetry. Access key ids must be letters and digits.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDynamoDb.class);

  private final Server server;
  private final LocalDynamoDBRequestHandler handler;
  private final int port;

  private EmbeddedDynamoDb(Server server, LocalDynamoDBRequestHandler handler, int port) {
    this.server = server;
    this.handler = handler;
    this.port = port;
  }

  /** Starts DynamoDB Local; {@code dataDir} null keeps tables in memory; {@code port} 0 picks one. */
  public static EmbeddedDynamoDb start(Path dataDir, int port) {
    try {
      boolean inMemory = dataDir == null;
      String dbPath = inMemory ? null : Files.createDirectories(dataDir).toString();
      // (port, inMemory, dbPath, sharedDb, delayTransientStatuses): one database for every key/region.
      LocalDynamoDBRequestHandler handler = new LocalDynamoDBRequestHandler(0, inMemory, dbPath, true, false);
      Server server = new Server();
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(port);
      server.addConnector(connector);
      server.setHandler(new LocalDynamoDBServerHandler(handler, "*"));
      server.start();
      int actual = connector.getLocalPort();
      log.info("Embedded DynamoDB (DynamoDB Local) ready on http://127.0.0.1:{}, {}", actual,
          inMemory ? "in memory" : "data in " + dataDir);
      return new EmbeddedDynamoDb(server, handler, actual);
    } catch (Exception e) {
      throw new IllegalStateException("embedded DynamoDB failed to start: " + e.getMessage(), e);
    }
  }

  /**
   * Stops serving (connections are refused) but keeps the tables, for outage tests: only the
   * connector stops; stopping the server would also shut the in-memory database down.
   */
  public synchronized void stop() {
    try {
      server.getConnectors()[0].stop();
    } catch (Exception e) {
      log.warn("DynamoDB Local connector did not stop cleanly: {}", e.toString());
    }
  }

  /** Serves the same tables again on the same port after {@link #stop()}. */
  public synchronized void restart() {
    try {
      ServerConnector connector = (ServerConnector) server.getConnectors()[0];
      connector.setPort(port);
      connector.start();
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not restart: " + e.getMessage(), e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("DynamoDB Local did not stop cleanly: {}", e.toString());
    }
    handler.shutdown();
  }
}
