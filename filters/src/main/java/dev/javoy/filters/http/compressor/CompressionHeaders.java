package dev.javoy.filters.http.compressor;

import dev.javoy.filters.compression.HeaderTokens;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/** The header rules of the compressor filter that do not depend on its config. */
final class CompressionHeaders {
  /** Codings that mean a transfer-encoded body is compressed already (Envoy's list). */
  private static final List<String> COMPRESSING_TRANSFER_CODINGS = List.of("gzip", "br", "deflate", "compress",
      "zstd");

  private CompressionHeaders() {}

  static boolean hasNoTransform(HttpHeaders h) {
    return HeaderTokens.contains(h.get(HttpHeaderNames.CACHE_CONTROL), "no-transform");
  }

  /** An upgrade (websocket and the like): {@code connection: upgrade} with an {@code upgrade} header. */
  static boolean isUpgrade(HttpHeaders h) {
    return h.contains(HttpHeaderNames.UPGRADE) && HeaderTokens.contains(h.get(HttpHeaderNames.CONNECTION), "upgrade");
  }

  /** False when {@code transfer-encoding} already compresses, with a known coding or {@code ownEncoding}. */
  static boolean isTransferEncodingAllowed(HttpHeaders h, String ownEncoding) {
    String te = h.get(HttpHeaderNames.TRANSFER_ENCODING);
    if (te == null) {
      return true;
    }
    for (String coding : COMPRESSING_TRANSFER_CODINGS) {
      if (HeaderTokens.contains(te, coding)) {
        return false;
      }
    }
    return !HeaderTokens.contains(te, ownEncoding);
  }

  /**
   * Drops a strong {@code etag} (the compressed body is a different representation) and keeps a weak one, as
   * Envoy does.
   */
  static void sanitizeEtag(HttpHeaders h) {
    String etag = h.get(HttpHeaderNames.ETAG);
    if (etag != null && etag.length() > 2 && !((etag.charAt(0) == 'W' || etag.charAt(0) == 'w')
        && etag.charAt(1) == '/')) {
      h.remove(HttpHeaderNames.ETAG);
    }
  }

  /** Adds {@code accept-encoding} to {@code vary} unless it is listed already. */
  static void insertVary(HttpHeaders h) {
    String vary = h.get(HttpHeaderNames.VARY);
    if (vary == null) {
      h.set(HttpHeaderNames.VARY, "accept-encoding");
    } else if (!HeaderTokens.contains(vary, "accept-encoding")) {
      h.set(HttpHeaderNames.VARY, vary + ", accept-encoding");
    }
  }

  /** The values of a header joined by commas, as Envoy sees a repeated header; null when absent. */
  static String joined(HttpHeaders h, CharSequence name) {
    List<String> all = h.getAll(name);
    return all.isEmpty() ? null : all.size() == 1 ? all.get(0) : String.join(",", all);
  }
}
