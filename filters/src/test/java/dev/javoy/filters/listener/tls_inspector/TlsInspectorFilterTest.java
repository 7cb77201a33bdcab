package dev.javoy.filters.listener.tls_inspector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.filters.listener.http_inspector.HttpInspectorFilterAccess;
import dev.javoy.proxy.listener.ListenerStats;
import dev.javoy.proxy.listener.filter.ListenerFilter;
import dev.javoy.proxy.listener.filter.ListenerFilterContext;
import dev.javoy.proxy.listener.filter.ListenerFilterPhase;
import dev.javoy.proxy.listener.filter.ListenerFilters;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.StatsStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * tls_inspector (and http_inspector after it) run by the listener filter phase on a channel, as on a listener:
 * ClientHellos arriving in pieces, plaintext, too large, and the stats.
 */
class TlsInspectorFilterTest {
  private final StatsStore store = new StatsStore();
  private final ListenerStats listenerStats = new ListenerStats(store.scope("listener.t."));
  private ListenerFilterContext found;
  private String bytesHandedOn;

  private EmbeddedChannel run(ListenerFilter... filters) {
    EmbeddedChannel ch = new EmbeddedChannel();
    List<ListenerFilters.Entry> entries = Arrays.stream(filters)
        .map(f -> new ListenerFilters.Entry("f", f, null)).toList();
    ListenerFilterPhase.run(ch, new ListenerFilters(entries, 15_000, false),
        new ListenerFilterContext(ch, new InetSocketAddress("127.0.0.1", 443), new InetSocketAddress("127.0.0.1", 1)),
        null, listenerStats, (c, bytes) -> {
          found = c;
          bytesHandedOn = bytes == null ? "" : bytes.toString(StandardCharsets.ISO_8859_1);
          if (bytes != null) {
            bytes.release();
          }
        });
    return ch;
  }

  private TlsInspectorFilter tls() {
    return new TlsInspectorFilter(new TlsInspectorStats(store), TlsInspectorFilter.MAX_CLIENT_HELLO_SIZE);
  }

  private long counter(String name) {
    return ((Counter) store.find(name)).value();
  }

  private static ByteBuf bytes(byte[] b, int from, int to) {
    return Unpooled.wrappedBuffer(Arrays.copyOfRange(b, from, to));
  }

  @Test
  void clientHelloInThreeReadsFindsSniAndAlpnAndKeepsEveryByte() throws Exception {
    byte[] hello = ClientHelloParserTest.jdkClientHello("three.example", "h2", "http/1.1");
    EmbeddedChannel ch = run(tls(), HttpInspectorFilterAccess.create(store));
    ch.writeInbound(bytes(hello, 0, 3));
    ch.writeInbound(bytes(hello, 3, 100));
    assertNull(found);
    ch.writeInbound(bytes(hello, 100, hello.length));
    assertNotNull(found);
    assertEquals("tls", found.transportProtocol());
    assertEquals("three.example", found.serverName());
    assertEquals(List.of("h2", "http/1.1"), found.applicationProtocols(), "http_inspector leaves TLS alone");
    assertEquals(new String(hello, StandardCharsets.ISO_8859_1), bytesHandedOn);
    assertEquals(1, counter("tls_inspector.tls_found"));
    assertEquals(1, counter("tls_inspector.sni_found"));
    assertEquals(1, counter("tls_inspector.alpn_found"));
    assertEquals(0, counter("http_inspector.http_not_found"));
  }

  @Test
  void clientHelloWithoutSniOrAlpn() throws Exception {
    EmbeddedChannel ch = run(tls());
    ch.writeInbound(Unpooled.wrappedBuffer(ClientHelloParserTest.jdkClientHello(null)));
    assertEquals("tls", found.transportProtocol());
    assertEquals("", found.serverName());
    assertEquals(1, counter("tls_inspector.sni_not_found"));
    assertEquals(1, counter("tls_inspector.alpn_not_found"));
  }

