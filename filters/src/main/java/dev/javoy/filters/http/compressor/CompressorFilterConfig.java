package dev.javoy.filters.http.compressor;

import dev.javoy.filters.compression.CompressionLibraries;
import dev.javoy.filters.compression.CompressorLibrary;
import dev.javoy.filters.compression.ConfigValues;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.stats.StatsScope;
import io.envoyproxy.envoy.extensions.filters.http.compressor.v3.Compressor;
import io.envoyproxy.envoy.extensions.filters.http.compressor.v3.Compressor.CommonDirectionConfig;
import java.util.HashSet;
import java.util.Set;

/**
 * A compiled {@code envoy.filters.http.compressor} config, shared by all workers: the library, both
 * directions' settings and the counters. Without {@code response_direction_config} the deprecated top-level
 * fields configure responses and the response counters lose their {@code response.} part, as in Envoy.
 */
final class CompressorFilterConfig implements HttpFilterConfig {
  static final Set<String> SUPPORTED = Set.of("compressor_library", "request_direction_config",
      "response_direction_config", "choose_first", "content_length", "content_type", "disable_on_etag_header",
      "remove_accept_encoding_header", "runtime_enabled");

  final CompressorLibrary library;
  final String contentEncoding;
  final boolean chooseFirst;
  final DirectionConfig request;
  final DirectionConfig response;
  final ResponseStats responseStats;
  final boolean disableOnEtagHeader;
  final boolean removeAcceptEncodingHeader;
  final Set<Integer> uncompressibleResponseCodes;

  private CompressorFilterConfig(CompressorLibrary library, boolean chooseFirst, DirectionConfig request,
      DirectionConfig response, ResponseStats responseStats, boolean disableOnEtagHeader,
      boolean removeAcceptEncodingHeader, Set<Integer> uncompressibleResponseCodes) {
    this.library = library;
    this.contentEncoding = library.contentEncoding();
    this.chooseFirst = chooseFirst;
    this.request = request;
    this.response = response;
    this.responseStats = responseStats;
    this.disableOnEtagHeader = disableOnEtagHeader;
    this.removeAcceptEncodingHeader = removeAcceptEncodingHeader;
    this.uncompressibleResponseCodes = uncompressibleResponseCodes;
  }

  /**
   * @param statPrefix the connection manager's {@code http.<stat_prefix>.}
   * @throws ConfigException with a path relative to the filter's {@code typed_config}
   */
  @SuppressWarnings("deprecation")
  static CompressorFilterConfig create(Compressor p, String statPrefix, FactoryContext ctx) throws ConfigException {
    FieldSupport.check(p, "", SUPPORTED);
    if (!p.hasCompressorLibrary()) {
      throw new ConfigException("compressor_library", "value is required");
    }
    CompressorLibrary library = CompressionLibraries.compressor(p.getCompressorLibrary(), "compressor_library", ctx);
    StatsScope root = ctx.stats().scope(statPrefix + "compressor." + p.getCompressorLibrary().getName() + "."
        + library.statsPrefix());

    DirectionConfig request = DirectionConfig.create(p.hasRequestDirectionConfig(),
        p.getRequestDirectionConfig().getCommonConfig(), DirectionStats.create(root.scope("request.")),
        "request_direction_config.common_config");

    boolean modern = p.hasResponseDirectionConfig();
    var r = p.getResponseDirectionConfig();
    DirectionConfig response = DirectionConfig.create(true, modern ? r.getCommonConfig() : legacyCommonConfig(p),
        DirectionStats.create(modern ? root.scope("response.") : root),
        modern ? "response_direction_config.common_config" : "runtime_enabled");
    Set<Integer> codes = new HashSet<>();
    for (int i = 0; i < r.getUncompressibleResponseCodesCount(); i++) {
      int code = r.getUncompressibleResponseCodes(i);
      String at = "response_direction_config.uncompressible_response_codes[" + i + "]";
      if (code < 200 || code >= 600) {
        throw new ConfigException(at, "value must be inside range [200, 600), got " + Integer.toUnsignedLong(code));
      }
      if (!codes.add(code)) {
        throw new ConfigException(at, "repeated value must contain unique items, " + code + " is repeated");
      }
    }
    return new CompressorFilterConfig(library, p.getChooseFirst(), request, response, ResponseStats.create(root),
        modern ? r.getDisableOnEtagHeader() : p.getDisableOnEtagHeader(),
        modern ? r.getRemoveAcceptEncodingHeader() : p.getRemoveAcceptEncodingHeader(), Set.copyOf(codes));
  }

  /** Envoy's translation of the deprecated top-level fields into a response {@code common_config}. */
  @SuppressWarnings("deprecation")
  private static CommonDirectionConfig legacyCommonConfig(Compressor p) throws ConfigException {
    CommonDirectionConfig.Builder b = CommonDirectionConfig.newBuilder().addAllContentType(p.getContentTypeList());
    if (p.hasContentLength()) {
      b.setMinContentLength(p.getContentLength());
    }
    if (p.hasRuntimeEnabled()) {
      b.setEnabled(p.getRuntimeEnabled());
      ConfigValues.enabled(true, p.getRuntimeEnabled(), "runtime_enabled");
    }
    return b.build();
  }

  @Override
  public HttpFilter newFilter(HttpFilterCallbacks callbacks) {
    return new CompressorFilter(this, callbacks);
  }
}
