package dev.javoy.filters.http.compressor;

import dev.javoy.filters.compression.ConfigValues;
import dev.javoy.filters.compression.HeaderTokens;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.extensions.filters.http.compressor.v3.Compressor.CommonDirectionConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** One direction's {@code common_config} with Envoy's defaults, and that direction's counters. */
final class DirectionConfig {
  /** Envoy's {@code min_content_length} when unset (or 0). */
  static final int DEFAULT_MIN_CONTENT_LENGTH = 30;
  /** Envoy's compressible media types when {@code content_type} is empty. */
  static final List<String> DEFAULT_CONTENT_TYPES = List.of("text/html", "text/plain", "text/css",
      "application/javascript", "application/x-javascript", "text/javascript", "text/x-javascript",
      "text/ecmascript", "text/js", "text/jscript", "text/x-js", "application/ecmascript", "application/x-json",
      "application/xml", "application/json", "image/svg+xml", "text/xml", "application/xhtml+xml",
      "application/grpc-web", "application/grpc-web+proto");

  final boolean enabled;
  final long minContentLength;
  /** Lower-case media types. */
  final Set<String> contentTypes;
  final DirectionStats stats;

  private DirectionConfig(boolean enabled, long minContentLength, Set<String> contentTypes, DirectionStats stats) {
    this.enabled = enabled;
    this.minContentLength = minContentLength;
    this.contentTypes = contentTypes;
    this.stats = stats;
  }

  /**
   * @param present whether the direction's config message is set (request compression is off without it)
   * @param path JSON path of the {@code common_config}
   */
  static DirectionConfig create(boolean present, CommonDirectionConfig c, DirectionStats stats, String path)
      throws ConfigException {
    boolean enabled = present && ConfigValues.enabled(c.hasEnabled(), c.getEnabled(), path + ".enabled");
    long min = c.hasMinContentLength() && c.getMinContentLength().getValue() != 0
        ? Integer.toUnsignedLong(c.getMinContentLength().getValue()) : DEFAULT_MIN_CONTENT_LENGTH;
    Set<String> types = new HashSet<>();
    for (String t : c.getContentTypeList().isEmpty() ? DEFAULT_CONTENT_TYPES : c.getContentTypeList()) {
      types.add(t.toLowerCase(Locale.ROOT));
    }
    return new DirectionConfig(enabled, min, Set.copyOf(types), stats);
  }

  /**
   * False (counting {@code content_length_too_small}) when a {@code content-length} says the body is shorter
   * than {@code min_content_length} or cannot be read; true without one.
   */
  boolean isMinimumContentLength(HttpHeaders h) {
    String cl = h.get(HttpHeaderNames.CONTENT_LENGTH);
    if (cl == null) {
      return true;
    }
    boolean ok;
    try {
      ok = Long.parseLong(cl.trim()) >= minContentLength;
    } catch (NumberFormatException e) {
      ok = false;
    }
    if (!ok) {
      stats.contentLengthTooSmall().inc();
    }
    return ok;
  }

  /** Whether the media type is one to compress (true when there is no {@code content-type}). */
  boolean isContentTypeAllowed(HttpHeaders h) {
    String ct = h.get(HttpHeaderNames.CONTENT_TYPE);
    return ct == null || allows(HeaderTokens.mediaType(ct));
  }

  /** Whether {@code mediaType} (without parameters) is one to compress. */
  boolean allows(String mediaType) {
    return contentTypes.contains(mediaType.toLowerCase(Locale.ROOT));
  }
}
