package dev.javoy.filters.http.compressor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.filters.compression.Codecs;
import dev.javoy.filters.compression.FilterHarness;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.HttpFilterFactory;
import org.junit.jupiter.api.Test;

/** The compressor filter's registration, and config errors naming their JSON path. */
class CompressorConfigTest {
  private final FilterHarness harness = new FilterHarness();

  private ConfigException rejected(String more) {
    return assertThrows(ConfigException.class, () -> harness.httpFilter(CompressorFilterTest.config(Codecs.GZIP,
        more)));
  }

  @Test
  void registeredByTypeUrlAndName() {
    assertInstanceOf(CompressorFactory.class, FilterHarness.REGISTRY.byTypeUrl(HttpFilterFactory.class,
        "type.googleapis.com/envoy.extensions.filters.http.compressor.v3.Compressor"));
    assertInstanceOf(CompressorFactory.class, FilterHarness.REGISTRY.byName(HttpFilterFactory.class,
        "envoy.filters.http.compressor"));
  }

  @Test
  void defaults() throws Exception {
    CompressorFilterConfig c = (CompressorFilterConfig) harness.httpFilter(CompressorFilterTest.config(Codecs.GZIP,
        ""));
    assertEquals(30, c.response.minContentLength);
    assertEquals(DirectionConfig.DEFAULT_CONTENT_TYPES.size(), c.response.contentTypes.size());
    assertTrue(c.response.enabled);
    assertTrue(!c.request.enabled, "request compression needs request_direction_config");
    CompressorFilterConfig zero = (CompressorFilterConfig) harness.httpFilter(CompressorFilterTest.config(
        Codecs.GZIP, "\"response_direction_config\": {\"common_config\": {\"min_content_length\": 0}}"));
    assertEquals(30, zero.response.minContentLength);
  }

  @Test
  void errorsNameTheirPath() {
    ConfigException noLibrary = assertThrows(ConfigException.class, () -> harness.httpFilter(
        "{\"@type\": \"type.googleapis.com/envoy.extensions.filters.http.compressor.v3.Compressor\"}"));
    assertEquals("compressor_library", noLibrary.path());
    assertEquals("response_direction_config.uncompressible_response_codes[1]",
        rejected("\"response_direction_config\": {\"uncompressible_response_codes\": [206, 101]}").path());
    assertEquals("response_direction_config.uncompressible_response_codes[1]",
        rejected("\"response_direction_config\": {\"uncompressible_response_codes\": [206, 206]}").path());
    assertEquals("response_direction_config.common_config.enabled.default_value",
        rejected("\"response_direction_config\": {\"common_config\": {\"enabled\": {\"runtime_key\": \"k\"}}}")
            .path());
  }

  @Test
  void perRouteConfigIsValidated() {
    CompressorFactory f = new CompressorFactory();
    String type = "{\"@type\": \"type.googleapis.com/envoy.extensions.filters.http.compressor.v3.CompressorPerRoute\"";
    assertEquals("override", assertThrows(ConfigException.class, () -> harness.perRoute(type + "}", f)).path());
    assertEquals("disabled", assertThrows(ConfigException.class,
        () -> harness.perRoute(type + ", \"disabled\": false}", f)).path());
  }
}
