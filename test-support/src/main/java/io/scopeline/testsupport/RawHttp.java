package io.scopeline.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP/1.1 exchange over a raw socket, so a test sends exactly the headers an attacker would
 * (two of one name, a foreign Host) and can open a WebSocket without a client library's help.
 */
public final class RawHttp {
  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");

  /** The status (-1: none), the status line, and everything received (head and body, or first frames). */
  public record Answer(int status, String head, String text) {}

  private RawHttp() {}

  /**
   * Sends {@code method path} to loopback {@code port} with {@code headers} (name, value pairs; a
   * Host among them replaces the right one). {@code socket}: as a WebSocket handshake, whose
   * frames are read for 1.5 s once it opens.
   */
  public static Answer send(int port, String method, String path, List<String[]> headers, boolean socket)
      throws IOException {
    return send(port, method, path, headers, socket, new byte[0]);
  }

  /** As {@link #send(int, String, String, List, boolean)}, with a request body. */
  public static Answer send(int port, String method, String path, List<String[]> headers, boolean socket,
      byte[] body) throws IOException {
    StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    if (headers.stream().noneMatch(h -> h[0].equalsIgnoreCase("Host"))) {
      req.append("Host: 127.0.0.1:").append(port).append("\r\n");
    }
    for (String[] h : headers) {
      req.append(h[0]).append(": ").append(h[1]).append("\r\n");
    }
    if (socket) {
      req.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
          .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
    } else {
      req.append("Connection: close\r\n");
    }
    if (!method.equals("GET") || body.length > 0) {
      req.append("Content-Length: ").append(body.length).append("\r\n");
    }
    req.append("\r\n");
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().write(body);
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int headEnd = -1;
      while (headEnd < 0) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        got.write(buf, 0, n);
        headEnd = got.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
      }
      String text = got.toString(StandardCharsets.ISO_8859_1);
      String head = text.contains("\r\n") ? text.substring(0, text.indexOf("\r\n")) : text;
      int status = head.startsWith("HTTP/1.1 ") ? Integer.parseInt(head.substring(9, 12)) : -1;
      // The rest: an open WebSocket's first frames (for a while), else the body to its end.
      s.setSoTimeout(status == 101 ? 1500 : socket ? 3000 : 20_000);
      Matcher length = CONTENT_LENGTH.matcher(text);
      int want = status != 101 && length.find() && headEnd >= 0 ? headEnd + 4 + Integer.parseInt(length.group(1)) : -1;
      long deadline = System.nanoTime() + (status == 101 ? 1_500_000_000L : 20_000_000_000L);
      try {
        while ((want < 0 || got.size() < want) && System.nanoTime() < deadline) {
          int n = in.read(buf);
          if (n < 0) {
            break;
          }
          got.write(buf, 0, n);
        }
      } catch (SocketTimeoutException timeout) {
        // An open WebSocket, or a server that keeps the connection: what came so far is the answer.
      }
      return new Answer(status, head, got.toString(StandardCharsets.ISO_8859_1));
    }
  }
}
