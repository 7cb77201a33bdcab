package dev.javoy.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Real upstream servers for end-to-end tests: an HTTP server that names itself, and a TCP echo server. */
final class TestBackends {
  private TestBackends() {}

  /**
   * An HTTP/1.1 server answering {@code <name> <method> <path> host=<host>} and echoing request bodies;
   * {@code /slow...} answers after 3 s.
   */
  static HttpServer http(String name) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    s.setExecutor(Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "backend-" + name);
      t.setDaemon(true);
      return t;
    }));
    s.createContext("/", ex -> {
      try (ex) {
        byte[] in = ex.getRequestBody().readAllBytes();
        String path = ex.getRequestURI().toString();
        if (path.startsWith("/slow")) {
          Thread.sleep(3000);
        }
        String text = name + " " + ex.getRequestMethod() + " " + path + " host=" + ex.getRequestHeaders().getFirst("Host")
            + (in.length > 0 ? " body=" + new String(in, StandardCharsets.UTF_8) : "");
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.getResponseHeaders().set("X-Backend", name);
        ex.sendResponseHeaders(200, out.length);
        ex.getResponseBody().write(out);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    s.start();
    return s;
  }

  /** Answers one exchange, which is closed after it. */
  interface Handler {
    void handle(com.sun.net.httpserver.HttpExchange ex) throws IOException;
  }

  /** An HTTP/1.1 server on the loopback address running {@code handler} on {@code threads} daemon threads. */
  static HttpServer http(String threadName, int threads, Handler handler) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    s.setExecutor(Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    }));
    s.createContext("/", ex -> {
      try (ex) {
        handler.handle(ex);
      }
    });
    s.start();
    return s;
  }

  /** A TCP echo server; close the returned socket to stop it. */
  static ServerSocket echo() throws IOException {
    ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "echo");
      t.setDaemon(true);
      return t;
    });
    pool.execute(() -> {
      while (!ss.isClosed()) {
        try {
          Socket c = ss.accept();
          pool.execute(() -> {
            try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
              in.transferTo(out);
            } catch (IOException e) {
              // client went away
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
    return ss;
  }
}
