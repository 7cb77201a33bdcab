package dev.javoy.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client on one kept-alive socket, for end-to-end tests that need what curl and
 * {@code java.net.http} do not give: any {@code Host}, request bodies sent as explicit chunks, many requests on
 * one connection, and reading a response the server sends before it has read the whole request.
 */
final class RawHttpClient implements AutoCloseable {
  /** A response: status, headers (lower-case names, first value) and body. */
  record Response(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final int port;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  RawHttpClient(int port) {
    this.port = port;
  }

  /** A request without a body; reconnects when the previous response closed the connection. */
  Response get(String host, String path, String... headers) throws IOException {
    return send("GET", host, path, null, headers);
  }

  /**
   * Sends a request; with {@code chunks} the body goes chunked, each chunk flushed on its own after a short pause
   * (so the proxy sees several), else there is no body.
   */
  Response send(String method, String host, String path, byte[][] chunks, String... headers) throws IOException {
    connectIfNeeded();
    StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    if (chunks != null) {
      head.append("Transfer-Encoding: chunked\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    try {
      if (chunks != null) {
        for (byte[] c : chunks) {
          out.write((Integer.toHexString(c.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          out.write(c);
          out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          sleep(5);
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (SocketException e) {
      // the server answered (and closed) before it took the whole body: read that answer
    }
    return readResponse();
  }

  private Response readResponse() throws IOException {
    String statusLine = line();
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); !l.isEmpty(); l = line()) {
      int c = l.indexOf(':');
      headers.putIfAbsent(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
    }
    byte[] body;
    if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int n = Integer.parseInt(line().trim(), 16); n > 0; n = Integer.parseInt(line().trim(), 16)) {
        b.write(in.readNBytes(n));
        line();
      }
      while (!line().isEmpty()) {
        // trailers
      }
      body = b.toByteArray();
    } else {
      body = new byte[0];
    }
    if ("close".equalsIgnoreCase(headers.get("connection"))) {
      close();
    }
    return new Response(status, headers, body);
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed mid-response: " + b);
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private void connectIfNeeded() throws IOException {
    if (socket == null || socket.isClosed()) {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      socket.setTcpNoDelay(true);
      in = new java.io.BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
      socket = null;
    }
  }
}
