package dev.javoy.proxy.accesslog.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.javoy.proxy.accesslog.TestStreams;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.formatter.req_without_query.v3.ReqWithoutQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubstitutionFormatStringsTest {
  @TempDir Path dir;

  private static String run(SubstitutionFormatString s) throws ConfigException {
    return SubstitutionFormatStrings.create(s, "log_format").format(TestStreams.stream("x-a", "1"), "");
  }

  @Test
  void textSources() throws Exception {
    assertEquals("a=1", run(SubstitutionFormatString.newBuilder().setTextFormat("a=%REQ(X-A)%").build()));
    assertEquals("a=1", run(SubstitutionFormatString.newBuilder()
        .setTextFormatSource(DataSource.newBuilder().setInlineString("a=%REQ(X-A)%")).build()));
    assertEquals("b=1", run(SubstitutionFormatString.newBuilder().setTextFormatSource(
        DataSource.newBuilder().setInlineBytes(ByteString.copyFromUtf8("b=%REQ(X-A)%"))).build()));
    Path file = dir.resolve("fmt.txt");
    Files.writeString(file, "c=%REQ(X-A)%\n", StandardCharsets.UTF_8);
    assertEquals("c=1\n", run(SubstitutionFormatString.newBuilder()
        .setTextFormatSource(DataSource.newBuilder().setFilename(file.toString())).build()));
  }

  @Test
  void contentTypes() throws Exception {
    assertEquals("text/plain", SubstitutionFormatStrings.create(SubstitutionFormatString.newBuilder()
        .setTextFormat("x").build(), "p").contentType());
    assertEquals("text/html; charset=UTF-8", SubstitutionFormatStrings.create(SubstitutionFormatString.newBuilder()
        .setTextFormat("x").setContentType("text/html; charset=UTF-8").build(), "p").contentType());
    SubstitutionFormatString json = TestStreams.yaml("json_format: {a: b}", SubstitutionFormatString.newBuilder());
    assertEquals("application/json", SubstitutionFormatStrings.create(json, "p").contentType());
  }

  @Test
  void omitEmptyValuesInText() throws Exception {
    assertEquals("[]", run(SubstitutionFormatString.newBuilder().setTextFormat("[%REQ(X-B)%]")
        .setOmitEmptyValues(true).build()));
    assertEquals("[-]", run(SubstitutionFormatString.newBuilder().setTextFormat("[%REQ(X-B)%]").build()));
  }

  @Test
  void formatterExtensions() throws Exception {
    SubstitutionFormatString ok = SubstitutionFormatString.newBuilder().setTextFormat("%REQ_WITHOUT_QUERY(:PATH)%")
        .addFormatters(TypedExtensionConfig.newBuilder().setName("envoy.formatter.req_without_query")
            .setTypedConfig(Any.pack(ReqWithoutQuery.getDefaultInstance())))
        .build();
    assertEquals("/", run(ok));
    SubstitutionFormatString bad = SubstitutionFormatString.newBuilder().setTextFormat("x")
        .addFormatters(TypedExtensionConfig.newBuilder().setName("envoy.formatter.cel")
            .setTypedConfig(Any.newBuilder().setTypeUrl("type.googleapis.com/envoy.extensions.formatter.cel.v3.Cel")))
        .build();
    ConfigException e = assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.create(bad, "lf"));
    assertTrue(e.getMessage().startsWith("lf.formatters[0]: ") && e.getMessage().contains("envoy.formatter.cel"),
        e.getMessage());
  }

  @Test
  void missingSourcesAreErrors() {
    assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.create(
        SubstitutionFormatString.getDefaultInstance(), "p"));
    ConfigException e = assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.create(
        SubstitutionFormatString.newBuilder().setTextFormatSource(DataSource.newBuilder()
            .setFilename(dir.resolve("absent").toString())).build(), "p"));
    assertEquals("p.text_format_source.filename", e.path());
    assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.create(
        SubstitutionFormatString.newBuilder().setTextFormatSource(DataSource.newBuilder()
            .setEnvironmentVariable("JAVOY_SURELY_UNSET_VARIABLE")).build(), "p"));
  }

  @Test
  void utf8EncodingAndBuilderReuse() {
    String s = "aé€😀" + '\ud800';
    assertArrayEquals("aé€😀?".getBytes(StandardCharsets.UTF_8), FormatBuffers.utf8(s));
    StringBuilder sb = FormatBuffers.builder().append("left over");
    assertSame(sb, FormatBuffers.builder());
    assertEquals(0, sb.length());
  }
}
