package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/1.1 upgrades through javoy ({@code upgrade_configs}): the JDK WebSocket client talks to a Netty WebSocket
 * echo backend (text, binary, close handshake); an upgrade answered with 200 stays a normal response on a
 * reusable connection; a disabled upgrade gets Envoy's 403.
 */
class WebSocketEndToEndTest {
  @TempDir
  static Path dir;
  static EventLoopGroup group;
  static Channel backend;
  static JavoyProcess javoy;
  static int httpPort;
  static int disabledPort;

  @BeforeAll
  static void start() throws Exception {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    backend = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                new WebSocketServerProtocolHandler("/ws", null, false, 65536, false, true),
                new Backend());
          }
        }).bind("127.0.0.1", 0).sync().channel();
    int admin = JavoyProcess.freePort();
    httpPort = JavoyProcess.freePort();
    disabledPort = JavoyProcess.freePort();
    Path config = ConfigTemplate.render("/e2e/websocket.yaml", Map.of(
        "ADMIN", Integer.toString(admin),
        "HTTP", Integer.toString(httpPort),
        "HTTP_DISABLED", Integer.toString(disabledPort),
        "BACKEND", Integer.toString(((InetSocketAddress) backend.localAddress()).getPort())), dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2", "-l", "warning");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    if (backend != null) {
      backend.close().sync();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** Echoes WebSocket data frames; plain HTTP requests (also upgrade requests off /ws) get a 200. */
  static final class Backend extends SimpleChannelInboundHandler<Object> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof TextWebSocketFrame t) {
        ctx.writeAndFlush(new TextWebSocketFrame("echo: " + t.text()));
      } else if (msg instanceof BinaryWebSocketFrame b) {
        ctx.writeAndFlush(new BinaryWebSocketFrame(b.content().retain()));
      } else if (msg instanceof WebSocketFrame) {
        // control frames are handled by the protocol handler
      } else if (msg instanceof FullHttpRequest req) {
        byte[] body = ("plain " + req.uri() + " upgrade=" + req.headers().get(HttpHeaderNames.UPGRADE))
            .getBytes(StandardCharsets.UTF_8);
        var resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
            Unpooled.wrappedBuffer(body));
        resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        ctx.writeAndFlush(resp);
      }
    }
  }

  /** Collects what the client receives. */
  static final class Listener implements WebSocket.Listener {
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        received.add(text.toString());
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      binary.writeBytes(b);
      if (last) {
        received.add(binary.toByteArray());
        binary.reset();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.completeExceptionally(error);
    }
  }

  @Test
  void webSocketTextBinaryAndCloseThroughTheTunnel() throws Exception {
    long before = ConfigTemplate.stat(javoy, "http.ws.downstream_cx_upgrades_total");
    Listener l = new Listener();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/ws"), l).get(10, TimeUnit.SECONDS);
    ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
    assertEquals("echo: hello", l.received.poll(5, TimeUnit.SECONDS));
    byte[] payload = new byte[100_000];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 31);
    }
    // one 50 kB frame: under the backend's 64 kB frame limit, larger than one socket read through the tunnel
    byte[] half = java.util.Arrays.copyOf(payload, 50_000);
    ws.sendBinary(ByteBuffer.wrap(half), true).get(5, TimeUnit.SECONDS);
    Object got = l.received.poll(5, TimeUnit.SECONDS);
    assertInstanceOf(byte[].class, got);
    assertTrue(java.util.Arrays.equals(half, (byte[]) got), "binary echo");
    for (int i = 0; i < 20; i++) {
      ws.sendText("m" + i, true).get(5, TimeUnit.SECONDS);
      assertEquals("echo: m" + i, l.received.poll(5, TimeUnit.SECONDS));
    }
    assertTrue(ConfigTemplate.stat(javoy, "http.ws.downstream_cx_upgrades_active") >= 1);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    String close = l.closed.get(5, TimeUnit.SECONDS);
    assertTrue(close.startsWith("1000"), close);
    assertTrue(ConfigTemplate.awaitStat(javoy, "http.ws.downstream_cx_upgrades_total", before + 1) >= before + 1);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (ConfigTemplate.stat(javoy, "http.ws.downstream_cx_upgrades_active") != 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, ConfigTemplate.stat(javoy, "http.ws.downstream_cx_upgrades_active"));
  }

  @Test
  void manyLargeFramesBothWaysArriveInOrder() throws Exception {
    Listener l = new Listener();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/ws"), l).get(10, TimeUnit.SECONDS);
    int n = 40;
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[60_000];
      java.util.Arrays.fill(b, (byte) i);
      ws.sendBinary(ByteBuffer.wrap(b), true).get(5, TimeUnit.SECONDS);
    }
    for (int i = 0; i < n; i++) {
      byte[] got = (byte[]) l.received.poll(10, TimeUnit.SECONDS);
      assertEquals(60_000, got.length, "frame " + i);
      assertEquals((byte) i, got[0]);
      assertEquals((byte) i, got[59_999]);
    }
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    l.closed.get(5, TimeUnit.SECONDS);
  }

  @Test
  void theRouteIdleTimeoutEndsAnIdleTunnel() throws Exception {
    Listener l = new Listener();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/ws/idle"), l).get(10, TimeUnit.SECONDS);
    ws.sendText("still here", true).get(5, TimeUnit.SECONDS);
    assertEquals("echo: still here", l.received.poll(5, TimeUnit.SECONDS));
    long start = System.nanoTime();
    try {
      l.closed.get(5, TimeUnit.SECONDS); // closed without a close frame: onClose(1006) or onError, both end it
    } catch (ExecutionException expected) {
      // the connection went away under the client
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms >= 100 && ms < 4000, "closed after " + ms + " ms");
  }

  @Test
  void upgradeAnsweredWith200IsANormalResponse() throws Exception {
    try (Socket s = new Socket("127.0.0.1", httpPort)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(("GET /plain HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
          + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String[] first = readResponse(in);
      assertTrue(first[0].startsWith("HTTP/1.1 200"), first[0]);
      assertEquals("plain /plain upgrade=websocket", first[1]);
      out.write("GET /again HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String[] second = readResponse(in);
      assertTrue(second[0].startsWith("HTTP/1.1 200"), second[0]);
      assertEquals("plain /again upgrade=null", second[1]);
    }
  }

  @Test
  void routeDisablingTheUpgradeGets403() throws Exception {
    var f = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/nows"), new Listener());
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> f.get(10, TimeUnit.SECONDS));
    WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
    assertEquals(403, h.getResponse().statusCode());
  }

  @Test
  void routeEnablingTheUpgradeOverridesTheConnectionManager() throws Exception {
    Listener l = new Listener();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + disabledPort + "/ws"), l).get(10, TimeUnit.SECONDS);
    ws.sendText("routed", true).get(5, TimeUnit.SECONDS);
    assertEquals("echo: routed", l.received.poll(5, TimeUnit.SECONDS));
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    l.closed.get(5, TimeUnit.SECONDS);
  }

  @Test
  void disabledUpgradeIsRejectedWith403() throws Exception {
    var f = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + disabledPort + "/other"), new Listener());
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> f.get(10, TimeUnit.SECONDS));
    WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
    assertEquals(403, h.getResponse().statusCode());
    // a plain request on that listener still works
    try (Socket s = new Socket("127.0.0.1", disabledPort)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String[] r = readResponse(s.getInputStream());
      assertTrue(r[0].startsWith("HTTP/1.1 200"), r[0]);
    }
  }

  @Test
  void http2ExtendedConnectToAnHttp1WebSocketBackend() throws Exception {
    try (RawH2Connection c = RawH2Connection.open(httpPort)) {
      boolean connectProtocol = false;
      RawH2Connection.Frame f;
      while ((f = c.readFrame()) != null && !(f.type() == RawH2Connection.SETTINGS && (f.flags() & 1) == 0)) {
        // wait for the server's SETTINGS
      }
      byte[] p = f.payload();
      for (int i = 0; i + 6 <= p.length; i += 6) {
        int id = (p[i] & 0xFF) << 8 | (p[i + 1] & 0xFF);
        long v = ((long) (p[i + 2] & 0xFF) << 24) | (p[i + 3] & 0xFF) << 16 | (p[i + 4] & 0xFF) << 8
            | (p[i + 5] & 0xFF);
        if (id == 0x8 && v == 1) {
          connectProtocol = true;
        }
      }
      assertTrue(connectProtocol, "SETTINGS_ENABLE_CONNECT_PROTOCOL");
      Http2Headers h = new DefaultHttp2Headers().method("CONNECT").scheme("http").path("/ws").authority("localhost");
      h.set(Http2Headers.PseudoHeaderName.PROTOCOL.value(), "websocket");
      h.set("sec-websocket-version", "13");
      h.set("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
      c.headers(1, h, false);
      String status = null;
      while (status == null && (f = c.readFrame()) != null) {
        if (f.type() == RawH2Connection.HEADERS && f.stream() == 1) {
          status = c.decode(f).status().toString();
        }
        assertTrue(f.type() != RawH2Connection.RST_STREAM && f.type() != RawH2Connection.GOAWAY, "frame " + f.type());
      }
      assertEquals("200", status);
      // a masked client text frame "hi" (RFC 6455) in one DATA frame
      byte[] mask = {1, 2, 3, 4};
      byte[] text = "hi".getBytes(StandardCharsets.UTF_8);
      byte[] ws = new byte[2 + 4 + text.length];
      ws[0] = (byte) 0x81;
      ws[1] = (byte) (0x80 | text.length);
      System.arraycopy(mask, 0, ws, 2, 4);
      for (int i = 0; i < text.length; i++) {
        ws[6 + i] = (byte) (text[i] ^ mask[i % 4]);
      }
      c.frame(RawH2Connection.DATA, 0, 1, ws);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      while (got.size() < 2 + "echo: hi".length() && (f = c.readFrame()) != null) {
        if (f.type() == RawH2Connection.DATA && f.stream() == 1) {
          got.writeBytes(f.payload());
        }
        assertTrue(f.type() != RawH2Connection.RST_STREAM, "reset");
      }
      byte[] echo = got.toByteArray();
      assertEquals((byte) 0x81, echo[0]);
      assertEquals("echo: hi", new String(echo, 2, echo[1], StandardCharsets.UTF_8));
    }
  }

  /** Reads one Content-Length delimited response: {status line + headers, body}. */
  static String[] readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("EOF in headers: " + head);
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String h = head.toString(StandardCharsets.US_ASCII);
    int len = 0;
    for (String line : h.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        len = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(len);
    return new String[] {h, new String(body, StandardCharsets.UTF_8)};
  }
}
