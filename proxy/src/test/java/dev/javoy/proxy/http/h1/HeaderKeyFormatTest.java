package dev.javoy.proxy.http.h1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.StringValue;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.http.header_formatters.preserve_case.v3.PreserveCaseFormatterConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** header_key_format: lower case default, proper case words, preserve case; config checks. */
class HeaderKeyFormatTest {
  private static List<String> names(HttpHeaders h) {
    return h.entries().stream().map(e -> e.getKey()).toList();
  }

  private static HttpHeaders headers() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("X-Client-CaSe", "1").add("content-type", "t").add("foo$b#$are", "2").add("x-envoy-added", "3");
    return h;
  }

  @Test
  void properCase() {
    assertEquals("Content-Type", HeaderKeyFormat.properCase("content-type"));
    assertEquals("Foo$B#$Are", HeaderKeyFormat.properCase("foo$b#$are"));
    assertEquals("X-Foo-1a", HeaderKeyFormat.properCase("X-FOO-1A"));
  }

  @Test
  void modes() throws Exception {
    HttpHeaders h = headers();
    HeaderKeyFormat.DEFAULT.format(h);
    assertEquals(List.of("x-client-case", "content-type", "foo$b#$are", "x-envoy-added"), names(h));
    h = headers();
    HeaderKeyFormat.of(Http1ProtocolOptions.newBuilder().setHeaderKeyFormat(Http1ProtocolOptions.HeaderKeyFormat
        .newBuilder().setProperCaseWords(Http1ProtocolOptions.HeaderKeyFormat.ProperCaseWords.getDefaultInstance()))
        .build(), "o").format(h);
    assertEquals(List.of("X-Client-Case", "Content-Type", "Foo$B#$Are", "X-Envoy-Added"), names(h));
    h = headers();
    preserve(PreserveCaseFormatterConfig.FormatterTypeOnEnvoyHeaders.DEFAULT).format(h);
    assertEquals(List.of("X-Client-CaSe", "content-type", "foo$b#$are", "x-envoy-added"), names(h));
    h = headers();
    preserve(PreserveCaseFormatterConfig.FormatterTypeOnEnvoyHeaders.PROPER_CASE).format(h);
    assertEquals(List.of("X-Client-CaSe", "Content-Type", "Foo$B#$Are", "X-Envoy-Added"), names(h));
  }

  private static HeaderKeyFormat preserve(PreserveCaseFormatterConfig.FormatterTypeOnEnvoyHeaders t) throws Exception {
    return HeaderKeyFormat.of(Http1ProtocolOptions.newBuilder().setHeaderKeyFormat(Http1ProtocolOptions
        .HeaderKeyFormat.newBuilder().setStatefulFormatter(TypedExtensionConfig.newBuilder()
            .setName(HeaderKeyFormat.PRESERVE_CASE_NAME).setTypedConfig(Any.pack(PreserveCaseFormatterConfig
                .newBuilder().setFormatterTypeOnEnvoyHeaders(t).build())))).build(), "o");
  }

  @Test
  void otherFormattersAreRejected() {
    ConfigException e = assertThrows(ConfigException.class, () -> HeaderKeyFormat.of(Http1ProtocolOptions.newBuilder()
        .setHeaderKeyFormat(Http1ProtocolOptions.HeaderKeyFormat.newBuilder().setStatefulFormatter(
            TypedExtensionConfig.newBuilder().setName("x").setTypedConfig(Any.pack(StringValue.of("x"))))).build(),
        "hcm.http_protocol_options"));
    assertEquals("hcm.http_protocol_options.header_key_format.stateful_formatter.typed_config", e.path());
  }

  @Test
  void standardReasonPhrase() {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, new HttpResponseStatus(200, "Fine"));
    HeaderKeyFormat.standardReasonPhrase(r);
    assertSame(HttpResponseStatus.OK, r.status());
    assertTrue(HeaderKeyFormat.DEFAULT.forwardReasonPhrase() == false);
  }
}
