package dev.javoy.filters.http.compressor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.filters.compression.Codecs;
import dev.javoy.filters.compression.FakeStream;
import dev.javoy.filters.compression.FilterHarness;
import dev.javoy.filters.compression.TrackingAllocator;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code envoy.filters.http.compressor} on one stream: Envoy's decisions, headers, counters and streaming. */
class CompressorFilterTest {
  static final String STATS = "http.test.compressor.text.gzip.";

  final FilterHarness harness = new FilterHarness();
  final TrackingAllocator alloc = new TrackingAllocator(false);
  final byte[] body = Codecs.text(64_000, 5);

  @AfterEach
  void noLeaks() {
    alloc.assertAllReleased();
  }

  static String config(Codecs codec, String more) {
    return "{\"@type\": \"type.googleapis.com/envoy.extensions.filters.http.compressor.v3.Compressor\","
        + " \"compressor_library\": {\"name\": \"text\", \"typed_config\": {\"@type\": \"" + codec.compressorType
        + "\"}}" + (more.isEmpty() ? "" : ", " + more) + "}";
  }

  HttpFilterConfig filter(String more) throws Exception {
    return harness.httpFilter(config(Codecs.GZIP, more));
  }

  static HttpRequest get(String acceptEncoding) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    if (acceptEncoding != null) {
      r.headers().set("accept-encoding", acceptEncoding);
    }
    return r;
  }

  static HttpResponse response(int code, String contentType, long contentLength) {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code));
    if (contentType != null) {
      r.headers().set("content-type", contentType);
    }
    if (contentLength >= 0) {
      r.headers().set("content-length", contentLength);
    }
    return r;
  }

  HttpContent chunk(int from, int to, boolean last) {
    var buf = alloc.buffer(to - from).writeBytes(body, from, to - from);
    return last ? new DefaultLastHttpContent(buf) : new DefaultHttpContent(buf);
  }

  /** Runs a whole exchange; returns the response headers as the client gets them. */
  HttpHeaders exchange(FakeStream s, HttpRequest req, HttpResponse resp, int chunkSize) {
    s.request(req, true);
    s.response(resp, false);
    for (int at = 0; at < body.length; at += chunkSize) {
      int end = Math.min(body.length, at + chunkSize);
      s.responseData(chunk(at, end, end == body.length), end == body.length);
    }
    return resp.headers();
  }

  /** An exchange whose response is not compressed: the client gets the body as sent. */
  HttpHeaders uncompressed(HttpFilterConfig f, HttpRequest req, HttpResponse resp) {
    FakeStream s = new FakeStream(f);
    HttpHeaders h = exchange(s, req, resp, 10_000);
    assertArrayEquals(body, FakeStream.drain(s.downstream));
    s.destroy();
    return h;
  }

  long stat(String name) {
    return harness.counter(STATS + name);
  }

  @ParameterizedTest
  @EnumSource(Codecs.class)
  void compressesTheResponseAsItStreams(Codecs codec) throws Exception {
    FakeStream s = new FakeStream(harness.httpFilter(config(codec, "\"response_direction_config\": {}")));
    s.request(get("gzip, deflate, br, zstd;q=0.9".replace(codec.encoding + ",", codec.encoding + ";q=1.0,")
        .replace("gzip,", codec == Codecs.GZIP ? "gzip," : "gzip;q=0.5,")), true);
    HttpResponse resp = response(200, "text/plain; charset=utf-8", body.length);
    resp.headers().set("etag", "\"strong\"");
    s.response(resp, false);
    HttpHeaders h = resp.headers();
    assertEquals(codec.encoding, h.get("content-encoding"));
    assertNull(h.get("content-length"));
    assertEquals("chunked", h.get("transfer-encoding"));
    assertEquals("accept-encoding", h.get("vary"));
    assertNull(h.get("etag"), "a strong etag does not describe the compressed body");
    int chunks = 0;
    for (int at = 0; at < body.length; at += 500) {
      int end = Math.min(body.length, at + 500);
      s.responseData(chunk(at, end, end == body.length), end == body.length);
      chunks++;
      assertEquals(chunks, s.downstream.size(), "each chunk goes out compressed and flushed right away");
    }
    assertEquals(java.util.Collections.nCopies(chunks - 1, false), s.downstreamEnds.subList(0, chunks - 1));
    assertTrue(s.downstreamEnds.get(chunks - 1));
    byte[] compressed = FakeStream.drain(s.downstream);
    assertArrayEquals(body, codec.referenceDecompress(compressed));
    s.destroy();
    String prefix = "http.test.compressor.text." + (codec == Codecs.BROTLI ? "brotli" : codec.encoding) + ".";
    assertEquals(1, harness.counter(prefix + "response.compressed"));
    assertEquals(0, harness.counter(prefix + "response.not_compressed"));
    assertEquals(body.length, harness.counter(prefix + "response.total_uncompressed_bytes"));
    assertEquals(compressed.length, harness.counter(prefix + "response.total_compressed_bytes"));
    assertEquals(1, harness.counter(prefix + "header_compressor_used"));
    assertEquals(1, harness.counter(prefix + "request.not_compressed"));
  }

  @Test
  void aLastChunkWithoutDataFinishesTheStream() throws Exception {
    FakeStream s = new FakeStream(filter(""));
    s.request(get("gzip"), true);
    s.response(response(200, "application/json", -1), false);
    s.responseData(chunk(0, 1000, false), false);
    s.responseData(new DefaultLastHttpContent(alloc.buffer(0)), true);
    assertEquals(2, s.downstream.size());
    assertArrayEquals(java.util.Arrays.copyOf(body, 1000), Codecs.GZIP.referenceDecompress(
        FakeStream.drain(s.downstream)));
    s.destroy();
  }

  @Test
  void acceptEncodingDecidesAndIsCounted() throws Exception {
    HttpFilterConfig f = filter("\"response_direction_config\": {}");
    assertNull(uncompressed(f, get(null), response(200, "text/html", body.length)).get("content-encoding"));
    assertEquals(1, stat("no_accept_header"));
    uncompressed(f, get("identity"), response(200, "text/html", body.length));
    assertEquals(1, stat("header_identity"));
    uncompressed(f, get("gzip;q=0, identity"), response(200, "text/html", body.length));
    uncompressed(f, get("br"), response(200, "text/html", body.length));
    assertEquals(2, stat("header_not_valid"));
    assertEquals(4, stat("response.not_compressed"));

    FakeStream s = new FakeStream(f);
    assertEquals("gzip", exchange(s, get("*"), response(200, "text/html", body.length), 4096)
        .get("content-encoding"));
    assertArrayEquals(body, Codecs.GZIP.referenceDecompress(FakeStream.drain(s.downstream)));
    s.destroy();
    assertEquals(1, stat("header_wildcard"));
    assertEquals(1, stat("response.compressed"));
  }

  @Test
  void responsesThatMustNotBeCompressedAreLeftAlone() throws Exception {
    HttpFilterConfig f = filter("\"response_direction_config\": {\"uncompressible_response_codes\": [206]}");
    HttpResponse encoded = response(200, "text/html", body.length);
    encoded.headers().set("content-encoding", "br");
    assertEquals("br", uncompressed(f, get("gzip"), encoded).get("content-encoding"));
    HttpResponse noTransform = response(200, "text/html", body.length);
    noTransform.headers().set("cache-control", "public, No-Transform");
    assertNull(uncompressed(f, get("gzip"), noTransform).get("content-encoding"));
    HttpResponse teGzip = response(200, "text/html", -1);
    teGzip.headers().set("transfer-encoding", "gzip, chunked");
    assertNull(uncompressed(f, get("gzip"), teGzip).get("content-encoding"));
    assertNull(uncompressed(f, get("gzip"), response(206, "text/html", body.length)).get("content-encoding"));
    HttpHeaders png = uncompressed(f, get("gzip"), response(200, "image/png", body.length));
    assertNull(png.get("content-encoding"));
    assertNull(png.get("vary"), "not compressible at all: no vary");
    HttpHeaders small = uncompressed(f, get("gzip"), response(200, "text/html", 29));
    assertNull(small.get("content-encoding"));
    assertEquals(String.valueOf(29), small.get("content-length"));
    assertEquals(1, stat("response.content_length_too_small"));
    assertEquals(6, stat("response.not_compressed"));
    assertEquals(0, stat("response.compressed"));
  }

  @Test
  void bodylessResponsesAreNotCompressed() throws Exception {
    HttpFilterConfig f = filter("");
    HttpRequest head = get("gzip");
    head.setMethod(HttpMethod.HEAD);
    FakeStream s = new FakeStream(f);
    s.request(head, true);
    HttpResponse r = response(200, "text/html", 5000);
    s.response(r, false);
    s.responseData(new DefaultLastHttpContent(alloc.buffer(0)), true);
    assertEquals("5000", r.headers().get("content-length"));
    assertNull(r.headers().get("content-encoding"));
    assertEquals("accept-encoding", r.headers().get("vary"), "the GET of it could be compressed");
    FakeStream.drain(s.downstream);
    s.destroy();
    for (int code : new int[] {204, 304}) {
      FakeStream t = new FakeStream(f);
      t.request(get("gzip"), true);
      HttpResponse empty = response(code, "text/html", -1);
      t.response(empty, false);
      t.responseData(new DefaultLastHttpContent(alloc.buffer(0)), true);
      assertNull(empty.headers().get("content-encoding"));
      FakeStream.drain(t.downstream);
      t.destroy();
    }
    FakeStream headersOnly = new FakeStream(f);
    headersOnly.request(get("gzip"), true);
    HttpResponse ended = response(200, "text/html", -1);
    headersOnly.response(ended, true);
    assertNull(ended.headers().get("content-encoding"));
    headersOnly.destroy();
    assertEquals(4, harness.counter("http.test.compressor.text.gzip.not_compressed"));
  }

  @Test
  void etagsAndVary() throws Exception {
    HttpFilterConfig keep = filter("");
    FakeStream s = new FakeStream(keep);
    HttpResponse weak = response(200, "text/html", body.length);
    weak.headers().set("etag", "W/\"v1\"");
    weak.headers().set("vary", "origin");
    HttpHeaders h = exchange(s, get("gzip"), weak, 30_000);
    assertEquals("W/\"v1\"", h.get("etag"));
    assertEquals("origin, accept-encoding", h.get("vary"));
    FakeStream.drain(s.downstream);
    s.destroy();

    HttpFilterConfig disable = filter("\"response_direction_config\": {\"disable_on_etag_header\": true}");
    HttpResponse tagged = response(200, "text/html", body.length);
    tagged.headers().set("etag", "\"v1\"");
    tagged.headers().set("vary", "Accept-Encoding");
    HttpHeaders t = uncompressed(disable, get("gzip"), tagged);
    assertEquals("\"v1\"", t.get("etag"));
    assertEquals("Accept-Encoding", t.get("vary"));
    assertEquals(1, stat("not_compressed_etag"));
  }

  @Test
  void removeAcceptEncodingHeaderStillCompresses() throws Exception {
    FakeStream s = new FakeStream(filter("\"response_direction_config\": {\"remove_accept_encoding_header\": true}"));
    HttpRequest req = get("gzip");
    HttpHeaders h = exchange(s, req, response(200, "text/html", body.length), 8000);
    assertFalse(req.headers().contains("accept-encoding"), "the upstream does not compress then");
    assertEquals("gzip", h.get("content-encoding"));
    FakeStream.drain(s.downstream);
    s.destroy();
  }

  @Test
  void runtimeFlagAndPerRouteConfigSwitchCompression() throws Exception {
    HttpFilterConfig off = filter("\"response_direction_config\": {\"common_config\": {\"enabled\":"
        + " {\"default_value\": false, \"runtime_key\": \"compression\"}}}");
    HttpHeaders h = uncompressed(off, get("gzip"), response(200, "text/html", body.length));
    assertNull(h.get("vary"));
    assertEquals(0, stat("header_compressor_used") + stat("no_accept_header"));

    CompressorFactory factory = new CompressorFactory();
    String perRoute = "{\"@type\": \"type.googleapis.com/envoy.extensions.filters.http.compressor.v3."
        + "CompressorPerRoute\", ";
    FakeStream on = new FakeStream(off);
    on.perFilterConfig = harness.perRoute(perRoute + "\"overrides\": {\"response_direction_config\":"
        + " {\"remove_accept_encoding_header\": true}}}", factory);
    HttpRequest req = get("gzip");
    assertEquals("gzip", exchange(on, req, response(200, "text/html", body.length), 8000).get("content-encoding"));
    assertFalse(req.headers().contains("accept-encoding"));
    FakeStream.drain(on.downstream);
    on.destroy();

    FakeStream disabled = new FakeStream(filter(""));
    disabled.perFilterConfig = harness.perRoute(perRoute + "\"disabled\": true}", factory);
    exchange(disabled, get("gzip"), response(200, "text/html", body.length), 8000);
    assertArrayEquals(body, FakeStream.drain(disabled.downstream));
    disabled.destroy();
  }

  @Test
  void compressesRequestsWhenConfigured() throws Exception {
    FakeStream s = new FakeStream(filter("\"request_direction_config\": {}"));
    HttpRequest post = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload");
    post.headers().set("content-type", "application/json");
    post.headers().set("content-length", body.length);
    s.request(post, false);
    assertEquals("gzip", post.headers().get("content-encoding"));
    assertNull(post.headers().get("content-length"));
    assertEquals("chunked", post.headers().get("transfer-encoding"));
    for (int at = 0; at < body.length; at += 7000) {
      int end = Math.min(body.length, at + 7000);
      s.requestData(chunk(at, end, end == body.length), end == body.length);
    }
    assertTrue(s.upstream.size() > 5);
    assertTrue(s.upstreamEnds.get(s.upstreamEnds.size() - 1));
    assertArrayEquals(body, Codecs.GZIP.referenceDecompress(FakeStream.drain(s.upstream)));
    s.destroy();
    assertEquals(1, stat("request.compressed"));
    assertEquals(body.length, stat("request.total_uncompressed_bytes"));

    FakeStream already = new FakeStream(filter("\"request_direction_config\": {}"));
    HttpRequest encoded = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload");
    encoded.headers().set("content-encoding", "br");
    already.request(encoded, false);
    already.requestData(chunk(0, 100, true), true);
    assertArrayEquals(java.util.Arrays.copyOf(body, 100), FakeStream.drain(already.upstream));
    already.destroy();
    assertEquals(1, stat("request.not_compressed"));
  }

  @Test
  void legacyTopLevelFieldsConfigureResponsesWithoutTheDirectionInStatNames() throws Exception {
    FakeStream s = new FakeStream(filter("\"content_length\": 100, \"content_type\": [\"text/csv\"]"));
    exchange(s, get("gzip"), response(200, "text/csv", body.length), 9000);
    assertArrayEquals(body, Codecs.GZIP.referenceDecompress(FakeStream.drain(s.downstream)));
    s.destroy();
    assertEquals(1, harness.counter("http.test.compressor.text.gzip.compressed"));
    assertEquals(0, harness.counter("http.test.compressor.text.gzip.request.compressed"));
  }

  @Test
  void resetStreamReleasesTheCompressor() throws Exception {
    FakeStream s = new FakeStream(filter(""));
    s.request(get("gzip"), true);
    s.response(response(200, "text/html", body.length), false);
    s.responseData(chunk(0, 1000, false), false);
    s.destroy(); // reset before the end: the compressor's native state is freed, buffers released
    FakeStream.drain(s.downstream);
  }
}
