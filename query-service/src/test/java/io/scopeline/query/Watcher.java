package io.scopeline.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopeline.codec.WireHeaders;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/** A real WebSocket client collecting text frames and pings. */
final class Watcher implements AutoCloseable {
  final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  final BlockingQueue<String> pings = new LinkedBlockingQueue<>();
  final java.util.concurrent.CompletableFuture<CloseStatus> closed = new java.util.concurrent.CompletableFuture<>();
  final Disposable connection;

  Watcher(int port, String tenant, String path) {
    var client = new ReactorNettyWebSocketClient(HttpClient.create(),
        () -> WebsocketClientSpec.builder().handlePing(true).maxFramePayloadLength(16 << 20));
    HttpHeaders headers = new HttpHeaders();
    headers.add(WireHeaders.ORG_ID, tenant);
    connection = client.execute(URI.create("ws://127.0.0.1:" + port + path), headers,
        session -> session.closeStatus().doOnNext(closed::complete).then().and(session.receive().doOnNext(m -> {
          if (m.getType() == WebSocketMessage.Type.PING) {
            pings.add("ping");
          } else if (m.getType() == WebSocketMessage.Type.TEXT) {
            frames.add(m.getPayloadAsText());
          }
        }).then())).subscribe();
  }

  String next(Duration within) throws InterruptedException {
    String f = frames.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(f).as("a frame within %s", within).isNotNull();
    return f;
  }

  String nextMatching(Predicate<String> p, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      String f = frames.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
      if (f != null && p.test(f)) {
        return f;
      }
    }
    throw new AssertionError("no matching frame within " + within);
  }

  @Override
  public void close() {
    connection.dispose();
  }
}
