package io.scopeline.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipe's probe end ({@code /api/pipe/{id}/probe}) attached to a real process: what the browser
 * sends is the process's input, its output (and errors) come back as binary frames, and when
 * either side ends the other is ended too.
 */
public final class ShellPipe {
  private static final Logger log = LoggerFactory.getLogger(ShellPipe.class);

  private ShellPipe() {}

  /** Starts {@code command} and connects it to the pipe; completes when both are up. */
  public static CompletableFuture<Process> open(HttpClient http, URI appBase, String pipeId,
      Map<String, String> headers, List<String> command) {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    OutputStream stdin = process.getOutputStream();
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    headers.forEach(b::header);
    return b.buildAsync(ProbeControlClient.webSocketUri(appBase, "/api/pipe/" + pipeId + "/probe"),
            new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                write(bytes);
                ws.request(1);
                return null;
              }

              @Override
              public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                write(data.toString().getBytes(StandardCharsets.UTF_8));
                ws.request(1);
                return null;
              }

              private void write(byte[] bytes) {
                try {
                  stdin.write(bytes);
                  stdin.flush();
                } catch (IOException e) {
                  log.debug("Pipe {}: the process no longer reads: {}", pipeId, e.toString());
                }
              }

              @Override
              public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                process.destroy();
                return null;
              }

              @Override
              public void onError(WebSocket ws, Throwable error) {
                process.destroy();
              }
            })
        .whenComplete((ws, e) -> {
          if (e != null) {
            process.destroy();
          }
        })
        .thenApply(ws -> {
          Thread pump = new Thread(() -> pump(process.getInputStream(), ws, pipeId), "pipe-" + pipeId);
          pump.setDaemon(true);
          pump.start();
          return process;
        });
  }

  /** Copies the process's output to the socket until it ends, then closes the socket. */
  private static void pump(InputStream out, WebSocket ws, String pipeId) {
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = out.read(buffer)) >= 0) {
        ws.sendBinary(ByteBuffer.wrap(buffer, 0, n), true).join();
      }
    } catch (IOException | RuntimeException e) {
      log.debug("Pipe {}: output ended: {}", pipeId, e.toString());
    }
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "process ended");
  }
}
