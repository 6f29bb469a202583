package io.scopeline.scaleout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

/**
 * What a Kubernetes Service does for the test: each new connection goes to the first backend that
 * accepts it, so when one replica dies, reconnecting clients land on another.
 */
final class TcpBalancer implements AutoCloseable {
  private final ServerSocket server;
  private final List<Integer> backends;

  TcpBalancer(List<Integer> backends) throws IOException {
    this.backends = backends;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "balancer-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket backend = connect();
        if (backend == null) {
          client.close();
          continue;
        }
        pump(client, backend);
        pump(backend, client);
      } catch (IOException e) {
        // closed, or one connection failed: keep serving the others
      }
    }
  }

  private Socket connect() {
    for (int port : backends) {
      try {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return s;
      } catch (IOException e) {
        // that replica is gone; try the next
      }
    }
    return null;
  }

  private static void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }, "balancer-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
