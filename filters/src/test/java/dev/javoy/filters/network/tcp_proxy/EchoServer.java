package dev.javoy.filters.network.tcp_proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking echo server on its own threads: optionally sends a greeting first, echoes every byte, and after
 * the client's FIN waits a little, sends a trailer, then closes (so a test can tell a half-close from a close).
 */
final class EchoServer implements AutoCloseable {
  private final ServerSocket socket;
  private final byte[] greeting;
  private final byte[] trailer;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger sawEof = new AtomicInteger();

  EchoServer(String greeting, String trailer) throws IOException {
    this.socket = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    this.greeting = greeting.getBytes();
    this.trailer = trailer.getBytes();
    Thread t = new Thread(this::acceptLoop, "echo-accept");
    t.setDaemon(true);
    t.start();
  }

  EchoServer() throws IOException {
    this("", "");
  }

  int port() {
    return socket.getLocalPort();
  }

  int accepted() {
    return accepted.get();
  }

  /** Connections whose client half-closed (the server read EOF). */
  int sawEof() {
    return sawEof.get();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        accepted.incrementAndGet();
        Thread t = new Thread(() -> serve(s), "echo");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      out.write(greeting);
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
      sawEof.incrementAndGet();
      Thread.sleep(100);
      out.write(trailer);
      s.shutdownOutput();
    } catch (IOException | InterruptedException e) {
      // the client went away
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
