package dev.javoy.e2e;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A bare HTTP/2 client connection over a plain socket for tests that must send what well-behaved clients never
 * send (floods, rapid resets, broken header blocks): frames are built by hand, header blocks are HPACK-coded
 * with Netty's coder.
 */
final class RawH2Connection implements AutoCloseable {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int PRIORITY = 0x2;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final int WINDOW_UPDATE = 0x8;
  static final int CONTINUATION = 0x9;
  static final int END_STREAM = 0x1;
  static final int ACK = 0x1;
  static final int END_HEADERS = 0x4;
  static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  record Frame(int type, int flags, int stream, byte[] payload) {}

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);

  private RawH2Connection(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
  }

  /** Connects and sends the preface and an empty SETTINGS frame. */
  static RawH2Connection open(int port) throws IOException {
    return open(port, 0);
  }

  /** @param receiveBuffer a small socket receive buffer makes the peer's writes back up sooner (0: default) */
  static RawH2Connection open(int port, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(10_000);
    s.setTcpNoDelay(true);
    RawH2Connection c = new RawH2Connection(s);
    c.out.write(PREFACE);
    c.frame(SETTINGS, 0, 0, new byte[0]);
    return c;
  }

  static byte[] frameBytes(int type, int flags, int stream, byte[] payload) {
    byte[] f = new byte[9 + payload.length];
    f[0] = (byte) (payload.length >>> 16);
    f[1] = (byte) (payload.length >>> 8);
    f[2] = (byte) payload.length;
    f[3] = (byte) type;
    f[4] = (byte) flags;
    f[5] = (byte) (stream >>> 24 & 0x7F);
    f[6] = (byte) (stream >>> 16);
    f[7] = (byte) (stream >>> 8);
    f[8] = (byte) stream;
    System.arraycopy(payload, 0, f, 9, payload.length);
    return f;
  }

  void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    out.write(frameBytes(type, flags, stream, payload));
    out.flush();
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  static Http2Headers request(String method, String path) {
    return new DefaultHttp2Headers().method(method).scheme("http").path(path).authority("localhost");
  }

  byte[] headerBlock(Http2Headers h) throws Http2Exception {
    ByteBuf buf = Unpooled.buffer();
    try {
      encoder.encodeHeaders(1, h, buf);
      byte[] b = new byte[buf.readableBytes()];
      buf.readBytes(b);
      return b;
    } finally {
      buf.release();
    }
  }

  void headers(int stream, Http2Headers h, boolean endStream) throws Exception {
    frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, headerBlock(h));
  }

  static byte[] rstPayload(int errorCode) {
    return new byte[] {(byte) (errorCode >>> 24), (byte) (errorCode >>> 16), (byte) (errorCode >>> 8), (byte) errorCode};
  }

  /** The next frame, or null at end of stream. SETTINGS from the peer are acknowledged. */
  Frame readFrame() throws IOException {
    byte[] h = new byte[9];
    try {
      in.readFully(h);
    } catch (EOFException e) {
      return null;
    }
    int len = (h[0] & 0xFF) << 16 | (h[1] & 0xFF) << 8 | (h[2] & 0xFF);
    byte[] payload = new byte[len];
    in.readFully(payload);
    Frame f = new Frame(h[3] & 0xFF, h[4] & 0xFF, ((h[5] & 0x7F) << 24) | (h[6] & 0xFF) << 16 | (h[7] & 0xFF) << 8
        | (h[8] & 0xFF), payload);
    if (f.type == SETTINGS && (f.flags & ACK) == 0) {
      frame(SETTINGS, ACK, 0, new byte[0]);
    }
    return f;
  }

  Http2Headers decode(Frame f) throws Http2Exception {
    ByteBuf buf = Unpooled.wrappedBuffer(f.payload());
    try {
      return decoder.decodeHeaders(f.stream(), buf);
    } finally {
      buf.release();
    }
  }

  /** Sends a GET on {@code stream} and reads until its end; returns the response status. */
  int get(int stream, String path) throws Exception {
    headers(stream, request("GET", path), true);
    int status = -1;
    Frame f;
    while ((f = readFrame()) != null) {
      if (f.type == HEADERS) {
        Http2Headers h = decode(f);
        if (f.stream == stream && h.status() != null) {
          status = Integer.parseInt(h.status().toString());
        }
      }
      if (f.stream == stream && ((f.type == HEADERS || f.type == DATA) && (f.flags & END_STREAM) != 0
          || f.type == RST_STREAM)) {
        return status;
      }
    }
    throw new EOFException("connection closed before the response to stream " + stream + " ended");
  }

  /** Reads (and discards) until the peer closes the connection; false if it is still open after the wait. */
  boolean awaitClose(long millis) throws IOException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    socket.setSoTimeout(200);
    byte[] sink = new byte[64 * 1024];
    while (System.nanoTime() < deadline) {
      try {
        if (socket.getInputStream().read(sink) < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        // keep waiting
      } catch (IOException e) {
        return true; // reset by peer
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
