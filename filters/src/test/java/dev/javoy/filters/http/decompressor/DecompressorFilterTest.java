package dev.javoy.filters.http.decompressor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.filters.compression.Codecs;
import dev.javoy.filters.compression.FakeStream;
import dev.javoy.filters.compression.FilterHarness;
import dev.javoy.filters.compression.TrackingAllocator;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code envoy.filters.http.decompressor} on one stream, both directions. */
class DecompressorFilterTest {
  private final FilterHarness harness = new FilterHarness();
  private final TrackingAllocator alloc = new TrackingAllocator(false);
  private final byte[] body = Codecs.text(400_000, 12);

  @AfterEach
  void noLeaks() {
    alloc.assertAllReleased();
  }

  private HttpFilterConfig filter(Codecs codec, String libraryFields, String more) throws ConfigException {
    return harness.httpFilter("{\"@type\": \"type.googleapis.com/envoy.extensions.filters.http.decompressor.v3."
        + "Decompressor\", \"decompressor_library\": {\"name\": \"basic\", \"typed_config\": {\"@type\": \""
        + codec.decompressorType + "\"" + (libraryFields.isEmpty() ? "" : ", " + libraryFields) + "}}"
        + (more.isEmpty() ? "" : ", " + more) + "}");
  }

  private static String prefix(Codecs codec) {
    return "http.test.decompressor.basic." + (codec == Codecs.BROTLI ? "brotli" : codec.encoding) + ".";
  }

  private static HttpResponse response(String contentEncoding, int contentLength) {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    if (contentEncoding != null) {
      r.headers().set("content-encoding", contentEncoding);
    }
    r.headers().set("content-length", contentLength);
    return r;
  }

  /** Sends {@code data} through the response path in chunks of {@code step}. */
  private void respond(FakeStream s, byte[] data, int step) {
    for (int at = 0; at < data.length; at += step) {
      int end = Math.min(data.length, at + step);
      var buf = alloc.buffer(end - at).writeBytes(data, at, end - at);
      boolean last = end == data.length;
      s.responseData(last ? new DefaultLastHttpContent(buf) : new DefaultHttpContent(buf), last);
    }
  }

  @ParameterizedTest
  @EnumSource(Codecs.class)
  void decompressesResponsesAsTheyStream(Codecs codec) throws Exception {
    byte[] compressed = codec.referenceCompress(body);
    FakeStream s = new FakeStream(filter(codec, "", ""));
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    req.headers().set("accept-encoding", "deflate, " + codec.encoding + ";q=0.5");
    s.request(req, true);
    assertEquals("deflate, " + codec.encoding, req.headers().get("accept-encoding"),
        "the coding is advertised at full weight");
    HttpResponse resp = response(codec.encoding, compressed.length);
    s.response(resp, false);
    assertNull(resp.headers().get("content-encoding"));
    assertNull(resp.headers().get("content-length"));
    assertEquals("chunked", resp.headers().get("transfer-encoding"));
    respond(s, compressed, 997);
    // zstd emits a block (up to 128 KiB) once it is complete; gzip and brotli as the data comes
    assertTrue(s.downstream.size() > 2, "streamed in many chunks: " + s.downstream.size());
    assertArrayEquals(body, FakeStream.drain(s.downstream));
    assertFalse(s.reset);
    s.destroy();
    assertEquals(1, harness.counter(prefix(codec) + "response.decompressed"));
    assertEquals(compressed.length, harness.counter(prefix(codec) + "response.total_compressed_bytes"));
    assertEquals(body.length, harness.counter(prefix(codec) + "response.total_uncompressed_bytes"));
    assertEquals(0, harness.counter(prefix(codec) + "request.decompressed"));
  }

  @Test
  void decompressesRequestsAndKeepsTheOtherCodings() throws Exception {
    byte[] compressed = Codecs.GZIP.referenceCompress(body);
    FakeStream s = new FakeStream(filter(Codecs.GZIP, "", ""));
    HttpRequest post = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
    post.headers().set("content-encoding", "GZIP , br");
    post.headers().set("content-length", compressed.length);
    s.request(post, false);
    assertEquals("br", post.headers().get("content-encoding"));
    assertNull(post.headers().get("content-length"));
    assertEquals("gzip", post.headers().get("accept-encoding"));
    for (int at = 0; at < compressed.length; at += 500) {
      int end = Math.min(compressed.length, at + 500);
      var buf = alloc.buffer().writeBytes(compressed, at, end - at);
      boolean last = end == compressed.length;
      s.requestData(last ? new DefaultLastHttpContent(buf) : new DefaultHttpContent(buf), last);
    }
    assertTrue(s.upstreamEnds.get(s.upstreamEnds.size() - 1));
    assertArrayEquals(body, FakeStream.drain(s.upstream));
    s.destroy();
    assertEquals(1, harness.counter(prefix(Codecs.GZIP) + "request.decompressed"));
  }

