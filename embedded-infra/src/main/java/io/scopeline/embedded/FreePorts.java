package io.scopeline.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback port helpers. */
public final class FreePorts {
  private FreePorts() {}

  /**
   * Ports are picked below Linux's ephemeral range (32768–60999 by default): a port the kernel
   * handed out for port 0 may be handed out again, between the pick and the server's bind, as the
   * local end of any outgoing connection, and the server then fails with "address in use".
   */
  private static final int LOW = 10_000;
  private static final int HIGH = 32_000;
  private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A port that was free on 127.0.0.1 a moment ago (for servers that cannot bind port 0 themselves),
   * never one this JVM gave before.
   */
  public static int pick() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = random.nextInt(LOW, HIGH);
      if (GIVEN.contains(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
        if (GIVEN.add(port)) {
          return port;
        }
      } catch (IOException e) {
        // taken: try another
      }
    }
    throw new UncheckedIOException(new IOException("no free loopback port in " + LOW + "-" + HIGH));
  }

  /** {@code port} itself when positive, else a free one. */
  public static int orPick(int port) {
    return port > 0 ? port : pick();
  }

  /** True when something accepts TCP connections on 127.0.0.1:{@code port}. */
  public static boolean isListening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