  @Test
  void plaintextHttpIsNotTlsAndHttpInspectorNamesIt() {
    EmbeddedChannel ch = run(tls(), HttpInspectorFilterAccess.create(store));
    ch.writeInbound(Unpooled.copiedBuffer("GET / HT", StandardCharsets.US_ASCII));
    assertNull(found, "http_inspector waits for the rest of the request line");
    ch.writeInbound(Unpooled.copiedBuffer("TP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
    assertEquals("", found.transportProtocol(), "raw_buffer is the listener's default");
    assertEquals(List.of("http/1.1"), found.applicationProtocols());
    assertEquals("GET / HTTP/1.1\r\nHost: x\r\n\r\n", bytesHandedOn);
    assertEquals(1, counter("tls_inspector.tls_not_found"));
    assertEquals(1, counter("http_inspector.http11_found"));
  }

  @Test
  void h2cPrefaceAndHttp10() {
    run(HttpInspectorFilterAccess.create(store)).writeInbound(
        Unpooled.copiedBuffer("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", StandardCharsets.US_ASCII));
    assertEquals(List.of("h2c"), found.applicationProtocols());
    run(HttpInspectorFilterAccess.create(store)).writeInbound(
        Unpooled.copiedBuffer("GET / HTTP/1.0\r\n\r\n", StandardCharsets.US_ASCII));
    assertEquals(List.of("http/1.0"), found.applicationProtocols());
    run(HttpInspectorFilterAccess.create(store)).writeInbound(
        Unpooled.copiedBuffer("\u0001\u0002binary", StandardCharsets.US_ASCII));
    assertEquals(List.of(), found.applicationProtocols());
    assertEquals(1, counter("http_inspector.http2_found"));
    assertEquals(1, counter("http_inspector.http10_found"));
    assertEquals(1, counter("http_inspector.http_not_found"));
  }

  @Test
  void readErrorWhileInspectingIsCounted() {
    EmbeddedChannel ch = run(HttpInspectorFilterAccess.create(store));
    ch.writeInbound(Unpooled.copiedBuffer("GET /", StandardCharsets.US_ASCII));
    ch.pipeline().fireExceptionCaught(new java.io.IOException("Connection reset by peer"));
    assertFalse(ch.isOpen());
    assertEquals(1, counter("http_inspector.read_error"));
    assertEquals(1, listenerStats.downstreamListenerFilterError.value());
  }

  @Test
  void tooLargeClientHelloClosesTheConnection() {
    int body = TlsInspectorFilter.MAX_CLIENT_HELLO_SIZE;
    byte[] start = {0x16, 3, 1, 0x40, 0, 1, (byte) (body >>> 16), (byte) (body >>> 8), (byte) body, 3, 3};
    EmbeddedChannel ch = run(tls());
    ch.writeInbound(Unpooled.wrappedBuffer(start));
    assertFalse(ch.isOpen());
    assertNull(found);
    assertEquals(1, counter("tls_inspector.client_hello_too_large"));
    assertEquals(1, listenerStats.downstreamListenerFilterError.value());
  }

  @Test
  void largestAllowedClientHelloSpreadOverRecordsIsRead() {
    // a ClientHello of exactly the maximum size (padding in an unknown extension), in 16 KiB records
    int max = TlsInspectorFilter.MAX_CLIENT_HELLO_SIZE;
    byte[] msg = new byte[max];
    msg[0] = 1;
    int bodyLen = max - 4;
    msg[1] = (byte) (bodyLen >>> 16);
    msg[2] = (byte) (bodyLen >>> 8);
    msg[3] = (byte) bodyLen;
    int p = 4;
    msg[p++] = 3;
    msg[p++] = 3;
    p += 32; // random
    msg[p++] = 0; // session id
    msg[p++] = 0;
    msg[p++] = 2;
    msg[p++] = 0x13;
    msg[p++] = 0x01; // one cipher suite
    msg[p++] = 1;
    msg[p++] = 0; // null compression
    int extLen = max - p - 2;
    msg[p++] = (byte) (extLen >>> 8);
    msg[p++] = (byte) extLen;
    msg[p++] = (byte) 0xff;
    msg[p++] = (byte) 0xfe; // an unknown extension carrying the rest
    int padLen = extLen - 4;
    msg[p++] = (byte) (padLen >>> 8);
    msg[p] = (byte) padLen;
    byte[] records = wrapOneRecordPerChunk(msg, 16384);
    EmbeddedChannel ch = run(tls());
    for (int i = 0; i < records.length; i += 1000) {
      ch.writeInbound(bytes(records, i, Math.min(records.length, i + 1000)));
    }
    assertTrue(ch.isOpen(), "parse: " + ClientHelloParser.parse(Unpooled.wrappedBuffer(records), 65536)
        + " too large " + counter("tls_inspector.client_hello_too_large") + " not tls "
        + counter("tls_inspector.tls_not_found") + " errors " + listenerStats.downstreamListenerFilterError.value()
        + " length " + records.length);
    assertEquals("tls", found.transportProtocol());
    assertEquals(0, counter("tls_inspector.client_hello_too_large"));
  }

  private static byte[] wrapOneRecordPerChunk(byte[] handshake, int size) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < handshake.length; i += size) {
      int n = Math.min(size, handshake.length - i);
      out.write(new byte[] {0x16, 3, 1, (byte) (n >>> 8), (byte) n}, 0, 5);
      out.write(handshake, i, n);
    }
    return out.toByteArray();
  }
}