  @Test
  void leavesOtherBodiesAlone() throws Exception {
    HttpFilterConfig f = filter(Codecs.GZIP, "",
        "\"request_direction_config\": {\"advertise_accept_encoding\": false}");
    for (String coding : new String[] {null, "br", "br, gzip"}) {
      FakeStream s = new FakeStream(f);
      HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
      s.request(req, true);
      assertFalse(req.headers().contains("accept-encoding"));
      HttpResponse resp = response(coding, 100);
      s.response(resp, false);
      assertEquals(coding, resp.headers().get("content-encoding"));
      respond(s, Arrays.copyOf(body, 100), 100);
      assertArrayEquals(Arrays.copyOf(body, 100), FakeStream.drain(s.downstream));
      s.destroy();
    }
    assertEquals(3, harness.counter(prefix(Codecs.GZIP) + "response.not_decompressed"));
  }

  @Test
  void noTransformUnlessIgnored() throws Exception {
    byte[] compressed = Codecs.GZIP.referenceCompress(body);
    for (boolean ignore : new boolean[] {false, true}) {
      FakeStream s = new FakeStream(filter(Codecs.GZIP, "", "\"response_direction_config\": {\"common_config\":"
          + " {\"ignore_no_transform_header\": " + ignore + "}}"));
      s.request(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"), true);
      HttpResponse resp = response("gzip", compressed.length);
      resp.headers().set("cache-control", "no-transform");
      s.response(resp, false);
      respond(s, compressed, 4096);
      assertArrayEquals(ignore ? body : compressed, FakeStream.drain(s.downstream));
      s.destroy();
    }
  }

  @Test
  void disabledDirectionsNeitherDecompressNorAdvertise() throws Exception {
    FakeStream s = new FakeStream(filter(Codecs.GZIP, "", "\"response_direction_config\": {\"common_config\":"
        + " {\"enabled\": {\"default_value\": false, \"runtime_key\": \"off\"}}}"));
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    s.request(req, true);
    assertFalse(req.headers().contains("accept-encoding"));
    byte[] compressed = Codecs.GZIP.referenceCompress(body);
    s.response(response("gzip", compressed.length), false);
    respond(s, compressed, 4096);
    assertArrayEquals(compressed, FakeStream.drain(s.downstream));
    s.destroy();
  }

  @Test
  void aDecompressionBombResetsTheStream() throws Exception {
    byte[] bomb = Codecs.GZIP.referenceCompress(new byte[8 << 20]);
    FakeStream s = new FakeStream(filter(Codecs.GZIP, "\"max_inflate_ratio\": 50", ""));
    s.request(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"), true);
    s.response(response("gzip", bomb.length), false);
    respond(s, bomb, bomb.length);
    assertTrue(s.reset);
    assertTrue(s.downstream.isEmpty());
    s.destroy();
    assertEquals(1, harness.counter(prefix(Codecs.GZIP) + "decompressor_library.zlib_data_error"));
  }

  @Test
  void corruptDataResetsTheStream() throws Exception {
    FakeStream s = new FakeStream(filter(Codecs.ZSTD, "", ""));
    s.request(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"), true);
    s.response(response("zstd", 1000), false);
    respond(s, Arrays.copyOf(body, 1000), 1000);
    assertTrue(s.reset);
    s.destroy();
    assertEquals(1, harness.counter(prefix(Codecs.ZSTD) + "decompressor_library.zstd_generic_error"));
  }

  @Test
  void registrationAndConfigErrors() {
    assertInstanceOf(DecompressorFactory.class, FilterHarness.REGISTRY.byName(HttpFilterFactory.class,
        "envoy.filters.http.decompressor"));
    assertEquals("decompressor_library.typed_config.chunk_size", assertThrows(ConfigException.class,
        () -> filter(Codecs.BROTLI, "\"chunk_size\": 1", "")).path());
    assertEquals("decompressor_library.typed_config.dictionaries", assertThrows(ConfigException.class,
        () -> filter(Codecs.ZSTD, "\"dictionaries\": [{\"inline_string\": \"d\"}]", "")).path());
  }

  @Test
  void acceptEncodingAdvertisement() {
    assertEquals("gzip", DecompressorFilter.withEncoding(List.of(), "gzip"));
    assertEquals("br, gzip", DecompressorFilter.withEncoding(List.of("gzip;q=0.2, br"), "gzip"));
    assertEquals("br, deflate, gzip", DecompressorFilter.withEncoding(List.of("br", "deflate, GZIP"), "gzip"));
  }

}
