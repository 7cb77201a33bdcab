package dev.javoy.filters.listener.tls_inspector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** The ClientHello parser on real ClientHellos from the JDK's SSLEngine and from {@code openssl s_client}. */
class ClientHelloParserTest {
  private static final int MAX = TlsInspectorFilter.MAX_CLIENT_HELLO_SIZE;

  /** The first flight of a JDK TLS client: the ClientHello records. */
  static byte[] jdkClientHello(String sni, String... alpn) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, null, null);
    SSLEngine engine = ctx.createSSLEngine(sni == null ? null : sni, 443);
    engine.setUseClientMode(true);
    SSLParameters p = engine.getSSLParameters();
    if (sni != null) {
      p.setServerNames(List.of(new SNIHostName(sni)));
    }
    if (alpn.length > 0) {
      p.setApplicationProtocols(alpn);
    }
    engine.setSSLParameters(p);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] b = new byte[out.remaining()];
    out.get(b);
    return b;
  }

  private static ClientHelloParser.Result parse(byte[] b) {
    return ClientHelloParser.parse(Unpooled.wrappedBuffer(b), MAX);
  }

  @Test
  void jdkClientHelloWithSniAndAlpn() throws Exception {
    byte[] hello = jdkClientHello("a.example.com", "h2", "http/1.1");
    var r = assertInstanceOf(ClientHelloParser.ClientHello.class, parse(hello));
    assertEquals("a.example.com", r.serverName());
    assertEquals(List.of("h2", "http/1.1"), r.alpn());
    assertEquals(hello.length, r.bytes());
  }

  @Test
  void jdkClientHelloWithoutSniOrAlpn() throws Exception {
    var r = assertInstanceOf(ClientHelloParser.ClientHello.class, parse(jdkClientHello(null)));
    assertEquals("", r.serverName());
    assertEquals(List.of(), r.alpn());
  }

  @Test
  void everyPrefixNeedsMoreAndTheBufferIsNotConsumed() throws Exception {
    byte[] hello = jdkClientHello("split.example", "h2");
    for (int n = 0; n < hello.length; n++) {
      ByteBuf b = Unpooled.wrappedBuffer(hello, 0, n);
      assertInstanceOf(ClientHelloParser.NeedMore.class, ClientHelloParser.parse(b, MAX), "prefix " + n);
      assertEquals(0, b.readerIndex());
    }
  }

  @Test
  void clientHelloSpreadOverManySmallRecords() throws Exception {
    byte[] hello = jdkClientHello("records.example", "h2", "http/1.1");
    byte[] split = refragment(hello, 7);
    var r = assertInstanceOf(ClientHelloParser.ClientHello.class, parse(split));
    assertEquals("records.example", r.serverName());
    assertEquals(List.of("h2", "http/1.1"), r.alpn());
    for (int n = 0; n < split.length; n++) {
      assertInstanceOf(ClientHelloParser.NeedMore.class, ClientHelloParser.parse(Unpooled.wrappedBuffer(split, 0, n),
          MAX), "prefix " + n);
    }
  }

  @Test
  void plaintextIsNotTlsFromTheFirstByte() {
    assertInstanceOf(ClientHelloParser.NotTls.class, parse("G".getBytes(StandardCharsets.US_ASCII)));
    assertInstanceOf(ClientHelloParser.NotTls.class, parse("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertInstanceOf(ClientHelloParser.NotTls.class, parse("PRI * HTTP/2.0\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertInstanceOf(ClientHelloParser.NotTls.class, parse(new byte[] {0x16, 0x47})); // not version 3.x
    assertInstanceOf(ClientHelloParser.NotTls.class, parse(new byte[] {0x16, 3, 1, 0, 5, 2, 0, 0, 1, 0})); // ServerHello
  }

  @Test
  void tooLargeClientHelloIsReportedFromItsHeader() {
    int body = MAX + 100;
    byte[] start = {0x16, 3, 1, 0x40, 0, 1, (byte) (body >>> 16), (byte) (body >>> 8), (byte) body};
    var r = assertInstanceOf(ClientHelloParser.TooLarge.class, parse(start));
    assertEquals(body + 4, r.length());
  }

  @Test
  void truncatedBodyIsNotTls() throws Exception {
    byte[] hello = jdkClientHello("x.example");
    // claim a shorter message than the extensions need: the body is cut inside the extensions
    byte[] bad = hello.clone();
    int len = 60;
    bad[3] = 0;
    bad[4] = (byte) (len + 4);
    bad[6] = 0;
    bad[7] = 0;
    bad[8] = (byte) len;
    assertInstanceOf(ClientHelloParser.NotTls.class, ClientHelloParser.parse(Unpooled.wrappedBuffer(bad, 0, 5 + len + 4),
        MAX));
  }

  @Test
  void opensslClientHello() throws Exception {
    assumeTrue(new java.io.File("/usr/bin/openssl").canExecute(), "openssl not installed");
    byte[] hello = captureOpenssl("-servername", "b.example.org", "-alpn", "h2,http/1.1");
    var r = assertInstanceOf(ClientHelloParser.ClientHello.class, parse(hello));
    assertEquals("b.example.org", r.serverName());
    assertEquals(List.of("h2", "http/1.1"), r.alpn());
    for (int n = 1; n < r.bytes(); n += 13) {
      assertInstanceOf(ClientHelloParser.NeedMore.class, ClientHelloParser.parse(Unpooled.wrappedBuffer(hello, 0, n),
          MAX));
    }
  }

  /** What {@code openssl s_client} sends first to a server that never answers. */
  static byte[] captureOpenssl(String... args) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect",
          "127.0.0.1:" + server.getLocalPort()));
      cmd.addAll(List.of(args));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      try (Socket s = server.accept()) {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (true) {
          int n = in.read(buf);
          if (n < 0) {
            break;
          }
          got.write(buf, 0, n);
          if (ClientHelloParser.parse(Unpooled.wrappedBuffer(got.toByteArray()), MAX)
              instanceof ClientHelloParser.ClientHello) {
            break;
          }
        }
        return got.toByteArray();
      } finally {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Re-wraps the handshake bytes of {@code records} into records of at most {@code size} bytes. */
  static byte[] refragment(byte[] records, int size) {
    ByteArrayOutputStream handshake = new ByteArrayOutputStream();
    int pos = 0;
    while (pos + 5 <= records.length) {
      int len = ((records[pos + 3] & 0xff) << 8) | (records[pos + 4] & 0xff);
      handshake.write(records, pos + 5, len);
      pos += 5 + len;
    }
    byte[] h = handshake.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < h.length; i += size) {
      int n = Math.min(size, h.length - i);
      out.write(new byte[] {0x16, 3, 1, (byte) (n >>> 8), (byte) n}, 0, 5);
      out.write(h, i, n);
    }
    assertTrue(out.size() > records.length);
    return out.toByteArray();
  }
}
